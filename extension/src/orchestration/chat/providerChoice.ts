/**
 * Which model provider answers a turn, from a snapshot of the settings and
 * the API key: a ready provider configuration, or the reason there is none in
 * words the user can act on. Read once per turn, so a settings change applies
 * to the next turn without a restart. No `vscode` import.
 */
import type { ProviderConfig } from '../../agents/providers/createProvider';
import type { OrchardSettings } from '../../core/settings';

/** The settings a chat turn reads. */
export type ChatSettings = Pick<OrchardSettings, 'provider' | 'model' | 'anthropicBaseUrl' | 'claudeCliPath' | 'budgetTokens'>;

export type ProviderChoice =
  | { ok: true; config: ProviderConfig; model: string; description: string }
  | { ok: false; error: string; description: string | null };

export const NO_API_KEY = 'No Anthropic API key. Run Orchard: Set API Key, or set ANTHROPIC_API_KEY.';

export interface ChoiceContext {
  /** From SecretStorage or ANTHROPIC_API_KEY; undefined when neither is set. */
  apiKey: string | undefined;
  workspaceRoot: string;
  trusted: boolean;
  /** agents/providers/models.ts DEFAULT_MODEL. */
  defaultModel: string;
}

export function chooseProvider(settings: ChatSettings, context: ChoiceContext): ProviderChoice {
  const model = settings.model.trim();
  if (settings.provider === 'claude-cli') {
    const description = `${model || 'the Claude CLI\u2019s default model'} via the Claude CLI`;
    // The CLI reads the workspace's own .claude settings, whose hooks run commands.
    if (!context.trusted) {
      return {
        ok: false,
        description,
        error: 'The Claude CLI provider is off in Restricted Mode: it reads this workspace\u2019s .claude settings, which can run commands. Trust the workspace, or set orchard.provider to "anthropic".',
      };
    }
    const executable = settings.claudeCliPath.trim() || 'claude';
    return { ok: true, model: model || 'default', description, config: { kind: 'claude-cli', executable, cwd: context.workspaceRoot, ...(model ? { model } : {}) } };
  }
  const chosen = model || context.defaultModel;
  const baseUrl = settings.anthropicBaseUrl.trim();
  const description = `${chosen} via the Anthropic API${baseUrl ? ` at ${baseUrl}` : ''}`;
  if (baseUrl) {
    const problem = baseUrlProblem(baseUrl);
    if (problem) return { ok: false, description, error: problem };
  }
  if (!context.apiKey) return { ok: false, description: null, error: NO_API_KEY };
  return { ok: true, model: chosen, description, config: { kind: 'anthropic', apiKey: context.apiKey, model: chosen, ...(baseUrl ? { baseUrl } : {}) } };
}

function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `orchard.anthropic.baseUrl is not a URL: "${value}".`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `orchard.anthropic.baseUrl must be an http or https URL, not "${value}".`;
  if (url.username || url.password) return 'orchard.anthropic.baseUrl must not carry a user name or password; the key goes in Orchard: Set API Key.';
  return undefined;
}
