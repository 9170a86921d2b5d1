import * as vscode from 'vscode';
import { log } from '../log';
import { apiKeyProblem, type ApiKeyStore } from '../secrets';
import { CommandId } from './commandIds';

/** API key, log and Source Control commands; `approve` is the operations host's (loaded on use). */
export function registerAccountCommands(apiKeys: ApiKeyStore, approve: () => Promise<void>): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.setApiKey, async () => {
      const key = await vscode.window.showInputBox({
        title: 'Orchard: Set API Key',
        prompt: 'Your Anthropic API key. It is kept in VS Code\u2019s secret storage, never in settings or files.',
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'sk-ant-\u2026',
        validateInput: apiKeyProblem,
      });
      if (key === undefined) return;
      await apiKeys.store(key.trim());
      log().info('Anthropic API key saved to secret storage');
      void vscode.window.showInformationMessage('Orchard: API key saved in secret storage.');
    }),

    vscode.commands.registerCommand(CommandId.clearApiKey, async () => {
      await apiKeys.clear();
      log().info('Anthropic API key removed from secret storage');
      const fromEnv = process.env.ANTHROPIC_API_KEY ? ' ANTHROPIC_API_KEY is still set in the environment and will be used.' : '';
      void vscode.window.showInformationMessage(`Orchard: API key removed from secret storage.${fromEnv}`);
    }),

    vscode.commands.registerCommand(CommandId.showLog, () => log().show()),

    vscode.commands.registerCommand(CommandId.approveAgentChanges, approve),
  ];
}
