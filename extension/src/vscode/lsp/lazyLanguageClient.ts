import * as vscode from 'vscode';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';

type LspClientModule = typeof import('./lspClient');

const BLUEPRINT_FILE = /[\\/]\.orchard[\\/]blueprints[\\/][^\\/]+\.json$/;

/**
 * Starts the language server the first time a blueprint file is opened, not at
 * activation: most sessions never open one, and the client library is the
 * largest thing we would otherwise load up front.
 */
export class LazyLanguageClient implements vscode.Disposable {
  private started: Promise<vscode.Disposable | undefined> | undefined;
  private readonly listener: vscode.Disposable;
  private disposed = false;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.listener = vscode.workspace.onDidOpenTextDocument((doc) => this.consider(doc));
    for (const doc of vscode.workspace.textDocuments) this.consider(doc);
  }

  private consider(doc: vscode.TextDocument): void {
    if (this.started || this.disposed || doc.uri.scheme !== 'file' || !BLUEPRINT_FILE.test(doc.uri.fsPath)) return;
    this.started = this.start();
  }

  private async start(): Promise<vscode.Disposable | undefined> {
    try {
      const { startLanguageClient } = loadBundle<LspClientModule>('lspClient.js');
      const client = await startLanguageClient(this.extensionUri, log());
      if (this.disposed) {
        client.dispose();
        return undefined;
      }
      log().info('Language server started');
      return client;
    } catch (error) {
      log().error(`The Orchard language server did not start: ${String(error)}`);
      void vscode.window.showErrorMessage('Orchard: the language server did not start. See the Orchard output for details.');
      return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listener.dispose();
    void this.started?.then((client) => client?.dispose());
  }
}
