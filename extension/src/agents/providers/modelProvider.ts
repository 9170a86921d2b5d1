/**
 * The one streaming interface every model provider implements (the Anthropic
 * Messages API through `@anthropic-ai/sdk`, the Claude Code CLI), and the agent
 * loop consumes. Shapes follow the Anthropic Messages API so the common case
 * needs no translation; nothing here imports the SDK, so the loop and its
 * tests never load it.
 */

export type Role = 'user' | 'assistant';

export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType: ImageMediaType; base64: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

export interface ModelMessage {
  role: Role;
  content: ContentBlock[];
}

/** A system prompt part; `cache` marks a prompt-caching breakpoint (`cache_control: ephemeral`) after it. */
export interface SystemBlock {
  text: string;
  cache?: boolean;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input (generated from the tool's zod schema). */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: SystemBlock[];
  messages: ModelMessage[];
  tools: ToolSpec[];
  maxTokens: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'other';

export type ProviderEvent =
  /** A piece of assistant text, as it streams. */
  | { type: 'text'; text: string }
  /** A tool call's input is being streamed (for an "updating the blueprint…" indicator); the complete call comes in `message`. */
  | { type: 'tool_started'; id: string; name: string }
  /** The request failed in a way the provider retries; `delayMs` honours `retry-after`. */
  | { type: 'retrying'; attempt: number; maxAttempts: number; delayMs: number; reason: string }
  /** The final assistant message of this request (all blocks complete, tool inputs parsed) and its usage. */
  | { type: 'message'; content: ContentBlock[]; stopReason: StopReason; usage: Usage; model: string };

/**
 * Errors a provider throws, with what the chat should say. `kind` lets the UI
 * distinguish "stopped by you" from a failure; `retryable` whether Retry makes sense.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'aborted' | 'auth' | 'rate_limit' | 'overloaded' | 'server' | 'network' | 'timeout' | 'invalid_request' | 'cli' | 'budget',
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface ModelProvider {
  readonly id: 'anthropic' | 'claude-cli';
  /**
   * Streams one model request. Yields text deltas and retry notices, then
   * exactly one `message` event, or throws a ProviderError. Aborting `signal`
   * ends the stream promptly with a ProviderError of kind `aborted`.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ProviderEvent>;
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}
