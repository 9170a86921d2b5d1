/**
 * The Anthropic Messages API through `@anthropic-ai/sdk`, streamed. The SDK module
 * loads with the first request (a dynamic import, which esbuild keeps lazy inside
 * the agents bundle), never at activation.
 *
 * Retries are ours, not the SDK's (`maxRetries: 0`), so each wait is announced as a
 * `retrying` event: 429, 5xx, 529 and connection failures, honouring `retry-after`.
 * One exception, by choice: once text from an attempt has reached the caller, a
 * failure (a cut stream, a mid-stream overloaded error) is not retried here —
 * re-running would print the reply twice. It ends with a retryable ProviderError
 * and the chat's Retry button (or the agent loop) decides.
 *
 * Streaming: the SDK makes the request (auth, base URL, headers, retries off,
 * status errors) and hands back the raw response; anthropicStream.ts reads its
 * body a network chunk at a time and merges the text deltas of a chunk into one
 * event. The SDK's Stream costs a few async steps per token, which a
 * 5,000-token burst could not afford.
 *
 * Timeouts: the SDK's `timeout` covers connecting and the response headers; an idle
 * timer of the same length covers the stream (no bytes for that long aborts it).
 *
 * Stop: the usage the API reported before the stop (input from `message_start`)
 * goes out with the `aborted` error (StoppedReplyError), so a stopped turn shows it.
 *
 * Thinking: current models think by default, and the API wants an assistant turn's
 * thinking blocks back, unmodified, when the conversation continues with its tool
 * results. Our ContentBlock has no thinking, so the provider keeps each tool-calling
 * reply exactly as received (keyed by its tool_use ids) and sends that copy back.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { asInputObject, MessageAssembler, ReplyReader } from './anthropicStream';
import { ProviderError, type ContentBlock, type ModelMessage, type ModelProvider, type ModelRequest, type ProviderEvent, type SystemBlock } from './modelProvider';
import {
  abortedError,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  describeCause,
  describeDuration,
  exhaustedError,
  isRetryableStatus,
  midReplyError,
  retryAfterMs,
  scrubSecret,
  sleepUnlessAborted,
  type Failure,
  type RetryPolicy,
} from './retry';
import { StoppedReplyError } from './stoppedReply';

export { MessageAssembler } from './anthropicStream';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseUrl?: string;
  /** Connect/headers timeout and stream idle timeout; default 120 s. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3 (4 attempts). */
  maxRetries?: number;
  /** Backoff tuning for tests (jitter, base delay). */
  retryPolicy?: Partial<RetryPolicy>;
}

type Sdk = typeof import('@anthropic-ai/sdk');

/** The API refuses a request with more than four cache breakpoints. */
const MAX_CACHE_BREAKPOINTS = 4;
/** Tool-calling replies kept for their thinking blocks; a tool loop only needs the latest. */
const MAX_REPLAYS = 32;
const DEFAULT_TIMEOUT_MS = 120_000;

export class AnthropicProvider implements ModelProvider {
  readonly id = 'anthropic' as const;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private loaded: Promise<{ sdk: Sdk; client: Anthropic }> | undefined;
  private readonly replays = new Map<string, ContentBlockParam[]>();

  constructor(private readonly options: AnthropicProviderOptions) {
    if (options.apiKey.trim() === '') {
      throw new ProviderError('No Anthropic API key is set. Set one with Orchard: Set API Key, or set ANTHROPIC_API_KEY.', 'auth', false);
    }
    const maxRetries = options.maxRetries ?? DEFAULT_RETRY_POLICY.maxAttempts - 1;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy, maxAttempts: Math.max(1, maxRetries + 1) };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    return this.run(request, signal);
  }

  private load(): Promise<{ sdk: Sdk; client: Anthropic }> {
    this.loaded ??= import('@anthropic-ai/sdk').then((sdk) => ({
      sdk,
      client: new sdk.Anthropic({
        apiKey: this.options.apiKey,
        // The key we were given, never a token the SDK would otherwise pick up from ANTHROPIC_AUTH_TOKEN.
        authToken: null,
        ...(this.options.baseUrl ? { baseURL: this.options.baseUrl } : {}),
        maxRetries: 0,
        timeout: this.timeoutMs,
      }),
    }));
    return this.loaded;
  }

  private async *run(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent> {
    if (signal.aborted) throw abortedError();
    const { sdk, client } = await this.load();
    const body = toApiRequest(request, this.replays);
    const firstAttemptAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      const progress = { responded: false, textShown: false };
      let failure: Failure;
      try {
        yield* this.attempt(sdk, client, body, signal, progress);
        return;
      } catch (error) {
        if (signal.aborted) throw error instanceof StoppedReplyError ? error : abortedError();
        failure = this.classify(sdk, error, request.model, progress.responded);
      }
      const elapsed = Date.now() - firstAttemptAt;
      if (!failure.retryable) throw failure.error;
      if (progress.textShown) throw midReplyError(failure);
      if (failure.serverAskedMs !== undefined && failure.serverAskedMs > this.policy.maxRetryAfterMs) {
        throw new ProviderError(`${failure.what} — Anthropic asks to wait ${describeDuration(failure.serverAskedMs)}. Press Retry later.`, failure.error.kind, true);
      }
      if (attempt >= this.policy.maxAttempts) throw exhaustedError(failure, attempt, elapsed);
      const delayMs = backoffDelayMs(attempt + 1, this.policy, failure.serverAskedMs);
      yield { type: 'retrying', attempt: attempt + 1, maxAttempts: this.policy.maxAttempts, delayMs, reason: failure.what };
      await sleepUnlessAborted(delayMs, signal);
    }
  }

  /** One HTTP request, streamed; throws on any failure (classified by the caller). */
  private async *attempt(
    sdk: Sdk,
    client: Anthropic,
    body: MessageCreateParamsStreaming,
    signal: AbortSignal,
    progress: { responded: boolean; textShown: boolean },
  ): AsyncGenerator<ProviderEvent> {
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    signal.addEventListener('abort', forwardAbort, { once: true });
    // One timer for the whole stream that re-checks when it fires, rather than a clearTimeout +
    // setTimeout per chunk: at a fast stream's rate the re-arming alone was a quarter of the host's work.
    let lastActivity = performance.now();
    const idle = { timedOut: false };
    const checkIdle = () => {
      const quietMs = performance.now() - lastActivity;
      if (quietMs < this.timeoutMs) {
        idleTimer = setTimeout(checkIdle, this.timeoutMs - quietMs);
        return;
      }
      idle.timedOut = true;
      controller.abort();
    };
    let idleTimer = setTimeout(checkIdle, this.timeoutMs);
    const assembler = new MessageAssembler(body.model);
    try {
      // The SDK sends the request (auth, base URL, headers, status errors); we read the body ourselves, a chunk at a time.
      const response = await client.messages.create(body, { signal: controller.signal }).asResponse();
      progress.responded = true;
      if (!response.body) throw new ProviderError('Anthropic answered without a response body.', 'network', true);
      const reader = new ReplyReader(assembler, (error) => streamError(sdk, error, response.headers));
      const chunks = response.body.getReader();
      for (;;) {
        const chunk = await chunks.read();
        // Any bytes count as life, pings included: they are how the API says a long think is still going.
        lastActivity = performance.now();
        const events = chunk.done ? reader.end() : reader.accept(chunk.value);
        for (const out of events) {
          if (signal.aborted) throw new StoppedReplyError(assembler.usage);
          if (out.type === 'text') progress.textShown = true;
          yield out;
        }
        if (chunk.done || assembler.finished) break;
      }
      const message = assembler.result();
      this.keepForReplay(assembler.replayContent());
      yield message;
    } catch (error) {
      if (idle.timedOut && !signal.aborted) throw new TimeoutMarker();
      // Stopped by the user: the input was billed all the same, so say what the API reported of it.
      if (signal.aborted) throw new StoppedReplyError(assembler.usage);
      throw error;
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', forwardAbort);
      // Leaving early (the consumer stopped iterating, or an error) must not leave the socket open.
      controller.abort();
    }
  }

  private keepForReplay(content: ContentBlockParam[]): void {
    const key = replayKey(content);
    if (!key || !content.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking')) return;
    this.replays.set(key, content);
    for (const oldest of this.replays.keys()) {
      if (this.replays.size <= MAX_REPLAYS) break;
      this.replays.delete(oldest);
    }
  }

  /** `responded`: the HTTP response had arrived, so a connection failure happened mid-stream. */
  private classify(sdk: Sdk, error: unknown, model: string, responded: boolean): Failure {
    const scrub = (text: string) => scrubSecret(text, this.options.apiKey);
    if (error instanceof ProviderError) return { error, what: error.message.replace(/\.$/, ''), retryable: error.retryable };
    if (error instanceof TimeoutMarker || error instanceof sdk.APIConnectionTimeoutError) {
      const what = `Anthropic did not answer for ${describeDuration(this.timeoutMs)}`;
      return { error: new ProviderError(`${what}.`, 'timeout', true), what, retryable: true };
    }
    if (error instanceof sdk.APIUserAbortError) return { error: abortedError(), what: 'Stopped', retryable: false };
    if (error instanceof sdk.APIConnectionError || !(error instanceof sdk.APIError)) {
      const cause = scrub(describeCause(error));
      if (responded) {
        const what = `The connection to Anthropic dropped mid-reply (${cause})`;
        return { error: new ProviderError(`${what}.`, 'network', true), what, retryable: true };
      }
      const where = this.options.baseUrl ?? 'api.anthropic.com';
      const what = `Could not reach Anthropic at ${where} (${cause})`;
      return { error: new ProviderError(`${what}. Check the connection or orchard.anthropic.baseUrl.`, 'network', true), what, retryable: true };
    }
    const apiMessage = scrub(apiErrorMessage(error));
    const type = apiErrorType(error);
    const status = error.status ?? (type === 'overloaded_error' ? 529 : type === 'rate_limit_error' ? 429 : undefined);
    const serverAskedMs = retryAfterMs(error.headers);
    if (status === 401) {
      return { error: new ProviderError('The Anthropic API rejected the key (401). Set a new one with Orchard: Set API Key.', 'auth', false), what: 'rejected key', retryable: false };
    }
    if (status === 403) {
      return { error: new ProviderError(`The Anthropic API key may not do this (403): ${apiMessage}`, 'auth', false), what: 'forbidden', retryable: false };
    }
    if (status === 404) {
      return { error: new ProviderError(`Anthropic did not find what was asked for (404) — is '${model}' a model your key can use? ${apiMessage}`, 'invalid_request', false), what: 'not found', retryable: false };
    }
    if (status === 529) {
      return { error: new ProviderError(`Anthropic is overloaded (529): ${apiMessage}`, 'overloaded', true), what: 'Anthropic is overloaded (529)', retryable: true, serverAskedMs };
    }
    if (status === 429) {
      return { error: new ProviderError(`Anthropic's rate limit was reached (429): ${apiMessage}`, 'rate_limit', true), what: "Anthropic's rate limit was reached (429)", retryable: true, serverAskedMs };
    }
    if (status !== undefined && isRetryableStatus(status)) {
      return { error: new ProviderError(`Anthropic had a server error (${status}): ${apiMessage}`, 'server', true), what: `Anthropic had a server error (${status})`, retryable: true, serverAskedMs };
    }
    if (status === undefined) {
      // An `error` event inside the stream with a type we do not retry on.
      return { error: new ProviderError(`Anthropic ended the reply with an error (${type ?? 'unknown'}): ${apiMessage}`, 'server', true), what: `Anthropic ended the reply with an error (${type ?? 'unknown'})`, retryable: true };
    }
    return { error: new ProviderError(`Anthropic refused the request (${status}): ${apiMessage}`, 'invalid_request', false), what: `refused (${status})`, retryable: false };
  }
}

/** Thrown inside an attempt when our idle timer (not the user) aborted the request. */
class TimeoutMarker extends Error {}

/** What the SDK's own Stream throws for an `error` event in the body: an APIError without a status, typed by the body. */
function streamError(sdk: Sdk, body: unknown, headers: Headers): Error {
  const type = (body as { error?: { type?: unknown } } | null)?.error?.type;
  return new sdk.APIError(undefined, body as object | undefined, undefined, headers, typeof type === 'string' ? (type as never) : undefined);
}

// --- request mapping ------------------------------------------------------------

/** The tool_use ids of an assistant turn, which identify it across requests. */
function replayKey(content: ReadonlyArray<{ type: string; id?: string }>): string {
  return content.flatMap((block) => (block.type === 'tool_use' && block.id ? [block.id] : [])).join(',');
}

export function toApiRequest(request: ModelRequest, replays: ReadonlyMap<string, ContentBlockParam[]> = new Map()): MessageCreateParamsStreaming {
  const system = toSystem(request.system);
  const tools: Tool[] = request.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Tool['input_schema'],
  }));
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages.map((message) => {
      const kept = message.role === 'assistant' ? replays.get(replayKey(message.content)) : undefined;
      return kept ? { role: 'assistant' as const, content: kept } : toMessageParam(message);
    }),
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    stream: true,
  };
}

/** Cache breakpoints where `cache` is set; past the API's limit of four, the last four win (each covers everything before it). */
function toSystem(blocks: SystemBlock[]): TextBlockParam[] {
  const marked = blocks.flatMap((block, index) => (block.cache ? [index] : []));
  const kept = new Set(marked.slice(-MAX_CACHE_BREAKPOINTS));
  return blocks.map((block, index) => ({
    type: 'text',
    text: block.text,
    ...(kept.has(index) ? { cache_control: { type: 'ephemeral' as const } } : {}),
  }));
}

function toMessageParam(message: ModelMessage): MessageParam {
  return { role: message.role, content: message.content.map(toContentParam) };
}

function toContentParam(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return { type: 'image', source: { type: 'base64', media_type: block.mediaType, data: block.base64 } };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: asInputObject(block.input) };
    case 'tool_result':
      return { type: 'tool_result', tool_use_id: block.toolUseId, content: block.content, ...(block.isError ? { is_error: true } : {}) };
  }
}

// --- error details ----------------------------------------------------------------

function apiErrorMessage(error: { error?: unknown; message: string }): string {
  const body = error.error as { error?: { message?: unknown } } | undefined;
  const message = body?.error?.message;
  return typeof message === 'string' && message !== '' ? message : error.message;
}

function apiErrorType(error: { error?: unknown; type?: unknown }): string | undefined {
  const body = error.error as { error?: { type?: unknown } } | undefined;
  const type = body?.error?.type ?? error.type;
  return typeof type === 'string' ? type : undefined;
}
