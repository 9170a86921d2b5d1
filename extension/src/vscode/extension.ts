/**
 * Activation: register commands, views and the Studio serializer, and
 * nothing more. The Studio host (zod, the blueprint schema, the webview
 * sessions), the language client, the store (simple-git, sql.js) and the
 * agents (the model SDK) are separate bundles loaded on first use
 * (lazyBundle.ts).
 */
import * as vscode from 'vscode';
import { registerAccountCommands } from './commands/accountCommands';
import { CommandId } from './commands/commandIds';
import { registerStudioCommands } from './commands/studioCommands';
import { loadBundle } from './lazyBundle';
import { disposeLog, log } from './log';
import { LazyLanguageClient } from './lsp/lazyLanguageClient';
import { OperationsTreeProvider } from './operationsTree';
import { ApiKeyStore } from './secrets';
import type { StudioHost } from './studioHost';
import { openStudioPanelEarly, type EarlyStudioPanel } from './webviews/earlyStudioPanel';
import { registerAgentsSerializer, registerArchitectView, registerStudioSerializer } from './webviews/registerWebviews';

/** Set once the Studio host has loaded; deactivate waits for it to close (the studio DB flushes). */
let closeStudioHost: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const apiKeys = new ApiKeyStore(context.secrets);

  let studioHost: StudioHost | undefined;
  const host = (): StudioHost => {
    if (!studioHost) {
      const loading = performance.now();
      const { StudioHost: Host } = loadBundle<typeof import('./studioHost')>('studioHost.js');
      const created = new Host(context.extensionUri, apiKeys, context.storageUri);
      studioHost = created;
      closeStudioHost = () => created.close();
      log().info(`Studio host loaded in ${(performance.now() - loading).toFixed(1)} ms`);
    }
    return studioHost;
  };

  // The first Open Studio creates the panel here and lets VS Code start loading
  // its webview before the Studio host bundle is parsed; later ones go straight to the host.
  let opening: EarlyStudioPanel | undefined;
  const openStudio = (slug?: string): void => {
    if (studioHost) {
      studioHost.openStudio(slug);
      return;
    }
    if (opening) {
      opening.panel.reveal();
      return;
    }
    const early = (opening = openStudioPanelEarly(context.extensionUri));
    setImmediate(() => {
      opening = undefined;
      try {
        host().adoptStudio(early, slug);
      } catch (error) {
        log().error(`The Studio could not start: ${String(error)}`);
        early.panel.dispose();
        void vscode.window.showErrorMessage('Orchard: the Studio could not start. See the Orchard output for details.');
      }
    });
  };

  context.subscriptions.push(
    apiKeys,
    ...registerStudioCommands(host, openStudio),
    ...registerAccountCommands(apiKeys, () => host().operations.approveFromSourceControl()),
    registerArchitectView(host),
    registerStudioSerializer(host),
    registerAgentsSerializer(host),
    OperationsTreeProvider.register(() => host().operations),
    new LazyLanguageClient(context.extensionUri),
  );

  // `npm run studio` sets this so a newcomer's first look is the Studio itself.
  if (process.env.ORCHARD_OPEN_STUDIO_ON_START === '1' && vscode.workspace.workspaceFolders?.length) {
    void vscode.commands.executeCommand(CommandId.openStudio);
  }
  log().info(`Orchard Studio activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  await closeStudioHost?.();
  closeStudioHost = undefined;
  disposeLog();
}
