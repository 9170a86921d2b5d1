/**
 * Which executor a build runs, from the folder's settings: with orchard.provider
 * "claude-cli", Claude Code signed in as the user (orchard.claudeCli.path); otherwise
 * Orchard's loop over the Anthropic API with the key from SecretStorage (or
 * ANTHROPIC_API_KEY). Says why there is none when there is none.
 */
import * as vscode from 'vscode';
import { DEFAULT_MODEL } from '../../agents/providers/models';
import { chooseProvider, NO_API_KEY } from '../../orchestration/chat/providerChoice';
import { CommandId } from '../commands/commandIds';
import type { ApiKeyStore } from '../secrets';
import { readSettings } from '../settings';
import type { RunnerRequest } from './buildRunner';

/** The executor of the next build; undefined after telling the user why there is none. */
export async function buildExecutor(folder: vscode.Uri, repoRoot: string, apiKeys: ApiKeyStore, featureName: string): Promise<{ model: string; executor: RunnerRequest['executor'] } | undefined> {
  const settings = readSettings(folder);
  const choice = chooseProvider(settings, { apiKey: await apiKeys.get(), workspaceRoot: repoRoot, trusted: vscode.workspace.isTrusted, defaultModel: DEFAULT_MODEL });
  if (!choice.ok) {
    const action = choice.error === NO_API_KEY ? 'Set API Key' : undefined;
    const picked = await vscode.window.showErrorMessage(`Orchard cannot build "${featureName}": ${choice.error}`, ...(action ? [action] : []));
    if (picked === 'Set API Key') void vscode.commands.executeCommand(CommandId.setApiKey);
    return undefined;
  }
  if (choice.config.kind === 'claude-cli') {
    return { model: choice.config.model ?? '', executor: { backend: 'claude-code', executable: choice.config.executable } };
  }
  return { model: choice.model, executor: { backend: 'orchard', apiKey: choice.config.apiKey, ...(choice.config.baseUrl ? { baseUrl: choice.config.baseUrl } : {}) } };
}
