/**
 * The streamed body of a Messages API response, turned into our events a
 * network chunk at a time: SSE decoding (sseReader.ts), one JSON.parse per
 * event, assembly of the final message (MessageAssembler), and consecutive
 * text deltas merged into one `text` event. A fast stream delivers hundreds
 * of deltas in one chunk; handing them on as one event is what keeps the
 * provider -> agent loop -> chat turn path to a few async steps per chunk
 * instead of a few per token.
 *
 * Only types come from the SDK here; the provider passes in how a stream
 * `error` event becomes the SDK's APIError, so its classification stays the
 * one the SDK's own Stream would have produced.
 */
import type {
  ContentBlockParam,
  RawMessageStreamEvent,
  RedactedThinkingBlockParam,
  ThinkingBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { ProviderError, type ContentBlock, type ProviderEvent, type StopReason, type Usage } from './modelProvider';
import { SseDecoder, type SseEvent } from './sseReader';

/** Makes the error a stream `error` event stands for (the SDK's APIError with no status). */
export type StreamErrorFactory = (body: unknown) => Error;

/**
 * Reads one response body. `accept` takes each chunk as it arrives and returns
 * the events it completes; `end` the rest once the body ended. Both throw on an
 * `error` event or a malformed one. Events after `message_stop` are ignored.
 */
export class ReplyReader {
  private readonly sse = new SseDecoder();
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(
    readonly assembler: MessageAssembler,
    private readonly streamError: StreamErrorFactory,
  ) {}

  accept(bytes: Uint8Array): ProviderEvent[] {
    // `stream: true` keeps a UTF-8 sequence split between chunks for the next one.
    return this.take(this.sse.push(this.utf8.decode(bytes, { stream: true })));
  }

  end(): ProviderEvent[] {
    const tail = this.sse.push(this.utf8.decode());
    return this.take([...tail, ...this.sse.end()]);
  }

  private take(events: SseEvent[]): ProviderEvent[] {
    const out: ProviderEvent[] = [];
    for (const sse of events) {
      if (this.assembler.finished) break;
      // The SDK's Stream skips these too: pings keep the connection alive, and a block without an event name is not one of the API's.
      if (sse.event === 'ping' || sse.event === null) continue;
      if (sse.event === 'error') throw this.streamError(parseOr(sse.data, sse.data));
      if (sse.data === '') continue;
      const text = sse.event === 'content_block_delta' ? plainTextDelta(sse.data) : undefined;
      if (text !== undefined) {
        this.assembler.acceptText(text.index, text.text, out);
        continue;
      }
      const event = parseOr(sse.data, undefined) as RawMessageStreamEvent | undefined;
      if (event === undefined || typeof event !== 'object' || event === null) {
        throw new ProviderError(`Anthropic sent a '${sse.event}' event that is not JSON: ${sse.data.slice(0, 80)}`, 'server', true);
      }
      this.assembler.acceptInto(event, out);
    }
    return out;
  }
}

const TEXT_DELTA_HEAD = '{"type":"content_block_delta","index":';
const TEXT_DELTA_MIDDLE = ',"delta":{"type":"text_delta","text":"';
const TEXT_DELTA_TAIL = '"}}';

/**
 * The one event a long reply is made of, read without JSON.parse when it is
 * exactly the API's compact form and its text has no escapes (then the text is
 * the characters between the quotes). Anything else — other key order, spaces,
 * escapes, more fields — returns undefined and goes through JSON.parse.
 * In the extension host JSON.parse of these small objects was the largest cost left per token.
 */
export function plainTextDelta(data: string): { index: number; text: string } | undefined {
  if (!data.startsWith(TEXT_DELTA_HEAD) || !data.endsWith(TEXT_DELTA_TAIL)) return undefined;
  let at = TEXT_DELTA_HEAD.length;
  let index = 0;
  const digitsFrom = at;
  for (let c = data.charCodeAt(at); c >= 0x30 && c <= 0x39 && at - digitsFrom < 9; c = data.charCodeAt(++at)) index = index * 10 + (c - 0x30);
  if (at === digitsFrom || !data.startsWith(TEXT_DELTA_MIDDLE, at)) return undefined;
  const textFrom = at + TEXT_DELTA_MIDDLE.length;
  const textTo = data.length - TEXT_DELTA_TAIL.length;
  if (textTo < textFrom) return undefined;
  const text = data.slice(textFrom, textTo);
  // A quote or a backslash inside means escapes (or a different shape): leave those to JSON.parse.
  if (text.includes('"') || text.includes('\\')) return undefined;
  return { index, text };
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

// --- response assembly ----------------------------------------------------------

type Building =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; json: string }
  | ThinkingBlockParam
  | RedactedThinkingBlockParam
  | { type: 'ignored' };

/**
 * Turns raw stream events into our events and the final message. A stream that
 * ends without `message_stop` is a dropped connection, not a short reply.
 */
export class MessageAssembler {
  private readonly blocks = new Map<number, Building>();
  private reported: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  private stopReason: StopReason = 'other';
  finished = false;

  constructor(private model: string) {}

  /** What the API has reported so far: input from `message_start`, output from the latest `message_delta`. */
  get usage(): Usage {
    return this.reported;
  }

  accept(event: RawMessageStreamEvent): ProviderEvent[] {
    const out: ProviderEvent[] = [];
    this.acceptInto(event, out);
    return out;
  }

  /** A `text_delta` for block `index`, read by the fast path: the same as accepting the whole event. */
  acceptText(index: number, text: string, out: ProviderEvent[]): void {
    const building = this.blocks.get(index);
    if (building?.type !== 'text') return;
    building.text += text;
    pushText(out, text);
  }

  /** Appends the events `event` produces to `out`, merging text into a text event already at its end. */
  acceptInto(event: RawMessageStreamEvent, out: ProviderEvent[]): void {
    switch (event.type) {
      case 'message_start':
        this.model = event.message.model || this.model;
        this.mergeUsage(event.message.usage);
        return;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          this.blocks.set(event.index, { type: 'text', text: block.text });
          if (block.text) pushText(out, block.text);
          return;
        }
        if (block.type === 'tool_use') {
          this.blocks.set(event.index, { type: 'tool_use', id: block.id, name: block.name, json: '' });
          out.push({ type: 'tool_started', id: block.id, name: block.name });
          return;
        }
        if (block.type === 'thinking') this.blocks.set(event.index, { type: 'thinking', thinking: block.thinking, signature: block.signature });
        else if (block.type === 'redacted_thinking') this.blocks.set(event.index, { type: 'redacted_thinking', data: block.data });
        else this.blocks.set(event.index, { type: 'ignored' });
        return;
      }
      case 'content_block_delta': {
        const building = this.blocks.get(event.index);
        if (event.delta.type === 'text_delta' && building?.type === 'text') {
          building.text += event.delta.text;
          pushText(out, event.delta.text);
          return;
        }
        if (event.delta.type === 'input_json_delta' && building?.type === 'tool_use') building.json += event.delta.partial_json;
        if (event.delta.type === 'thinking_delta' && building?.type === 'thinking') building.thinking += event.delta.thinking;
        if (event.delta.type === 'signature_delta' && building?.type === 'thinking') building.signature = event.delta.signature;
        return;
      }
      case 'message_delta':
        this.stopReason = toStopReason(event.delta.stop_reason);
        this.mergeUsage(event.usage);
        return;
      case 'message_stop':
        this.finished = true;
        return;
      default:
        return;
    }
  }

  result(): ProviderEvent {
    if (!this.finished) throw new ProviderError('The connection to Anthropic closed before the reply ended.', 'network', true);
    const content: ContentBlock[] = [];
    for (const block of this.ordered()) {
      if (block.type === 'text' && block.text !== '') content.push({ type: 'text', text: block.text });
      if (block.type === 'tool_use') content.push({ type: 'tool_use', id: block.id, name: block.name, input: parseToolInput(block.json) });
    }
    return { type: 'message', content, stopReason: this.stopReason, usage: this.reported, model: this.model };
  }

  /** The reply as the API wants it back: every block, thinking included, in order. */
  replayContent(): ContentBlockParam[] {
    return this.ordered().flatMap((block): ContentBlockParam[] => {
      if (block.type === 'text') return block.text === '' ? [] : [{ type: 'text', text: block.text }];
      if (block.type === 'tool_use') return [{ type: 'tool_use', id: block.id, name: block.name, input: asInputObject(parseToolInput(block.json)) }];
      if (block.type === 'thinking' || block.type === 'redacted_thinking') return [block];
      return [];
    });
  }

  private ordered(): Building[] {
    return [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
  }

  /** message_start carries the input side; message_delta the (cumulative) output and, on newer servers, updated input counts. */
  private mergeUsage(usage: { input_tokens?: number | null; output_tokens?: number | null; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }): void {
    this.reported = {
      inputTokens: usage.input_tokens ?? this.reported.inputTokens,
      outputTokens: usage.output_tokens ?? this.reported.outputTokens,
      cacheReadTokens: usage.cache_read_input_tokens ?? this.reported.cacheReadTokens,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? this.reported.cacheWriteTokens,
    };
  }
}

/** Consecutive text becomes one event: the consumers only ever append it. */
function pushText(out: ProviderEvent[], text: string): void {
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/**
 * Input that is not valid JSON (e.g. cut off by max_tokens) is passed on as the raw
 * string: the agent loop's schema check then reports it to the model like any bad input.
 */
function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** The API takes only an object as a tool call's input; a call whose input was unreadable goes back as `{}` (its tool_result says what was wrong). */
export function asInputObject(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

const STOP_REASONS = new Set<string>(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']);

function toStopReason(reason: string | null | undefined): StopReason {
  return reason && STOP_REASONS.has(reason) ? (reason as StopReason) : 'other';
}
