/**
 * The provider factory. Creating a provider loads nothing heavy: the Anthropic SDK
 * loads with its first request, the Claude CLI is spawned per request. Without a
 * `baseUrl` the SDK falls back to ANTHROPIC_BASE_URL, then api.anthropic.com.
 */
import { AnthropicProvider } from './anthropicProvider';
import { ClaudeCliProvider } from './claudeCliProvider';
import type { ModelProvider } from './modelProvider';

export type ProviderConfig =
  | { kind: 'anthropic'; apiKey: string; baseUrl?: string; model: string; timeoutMs?: number; maxRetries?: number }
  | { kind: 'claude-cli'; executable: string; model?: string; cwd: string; timeoutMs?: number };

export function createProvider(config: ProviderConfig): ModelProvider {
  switch (config.kind) {
    case 'anthropic':
      return new AnthropicProvider({
        apiKey: config.apiKey,
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
        ...(config.maxRetries !== undefined ? { maxRetries: config.maxRetries } : {}),
      });
    case 'claude-cli':
      return new ClaudeCliProvider({
        executable: config.executable,
        cwd: config.cwd,
        ...(config.model ? { model: config.model } : {}),
        ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
      });
  }
}
