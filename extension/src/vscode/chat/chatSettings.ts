import * as vscode from 'vscode';
import type { ApiKeyStore } from '../secrets';
import { normalizeSettings, type ChatSettings } from '../../orchestration/chat/providerChoice';

/**
 * The chat's settings as they are now, for one turn (a change applies to the
 * next turn; nothing needs a restart). `orchard.anthropic.baseUrl` and
 * `orchard.claudeCli.path` are restricted configurations: in Restricted Mode
 * VS Code ignores the workspace's values for them, so a cloned repository
 * cannot point the key at its own server or name a program to run.
 */
export function readChatSettings(scope: vscode.Uri | undefined): ChatSettings {
  const config = vscode.workspace.getConfiguration('orchard', scope);
  return normalizeSettings({
    provider: config.get('provider'),
    model: config.get('model'),
    anthropicBaseUrl: config.get('anthropic.baseUrl'),
    claudeCliPath: config.get('claudeCli.path'),
    budgetTokens: config.get('budget.tokens'),
  });
}

/** Whether a change touches what the chat reads (the provider line is resent then). */
export function affectsChat(event: vscode.ConfigurationChangeEvent): boolean {
  return ['orchard.provider', 'orchard.model', 'orchard.anthropic.baseUrl', 'orchard.claudeCli.path'].some((key) => event.affectsConfiguration(key));
}

/** The API key for a model request (SecretStorage, then ANTHROPIC_API_KEY); never logged. */
export async function readApiKey(apiKeys: ApiKeyStore): Promise<string | undefined> {
  return apiKeys.get();
}
