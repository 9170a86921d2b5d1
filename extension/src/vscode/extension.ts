/**
 * Activation: wire commands, views and the Studio serializer. Nothing heavy
 * loads here; the language client, and later the model SDK, sql.js and
 * simple-git, load on first use.
 */
import * as vscode from 'vscode';
import { BlueprintIndex } from './blueprints/blueprintIndex';
import { registerAccountCommands } from './commands/accountCommands';
import { CommandId } from './commands/commandIds';
import { registerStudioCommands } from './commands/studioCommands';
import { disposeLog, log } from './log';
import { LazyLanguageClient } from './lsp/lazyLanguageClient';
import { OperationsTreeProvider } from './operationsTree';
import { ApiKeyStore } from './secrets';
import { ArchitectViewProvider } from './webviews/architectView';
import { StudioPanel } from './webviews/studioPanel';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const index = new BlueprintIndex();
  const apiKeys = new ApiKeyStore(context.secrets);
  const services = { index, apiKeys };
  const uri = context.extensionUri;

  context.subscriptions.push(
    index,
    apiKeys,
    ...registerStudioCommands(uri, services),
    ...registerAccountCommands(apiKeys),
    ArchitectViewProvider.register(uri, services),
    StudioPanel.registerSerializer(uri, services),
    OperationsTreeProvider.register(),
    new LazyLanguageClient(uri),
    { dispose: () => StudioPanel.disposeCurrent() },
  );
  // `npm run studio` sets this so a newcomer's first look is the Studio itself.
  if (process.env.ORCHARD_OPEN_STUDIO_ON_START === '1' && index.folder) {
    void vscode.commands.executeCommand(CommandId.openStudio);
  }
  log().info(`Orchard Studio activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  disposeLog();
}
