import * as vscode from 'vscode';
import { ViewId } from '../commands/commandIds';
import { log } from '../log';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { WebviewSession, type SessionServices } from './webviewSession';

/**
 * The Agent Grid (`Orchard: Show Agents`): one panel with a card per
 * operation, beside the editor. At most one exists; showing it again
 * reveals it. Restored after a reload by its serializer, and then it replays
 * every card from the logs (operationsFeed.ts), so nothing is lost with the
 * window. Like the Studio it keeps no retained context: a hidden grid frees
 * its memory and replays when shown again.
 */
export class AgentsPanel implements vscode.Disposable {
  private static current: AgentsPanel | undefined;

  static show(extensionUri: vscode.Uri, services: SessionServices): void {
    if (AgentsPanel.current) {
      AgentsPanel.current.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(ViewId.agentsPanel, 'Orchard Agents', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(extensionUri));
    new AgentsPanel(panel, extensionUri, services);
  }

  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, services: SessionServices): void {
    AgentsPanel.current?.dispose();
    new AgentsPanel(panel, extensionUri, services);
  }

  private readonly session: WebviewSession;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    services: SessionServices,
  ) {
    AgentsPanel.current = this;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'orchard.svg');
    // The session listens before the page loads, so the webview's `ready` is never missed.
    this.session = new WebviewSession(panel.webview, 'agents', services);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'agents');
    this.disposables.push(this.session, panel.onDidDispose(() => this.dispose()));
    log().info('Agent Grid opened');
  }

  dispose(): void {
    if (AgentsPanel.current === this) AgentsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
