/**
 * Starts the Orchard language server. Bundled separately (dist/lspClient.js)
 * and required on first use, so vscode-languageclient is not loaded at activation.
 * A crashed server is restarted, and the user is told once per session, not at
 * every crash; after too many crashes in a row it stays stopped and says so.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { affectsSelector, BLUEPRINT_GLOB, orchardFilePatterns } from './documentSelector';

export const LANGUAGE_SERVER_NAME = 'Orchard Language Server';

/** More crashes than this within the window and the server is left stopped. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 3 * 60_000;

export interface RunningLanguageClient extends vscode.Disposable {
  /** Resolves when the server has stopped (on dispose, or before a restart with new settings). */
  stop(): Promise<void>;
}

export async function startLanguageClient(extensionUri: vscode.Uri): Promise<RunningLanguageClient> {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const outputChannel = vscode.window.createOutputChannel(LANGUAGE_SERVER_NAME, { log: true });
  // Created/deleted anywhere can resolve or break an import; edits matter for the files imports and scripts live in.
  const watchers = [
    vscode.workspace.createFileSystemWatcher('**/*', false, true, false),
    vscode.workspace.createFileSystemWatcher('**/*.{md,mdc,yaml,yml}', true, false, true),
    vscode.workspace.createFileSystemWatcher('**/package.json', true, false, true),
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector: protocolSelector(),
    outputChannel,
    // No configurationSection: the server pulls settings per folder (workspace/configuration) and
    // only needs to hear that they changed — from us, not from the client library, which would
    // race with the restart a globs change causes.
    synchronize: { fileEvents: watchers },
    errorHandler: crashHandler(outputChannel),
  };
  const client = new LanguageClient('orchard', LANGUAGE_SERVER_NAME, serverOptions, clientOptions);
  const settingsListener = vscode.workspace.onDidChangeConfiguration((e) => {
    // A globs change restarts the whole client (lazyLanguageClient.ts); other orchard settings are re-read.
    if (!e.affectsConfiguration('orchard') || affectsSelector(e) || !client.isRunning()) return;
    client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch((error: unknown) => {
      outputChannel.appendLine(`Could not tell the server that settings changed: ${String(error)}`);
    });
  });
  const stop = async () => {
    try {
      settingsListener.dispose();
      if (client.isRunning()) await client.stop();
    } finally {
      for (const w of watchers) w.dispose();
      outputChannel.dispose();
    }
  };
  try {
    await client.start();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { stop, dispose: () => void stop() };
}

/** Protocol form of the selector: folder-relative patterns as `{ baseUri, pattern }`. */
function protocolSelector(): DocumentSelector {
  return [
    { scheme: 'file', language: 'json', pattern: BLUEPRINT_GLOB },
    ...orchardFilePatterns().map(({ folder, glob }) => ({ scheme: 'file', pattern: { baseUri: folder.uri.toString(), pattern: glob } })),
  ];
}

function crashHandler(outputChannel: vscode.OutputChannel): ErrorHandler {
  const crashes: number[] = [];
  let told = false;
  return {
    // A broken message or a write error: keep going unless the transport keeps failing.
    error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
    closed: () => {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
      if (crashes.length > MAX_CRASHES) {
        void vscode.window
          .showErrorMessage(
            `Orchard: the language server crashed ${crashes.length} times in 3 minutes and was not restarted. Run "Developer: Reload Window" to try again.`,
            'Show Output',
          )
          .then((choice) => choice && outputChannel.show(true));
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      if (!told) {
        told = true;
        void vscode.window
          .showWarningMessage('Orchard: the language server stopped unexpectedly and was restarted.', 'Show Output')
          .then((choice) => choice && outputChannel.show(true));
      }
      return { action: CloseAction.Restart, handled: true };
    },
  };
}
