import * as vscode from 'vscode';

/**
 * The "Orchard" LogOutputChannel: one per extension lifetime. Everything that
 * is dropped or fails (malformed webview messages, unreadable files) is logged
 * here; secrets never are.
 */
let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Orchard', { log: true });
  return channel;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
