import * as vscode from 'vscode';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import { affectsSelector, orchardDocumentSelector } from './documentSelector';
import type { RunningLanguageClient } from './lspClient';

type LspClientModule = typeof import('./lspClient');

/**
 * Starts the language server the first time a file it validates is opened (a
 * blueprint, a memory file, a cookbook tree, `.orchard/schema.yaml`), not at
 * activation: most sessions never open one, and the client library is the
 * largest thing we would otherwise load up front. A change of the globs
 * settings or of the workspace folders restarts it with the new selector.
 */
export class LazyLanguageClient implements vscode.Disposable {
  private started: Promise<RunningLanguageClient | undefined> | undefined;
  private selector: vscode.DocumentFilter[] | undefined;
  private readonly listeners: vscode.Disposable[];
  private disposed = false;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.listeners = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.consider(doc)),
      vscode.workspace.onDidChangeConfiguration((e) => affectsSelector(e) && this.selectorChanged()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.selectorChanged()),
    ];
    this.considerOpenDocuments();
  }

  private considerOpenDocuments(): void {
    for (const doc of vscode.workspace.textDocuments) this.consider(doc);
  }

  private consider(doc: vscode.TextDocument): void {
    if (this.started || this.disposed || doc.uri.scheme !== 'file') return;
    this.selector ??= orchardDocumentSelector();
    if (vscode.languages.match(this.selector, doc) > 0) this.started = this.start();
  }

  /** The client's selector is fixed at start: stop it, and start again if an open document still matches. */
  private selectorChanged(): void {
    this.selector = undefined;
    const running = this.started;
    this.started = undefined;
    if (!running) {
      this.considerOpenDocuments();
      return;
    }
    log().info('Orchard file globs changed: restarting the language server');
    void running
      .then((client) => client?.stop())
      .catch((error: unknown) => log().warn(`Stopping the language server failed: ${String(error)}`))
      .then(() => this.considerOpenDocuments());
  }

  private async start(): Promise<RunningLanguageClient | undefined> {
    try {
      const { startLanguageClient } = loadBundle<LspClientModule>('lspClient.js');
      const client = await startLanguageClient(this.extensionUri);
      // Disposed, or restarted for new settings, while the server was starting.
      if (this.disposed) {
        await client.stop();
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
    for (const l of this.listeners) l.dispose();
    void this.started?.then((client) => client?.dispose());
  }
}
