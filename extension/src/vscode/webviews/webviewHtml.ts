import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewKind } from '../../core/protocol';
import { REFERENCES_DIR } from '../../core/workspacePaths';

/** The built webview assets: the only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/**
 * The built assets, and the workspace's `.orchard/references/` folder where
 * images attached in chat are kept (thumbnails in the Chat and Plan panes).
 * Nothing else of the workspace is readable from a webview.
 */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const references = folder ? [vscode.Uri.joinPath(folder.uri, ...REFERENCES_DIR.split('/'))] : [];
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri), ...references] };
}

function nonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The page both Orchard webviews load. The entry script runs only with this page's nonce;
 * styles come from the built assets (Svelte sets pane sizes through the CSSOM and the
 * elements use constructable stylesheets, neither of which needs 'unsafe-inline').
 * Images come from the local resource roots (the assets and `.orchard/references/`), or
 * are previews of an image being attached (`blob:` object URLs, `data:` URLs).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: WebviewKind): string {
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css'));
  const n = nonce();
  const csp = [
    "default-src 'none'",
    // The nonce admits main.js; the Preview's Markdown chunk is loaded by import(),
    // which carries no nonce, so scripts from the built assets are allowed too.
    `script-src 'nonce-${n}' ${webview.cspSource}`,
    // The nonce also admits the <style> elements the terminal renderer (xterm.js) creates for its
    // theme and cell sizes; the webview gives them the nonce (webview/src/lib/styleNonce.ts).
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `img-src ${webview.cspSource} blob: data:`,
    `font-src ${webview.cspSource}`,
    // The Studio's App tab shows a build's dev server, at an address only known once it runs
    // (forwarded by asExternalUri: localhost, a proxy path, a Codespaces domain), as Simple Browser does.
    ...(kind === 'studio' ? ['frame-src http: https:'] : []),
  ].join('; ');
  const title = kind === 'studio' ? 'Orchard Studio' : kind === 'agents' ? 'Orchard Agents' : 'Architect';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${title}</title>
</head>
<body data-kind="${kind}">
<div id="app"></div>
<script type="module" nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
