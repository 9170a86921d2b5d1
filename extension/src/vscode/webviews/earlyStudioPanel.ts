import * as vscode from 'vscode';
import { ViewId } from '../commands/commandIds';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The first `Orchard: Open Studio` of a window creates the panel and gives it
 * its HTML from the activation bundle, before the Studio host bundle is
 * parsed: VS Code loads the webview while the host loads. Messages the
 * webview sends in that window of time are kept and handed to the session.
 */
export interface EarlyStudioPanel {
  readonly panel: vscode.WebviewPanel;
  /** Stops buffering and returns what arrived, oldest first. */
  takeMessages(): unknown[];
}

export function createStudioPanel(extensionUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    ViewId.studioPanel,
    'Orchard Studio',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
    webviewOptions(extensionUri),
  );
  loadStudioPage(panel, extensionUri);
  return panel;
}

/** Icon, options and HTML of a Studio panel, new or restored by the serializer. */
export function loadStudioPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'orchard.svg');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'studio');
}

export function openStudioPanelEarly(extensionUri: vscode.Uri): EarlyStudioPanel {
  const panel = createStudioPanel(extensionUri);
  const buffered: unknown[] = [];
  const listener = panel.webview.onDidReceiveMessage((message: unknown) => buffered.push(message));
  return {
    panel,
    takeMessages: () => {
      listener.dispose();
      return buffered.splice(0);
    },
  };
}
