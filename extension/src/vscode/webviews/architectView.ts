import * as vscode from 'vscode';
import { ViewId } from '../commands/commandIds';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { WebviewSession, type SessionServices } from './webviewSession';

/**
 * The sidebar Architect view in the Orchard container. Its webview is
 * recreated whenever the view becomes visible again; the session lives as
 * long as that webview.
 */
export class ArchitectViewProvider implements vscode.WebviewViewProvider {
  static register(extensionUri: vscode.Uri, services: SessionServices): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(ViewId.architect, new ArchitectViewProvider(extensionUri, services));
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: SessionServices,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const session = new WebviewSession(view.webview, 'architect', this.services);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'architect');
    view.onDidDispose(() => session.dispose());
  }
}
