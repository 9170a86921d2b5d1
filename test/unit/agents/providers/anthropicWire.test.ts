/**
 * The Anthropic provider against a server that writes raw bytes in chunks we
 * choose: an event cut in the middle (a UTF-8 character too), `\r\n` line
 * endings, an `error` event after text, a connection cut mid-reply, and a
 * Stop mid-stream that keeps the usage the API reported. The real SDK makes
 * each request; the real provider reads the body.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../../../extension/src/agents/providers/anthropicProvider';
import { runAgentLoop } from '../../../../extension/src/agents/loop/agentLoop';
import { ProviderError, type ModelRequest, type ProviderEvent } from '../../../../extension/src/agents/providers/modelProvider';
import { StoppedReplyError } from '../../../../extension/src/agents/providers/stoppedReply';

const KEY = 'sk-ant-wire-test-0123456789';

/** What the server does with one request: write these pieces with a pause before each, then end (or cut, or hang). */
interface RawReply {
  pieces: Array<string | Uint8Array>;
  pauseMs?: number;
  then?: 'end' | 'cut' | 'hang';
}

let server: Server;
let baseUrl: string;
const replies: RawReply[] = [];
let requests = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void serve(res, replies.shift()));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  expect(replies).toHaveLength(0);
  requests = 0;
});

async function serve(res: ServerResponse, reply: RawReply | undefined): Promise<void> {
  requests++;
  if (!reply) {
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"api_error","message":"nothing scripted"}}');
    return;
  }
  res.socket?.setNoDelay(true);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
  for (const piece of reply.pieces) {
    await new Promise((resolve) => setTimeout(resolve, reply.pauseMs ?? 15));
    if (res.destroyed) return;
    res.write(piece);
  }
  if (reply.then === 'cut') res.socket?.destroy();
  else if (reply.then !== 'hang') res.end();
}

const sse = (name: string, data: unknown, newline = '\n') => `event: ${name}${newline}data: ${JSON.stringify(data)}${newline}${newline}`;
const messageStart = (inputTokens = 321) => sse('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-wire', content: [], usage: { input_tokens: inputTokens, output_tokens: 1, cache_read_input_tokens: 40 } } });
const blockStart = (index = 0) => sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
const textDelta = (text: string, index = 0) => sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
const ending = (outputTokens = 12) =>
  sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
  sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }) +
  sse('message_stop', { type: 'message_stop' });

function provider(): AnthropicProvider {
  return new AnthropicProvider({ apiKey: KEY, baseUrl, retryPolicy: { baseDelayMs: 10, random: () => 0 } });
}

const request: ModelRequest = { model: 'claude-wire', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [], maxTokens: 256 };

async function run(events: AsyncIterable<ProviderEvent>): Promise<{ seen: ProviderEvent[]; error?: unknown }> {
  const seen: ProviderEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { seen };
  } catch (error) {
    return { seen, error };
  }
}

const textOf = (events: ProviderEvent[]) => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe('AnthropicProvider on the wire', () => {
  it('reassembles events and a UTF-8 character cut across network chunks', async () => {
    const body = Buffer.from(messageStart() + blockStart() + textDelta('Grüße ') + textDelta('🍎 apples') + ending());
    const apple = body.indexOf(Buffer.from('🍎'));
    const quote = body.indexOf('"text":"Grüße');
    const cuts = [quote + 4, apple + 1, apple + 3, body.length - 7];
    const pieces = [0, ...cuts].map((from, i) => new Uint8Array(body.subarray(from, cuts[i] ?? body.length)));
    replies.push({ pieces });
    const { seen, error } = await run(provider().stream(request, new AbortController().signal));
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe('Grüße 🍎 apples');
    const message = seen.at(-1);
    expect(message).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'Grüße 🍎 apples' }], model: 'claude-wire', stopReason: 'end_turn' });
    expect(message?.type === 'message' && message.usage).toEqual({ inputTokens: 321, outputTokens: 12, cacheReadTokens: 40, cacheWriteTokens: 0 });
  });

  it('reads a stream with \\r\\n line endings, split between the \\r and the \\n', async () => {
    const crlf = [messageStart(), blockStart(), textDelta('one'), textDelta(' two'), ending()].join('').replaceAll('\n', '\r\n');
    const split = crlf.indexOf('\r\n', crlf.indexOf('one')) + 1;
    replies.push({ pieces: [crlf.slice(0, split), crlf.slice(split)] });
    const { seen, error } = await run(provider().stream(request, new AbortController().signal));
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe('one two');
    expect(seen.at(-1)).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'one two' }] });
  });

  it('ends with a retryable error, without re-running, when an error event follows text', async () => {
    replies.push({ pieces: [messageStart() + blockStart() + textDelta('Half a'), sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })] });
    const { seen, error } = await run(provider().stream(request, new AbortController().signal));
    expect(textOf(seen)).toBe('Half a');
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('overloaded');
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).message).toMatch(/^The reply stopped part-way: Anthropic is overloaded \(529\)\./);
    expect(requests).toBe(1);
  });

  it('retries an error event that came before any text, and names an unknown error type', async () => {
    replies.push({ pieces: [messageStart(), sse('error', { type: 'error', error: { type: 'api_error', message: 'Internal server error' } })] });
    replies.push({ pieces: [messageStart() + blockStart() + textDelta('second try') + ending()] });
    const { seen, error } = await run(provider().stream(request, new AbortController().signal));
    expect(error).toBeUndefined();
    expect(seen[0]).toMatchObject({ type: 'retrying', attempt: 2, reason: 'Anthropic ended the reply with an error (api_error)' });
    expect(textOf(seen)).toBe('second try');
    expect(requests).toBe(2);
  });

  it('reports a connection cut after text as a dropped connection, and a body that just ends as an early close', async () => {
    replies.push({ pieces: [messageStart() + blockStart() + textDelta('cut here'), '{"partial'], then: 'cut' });
    const cut = await run(provider().stream(request, new AbortController().signal));
    expect(textOf(cut.seen)).toBe('cut here');
    expect((cut.error as ProviderError).kind).toBe('network');
    expect((cut.error as ProviderError).message).toMatch(/^The reply stopped part-way: The connection to Anthropic dropped mid-reply/);

    replies.push({ pieces: [messageStart() + blockStart() + textDelta('ended early')] });
    const ended = await run(provider().stream(request, new AbortController().signal));
    expect((ended.error as ProviderError).message).toMatch(/^The reply stopped part-way: The connection to Anthropic closed before the reply ended\./);
    expect(requests).toBe(2);
  });

  it('keeps a stream alive past the idle timeout while bytes keep coming, pings included, and times out once they stop', async () => {
    const ping = sse('ping', { type: 'ping' });
    replies.push({ pieces: [messageStart() + blockStart(), ping, ping, ping, ping, ping, textDelta('still here') + ending()], pauseMs: 80 });
    const alive = await run(new AnthropicProvider({ apiKey: KEY, baseUrl, timeoutMs: 200, maxRetries: 0 }).stream(request, new AbortController().signal));
    expect(alive.error).toBeUndefined();
    expect(textOf(alive.seen)).toBe('still here');

    replies.push({ pieces: [messageStart() + blockStart() + textDelta('then silence')], then: 'hang' });
    const started = Date.now();
    const quiet = await run(new AnthropicProvider({ apiKey: KEY, baseUrl, timeoutMs: 200, maxRetries: 0 }).stream(request, new AbortController().signal));
    expect((quiet.error as ProviderError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops mid-stream with the usage message_start reported', async () => {
    replies.push({ pieces: [messageStart(1500) + blockStart() + textDelta('Thinking about'), textDelta(' it')], then: 'hang' });
    const controller = new AbortController();
    const seen: ProviderEvent[] = [];
    let error: unknown;
    try {
      for await (const event of provider().stream(request, controller.signal)) {
        seen.push(event);
        setTimeout(() => controller.abort(), 5);
      }
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoppedReplyError);
    expect((error as StoppedReplyError).kind).toBe('aborted');
    expect((error as StoppedReplyError).usage).toEqual({ inputTokens: 1500, outputTokens: 1, cacheReadTokens: 40, cacheWriteTokens: 0 });
    expect(textOf(seen)).toBe('Thinking about');
  });

  it('gives a stopped agent-loop turn the usage of its stopped request', async () => {
    replies.push({ pieces: [messageStart(2400) + blockStart() + textDelta('Partial answer')], then: 'hang' });
    const controller = new AbortController();
    const result = await runAgentLoop({
      provider: provider(),
      model: 'claude-wire',
      system: [],
      messages: request.messages,
      tools: [],
      trusted: true,
      maxIterations: 2,
      budgetTokens: Infinity,
      maxTokens: 256,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'text') setTimeout(() => controller.abort(), 5);
      },
    });
    expect(result.outcome).toBe('stopped');
    expect(result.text).toBe('Partial answer');
    expect(result.usage).toEqual({ inputTokens: 2400, outputTokens: 1, cacheReadTokens: 40, cacheWriteTokens: 0 });
  });
});
