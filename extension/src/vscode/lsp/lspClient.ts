/**
 * Starts the Orchard language server. Bundled separately (dist/lspClient.js)
 * and required on first use, so vscode-languageclient is not loaded at activation.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export async function startLanguageClient(extensionUri: vscode.Uri, outputChannel: vscode.LogOutputChannel): Promise<vscode.Disposable> {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'json', pattern: '**/.orchard/blueprints/*.json' }],
    outputChannel,
  };
  const client = new LanguageClient('orchard', 'Orchard Language Server', serverOptions, clientOptions);
  await client.start();
  return { dispose: () => void client.stop() };
}
