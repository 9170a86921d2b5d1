import * as vscode from 'vscode';

/**
 * The "Orchard" LogOutputChannel: one per extension lifetime. Everything that
 * is dropped or fails (malformed webview messages, unreadable files) is logged
 * here; secrets never are.
 *
 * The host code is split into bundles loaded on first use (dist/extension.js,
 * dist/studioHost.js, ...), each with its own copy of this module, so the
 * channel is kept on globalThis under a registered symbol: one channel, not
 * one per bundle.
 */
const KEY = Symbol.for('orchard.logOutputChannel');
type Holder = { [KEY]?: vscode.LogOutputChannel };

export function log(): vscode.LogOutputChannel {
  const holder = globalThis as Holder;
  holder[KEY] ??= vscode.window.createOutputChannel('Orchard', { log: true });
  return holder[KEY];
}

export function disposeLog(): void {
  const holder = globalThis as Holder;
  holder[KEY]?.dispose();
  delete holder[KEY];
}
