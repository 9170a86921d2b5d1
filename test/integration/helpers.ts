/** Shared by the integration tests: they run inside the extension host against the real `vscode` API. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'orchard.orchard-studio';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something other than undefined/false and returns that.
 * Most of what the tests wait for (tabs, diagnostics) arrives from another process with no
 * event to await that is guaranteed to fire after the test subscribes, so polling is the honest way.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open; the suite needs the fixture workspace (test/fixtures/workspace)');
  return folder.uri;
}

export function blueprintUri(fileName: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), '.orchard', 'blueprints', fileName);
}

/** Every open tab showing the Studio panel, in any editor group. Webview tabs report `mainThreadWebview-<viewType>`. */
export function studioTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('orchard.studio'));
}

/** Diagnostics published for `uri` by the Orchard language server (the JSON language service has its own). */
export function orchardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'orchard');
}

export function diagnosticCode(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
