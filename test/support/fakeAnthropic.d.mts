// Types for test/support/fakeAnthropic.mjs (a fake Anthropic Messages API on loopback).

export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export type FakeBlock =
  | { type: 'thinking'; thinking: string }
  | { type: 'text'; text: string; pieces?: number }
  | { type: 'tool_use'; name: string; input: unknown; id?: string; pieces?: number };

interface ReplyOptions {
  /** Pause between SSE events; 0 (the default) streams as fast as it can. */
  delayMs?: number;
  /** Text deltas per text block (default: one per word-like token) or partial-JSON pieces per tool input. */
  pieces?: number;
  model?: string;
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';
  usage?: FakeUsage;
  /** A thinking block (thinking_delta pieces, then a signature_delta) before the rest; tool calls after it then need it sent back. */
  thinking?: string;
}

export type FakeStep =
  /** A streamed text reply; `tokens` generates filler text of that many words when `text` is absent. */
  | ({ kind: 'text'; text?: string; tokens?: number } & ReplyOptions)
  /** A tool_use reply, input streamed as input_json_delta pieces; `text` adds a text block before it. */
  | ({ kind: 'tool_use'; name: string; input: unknown; id?: string; text?: string } & ReplyOptions)
  | ({ kind: 'text_tool'; text: string; tool: { name: string; input: unknown; id?: string; pieces?: number } } & ReplyOptions)
  /** Any content blocks, in order. */
  | ({ kind: 'reply'; content: FakeBlock[] } & ReplyOptions)
  /** An HTTP error with the real JSON body (`{type:'error', error:{type, message}}`); 529 is overloaded_error. */
  | { kind: 'error'; status: number; errorType?: string; message?: string; retryAfter?: number | string; retryAfterMs?: number }
  /** A text reply paced at `delayMs` (default 100 ms) between events: something to press Stop on. */
  | ({ kind: 'slow'; text?: string; tokens?: number } & ReplyOptions)
  /** A reply whose socket is destroyed after `afterEvents` SSE events (default 4): no message_stop. */
  | ({ kind: 'cut'; text?: string; tokens?: number; afterEvents?: number } & ReplyOptions)
  /** A reply that sends an SSE `error` event (default overloaded_error) after `afterEvents` events. */
  | ({ kind: 'stream_error'; text?: string; tokens?: number; afterEvents?: number; errorType?: string; message?: string } & ReplyOptions);

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: any;
  receivedAt: number;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`: pass as the SDK's baseURL. */
  url: string;
  port: number;
  /** Every /v1/messages request received, in order (including refused ones). */
  requests: FakeRequest[];
  /** Queues replies, used in order, one per request. */
  script(...steps: Array<FakeStep | FakeStep[]>): void;
  /** Steps not yet used. */
  pending(): number;
  close(): Promise<void>;
}

export function startFakeAnthropic(options?: { port?: number; defaultReply?: (body: any) => FakeStep }): Promise<FakeAnthropic>;
export function echoReply(body: any): FakeStep;
/** The request checks the fake makes (headers, model, max_tokens, messages, system, tools); a message or null. */
export function validateRequest(headers: Record<string, unknown>, body: any): string | null;
