/**
 * The Anthropic provider with the real `@anthropic-ai/sdk` against the fake server
 * on loopback (test/support/fakeAnthropic.mjs): the request it sends, the events it
 * yields, retries with their timing, and the errors a user sees.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../../support/fakeAnthropic.mjs';
import { AnthropicProvider, MessageAssembler, type AnthropicProviderOptions } from '../../../../extension/src/agents/providers/anthropicProvider';
import { ProviderError, type ModelRequest, type ProviderEvent } from '../../../../extension/src/agents/providers/modelProvider';

const KEY = 'sk-ant-test-0123456789abcdef';
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  expect(fake.pending()).toBe(0);
});

function provider(options: Partial<AnthropicProviderOptions> = {}): AnthropicProvider {
  // No jitter and short steps so retry timing is measurable.
  return new AnthropicProvider({ apiKey: KEY, baseUrl: fake.url, retryPolicy: { baseDelayMs: 20, random: () => 0 }, ...options });
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'claude-sonnet-5-5',
    system: [{ text: 'You are the Architect.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Plan a todo app' }] }],
    tools: [],
    maxTokens: 1024,
    ...overrides,
  };
}

async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const seen: ProviderEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

async function failure(events: AsyncIterable<ProviderEvent>, seen: ProviderEvent[] = []): Promise<ProviderError> {
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the stream to fail');
}

const finalMessage = (events: ProviderEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'message') throw new Error(`last event is ${last?.type}`);
  return last;
};

describe('AnthropicProvider: streaming', () => {
  it('yields the text deltas in order, then one message with the whole text and usage', async () => {
    const text = 'Let us plan the data model first, then the endpoints, then the screens.';
    // Paced, so the deltas arrive in separate network chunks (a burst would come as one merged event).
    fake.script({ kind: 'text', text, delayMs: 3, usage: { input_tokens: 1200, cache_read_input_tokens: 800, cache_creation_input_tokens: 300, output_tokens: 17 } });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    const deltas = events.filter((event) => event.type === 'text');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((event) => event.text).join('')).toBe(text);
    const message = finalMessage(events);
    expect(message.content).toEqual([{ type: 'text', text }]);
    expect(message.stopReason).toBe('end_turn');
    expect(message.model).toBe('claude-sonnet-5-5');
    expect(message.usage).toEqual({ inputTokens: 1200, outputTokens: 17, cacheReadTokens: 800, cacheWriteTokens: 300 });
    expect(events.filter((event) => event.type === 'message')).toHaveLength(1);
  });

  it('hands a burst on as a few text events, each holding every delta its chunk completed', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    fake.script({ kind: 'text', text });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    const deltas = events.filter((event) => event.type === 'text');
    expect(deltas.map((event) => event.text).join('')).toBe(text);
    expect(deltas.length).toBeLessThan(3000 / 20);
    expect(finalMessage(events).content).toEqual([{ type: 'text', text }]);
  });

  it('assembles a tool call from partial JSON and announces it when it starts', async () => {
    const input = { featureName: 'Todo sharing', sections: { dataModel: { status: 'partial', notes: 'a "quoted" word, unicode ✓' } }, openQuestions: ['Who can share?'] };
    fake.script({ kind: 'text_tool', text: 'Updating the plan.', tool: { name: 'update_blueprint', input, id: 'toolu_01', pieces: 7 } });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    const started = events.findIndex((event) => event.type === 'tool_started');
    expect(events[started]).toEqual({ type: 'tool_started', id: 'toolu_01', name: 'update_blueprint' });
    expect(events.slice(0, started).every((event) => event.type === 'text')).toBe(true);
    const message = finalMessage(events);
    expect(message.stopReason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Updating the plan.' },
      { type: 'tool_use', id: 'toolu_01', name: 'update_blueprint', input },
    ]);
  });

  it('maps system blocks with cache_control, tools, images, tool calls and results into the request', async () => {
    fake.script({ kind: 'text', text: 'ok' });
    await collect(
      provider().stream(
        request({
          system: [{ text: 'role prompt', cache: true }, { text: 'memory: CLAUDE.md', cache: true }, { text: 'today is Saturday' }],
          tools: [{ name: 'update_blueprint', description: 'Replace the blueprint', inputSchema: { type: 'object', properties: { summary: { type: 'string' } } } }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', mediaType: 'image/png', base64: 'iVBORw0KGgo=' }] },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'update_blueprint', input: { summary: 's' } }] },
            { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_9', content: 'summary: too short', isError: true }] },
          ],
        }),
        new AbortController().signal,
      ),
    );
    const sent = fake.requests[0]!;
    // SDK 1.x sends the key as a bearer token; older ones used x-api-key.
    expect(sent.headers['x-api-key'] ?? sent.headers['authorization']).toMatch(new RegExp(`^(Bearer )?${KEY}$`));
    expect(sent.headers['anthropic-version']).toBeTruthy();
    expect(sent.body.stream).toBe(true);
    expect(sent.body.max_tokens).toBe(1024);
    expect(sent.body.system).toEqual([
      { type: 'text', text: 'role prompt', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'memory: CLAUDE.md', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'today is Saturday' },
    ]);
    expect(sent.body.tools).toEqual([{ name: 'update_blueprint', description: 'Replace the blueprint', input_schema: { type: 'object', properties: { summary: { type: 'string' } } } }]);
    expect(sent.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'update_blueprint', input: { summary: 's' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'summary: too short', is_error: true }] },
    ]);
  });

  it('keeps at most four cache breakpoints, the last four', async () => {
    fake.script({ kind: 'text', text: 'ok' });
    const system = Array.from({ length: 6 }, (_, index) => ({ text: `part ${index}`, cache: true }));
    await collect(provider().stream(request({ system }), new AbortController().signal));
    const marked = (fake.requests[0]!.body.system as Array<{ text: string; cache_control?: unknown }>).filter((block) => block.cache_control).map((block) => block.text);
    expect(marked).toEqual(['part 2', 'part 3', 'part 4', 'part 5']);
  });

  it("sends a tool call's thinking back with its result, as the API requires", async () => {
    fake.script({ kind: 'tool_use', thinking: 'The user wants sharing; record it.', name: 'update_blueprint', input: { summary: 'Share lists' }, id: 'toolu_think' }, { kind: 'text', text: 'Recorded.' });
    const anthropic = provider();
    const first = finalMessage(await collect(anthropic.stream(request(), new AbortController().signal)));
    expect(first.content).toEqual([{ type: 'tool_use', id: 'toolu_think', name: 'update_blueprint', input: { summary: 'Share lists' } }]);
    const followUp = request({
      messages: [
        ...request().messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_think', content: 'Blueprint updated.' }] },
      ],
    });
    const second = await collect(anthropic.stream(followUp, new AbortController().signal));
    expect(finalMessage(second).content).toEqual([{ type: 'text', text: 'Recorded.' }]);
    const echoed = fake.requests[1]!.body.messages[1].content;
    expect(echoed[0]).toMatchObject({ type: 'thinking', thinking: 'The user wants sharing; record it.', signature: expect.stringMatching(/^sig_/) });
    expect(echoed[1]).toEqual({ type: 'tool_use', id: 'toolu_think', name: 'update_blueprint', input: { summary: 'Share lists' } });
    // The fake refuses the same follow-up without the thinking, like the API: this test can fail.
    const error = await failure(provider().stream(followUp, new AbortController().signal));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('must start with a thinking block');
  });

  it('passes a tool input that is not valid JSON on as the raw string, and back as {}', async () => {
    // The fake always streams valid JSON; a truncated input is checked through the assembler directly.
    const assembler = new MessageAssembler('m');
    assembler.accept({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'n', input: {}, caller: { type: 'direct' } } as never });
    assembler.accept({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"summary": "cut' } });
    assembler.accept({ type: 'message_stop' });
    const result = assembler.result();
    expect(result.type === 'message' && result.content).toEqual([{ type: 'tool_use', id: 't', name: 'n', input: '{"summary": "cut' }]);
    // Sent back in the conversation, such a call carries an empty object: the API accepts nothing else.
    fake.script({ kind: 'text', text: 'ok' });
    await collect(provider().stream(request({ messages: [...request().messages, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{"summary": "cut' }] }, { role: 'user', content: [{ type: 'tool_result', toolUseId: 't', content: 'input was not JSON', isError: true }] }] }), new AbortController().signal));
    expect(fake.requests[0]!.body.messages[1].content[0].input).toEqual({});
  });
});

describe('AnthropicProvider: retries', () => {
  it('honours retry-after on 429 and announces the wait', async () => {
    fake.script({ kind: 'error', status: 429, retryAfter: 0.3 }, { kind: 'text', text: 'after the wait' });
    const started = Date.now();
    const events = await collect(provider().stream(request(), new AbortController().signal));
    const elapsed = Date.now() - started;
    expect(events[0]).toEqual({ type: 'retrying', attempt: 2, maxAttempts: 4, delayMs: 300, reason: "Anthropic's rate limit was reached (429)" });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(290);
    expect(finalMessage(events).content).toEqual([{ type: 'text', text: 'after the wait' }]);
  });

  it('prefers retry-after-ms to retry-after', async () => {
    fake.script({ kind: 'error', status: 429, retryAfter: 30, retryAfterMs: 50 }, { kind: 'text', text: 'ok' });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    expect(events[0]).toMatchObject({ type: 'retrying', delayMs: 50 });
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    fake.script({ kind: 'error', status: 500 }, { kind: 'text', text: 'recovered' });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    expect(events.map((event) => event.type)).toEqual(['retrying', 'text', 'message']);
    expect(events[0]).toEqual({ type: 'retrying', attempt: 2, maxAttempts: 4, delayMs: 20, reason: 'Anthropic had a server error (500)' });
  });

  it('gives up on 529 after the last attempt with a message saying how long it tried', async () => {
    fake.script({ kind: 'error', status: 529 }, { kind: 'error', status: 529 }, { kind: 'error', status: 529 });
    const seen: ProviderEvent[] = [];
    const error = await failure(provider({ maxRetries: 2 }).stream(request(), new AbortController().signal), seen);
    expect(error.kind).toBe('overloaded');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^Anthropic is overloaded \(529\) — tried 3 times over [\d.]+ s\. Nothing was lost; press Retry\.$/);
    expect(seen).toEqual([
      { type: 'retrying', attempt: 2, maxAttempts: 3, delayMs: 20, reason: 'Anthropic is overloaded (529)' },
      { type: 'retrying', attempt: 3, maxAttempts: 3, delayMs: 40, reason: 'Anthropic is overloaded (529)' },
    ]);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not wait when the server asks for longer than a minute', async () => {
    fake.script({ kind: 'error', status: 429, retryAfter: 600 });
    const started = Date.now();
    const error = await failure(provider().stream(request(), new AbortController().signal));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.kind).toBe('rate_limit');
    expect(error.message).toContain('asks to wait 10 min 0 s');
  });

  it('retries a stream cut before any text, without duplicating anything', async () => {
    fake.script({ kind: 'cut', text: 'never shown', afterEvents: 2 }, { kind: 'text', text: 'second try' });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    expect(events[0]).toMatchObject({ type: 'retrying', attempt: 2 });
    expect(events.filter((event) => event.type === 'text').map((event) => event.text).join('')).toBe('second try');
  });

  it('fails a stream cut after text was shown with a retryable network error, and does not re-run it', async () => {
    fake.script({ kind: 'cut', text: 'one two three four five six seven', afterEvents: 6, delayMs: 5 });
    const seen: ProviderEvent[] = [];
    const error = await failure(provider().stream(request(), new AbortController().signal), seen);
    expect(seen.some((event) => event.type === 'text')).toBe(true);
    expect(seen.some((event) => event.type === 'retrying')).toBe(false);
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^The reply stopped part-way: The connection to Anthropic dropped mid-reply .*press Retry to ask again\.$/);
    expect(fake.requests).toHaveLength(1);
  });

  it('treats an overloaded error event inside the stream like a 529', async () => {
    fake.script({ kind: 'stream_error', afterEvents: 2 }, { kind: 'text', text: 'fine now' });
    const events = await collect(provider().stream(request(), new AbortController().signal));
    expect(events[0]).toMatchObject({ type: 'retrying', reason: 'Anthropic is overloaded (529)' });
  });

  it('reports an unreachable server as a network error after its retries', async () => {
    const closed = await startFakeAnthropic();
    const url = closed.url;
    await closed.close();
    const error = await failure(new AnthropicProvider({ apiKey: KEY, baseUrl: url, maxRetries: 1, retryPolicy: { baseDelayMs: 1 } }).stream(request(), new AbortController().signal));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(`Could not reach Anthropic at ${url}`);
    expect(error.message).toContain('tried 2 times');
  });
});

describe('AnthropicProvider: errors and stopping', () => {
  it('says the key was rejected on 401, without retrying or quoting the key', async () => {
    fake.script({ kind: 'error', status: 401, message: `invalid x-api-key ${KEY}` });
    const error = await failure(provider().stream(request(), new AbortController().signal));
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('The Anthropic API rejected the key (401). Set a new one with Orchard: Set API Key.');
    expect(fake.requests).toHaveLength(1);
  });

  it('passes the API message of a 400 on, without the key', async () => {
    fake.script({ kind: 'error', status: 400, message: `messages.0: bad thing near ${KEY}` });
    const error = await failure(provider().stream(request(), new AbortController().signal));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toBe('Anthropic refused the request (400): messages.0: bad thing near [key]');
  });

  it('stops mid-stream within 100 ms of an abort', async () => {
    fake.script({ kind: 'text', tokens: 400, delayMs: 20 });
    const controller = new AbortController();
    const seen: ProviderEvent[] = [];
    let abortedAt = 0;
    const stream = provider().stream(request(), controller.signal);
    const outcome = failure(
      (async function* () {
        for await (const event of stream) {
          yield event;
          if (seen.length === 3 && abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort();
          }
        }
      })(),
      seen,
    );
    const error = await outcome;
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(error.kind).toBe('aborted');
    expect(seen.length).toBeLessThan(10);
  });

  it('stops while waiting to retry', async () => {
    fake.script({ kind: 'error', status: 429, retryAfter: 5 });
    const controller = new AbortController();
    const seen: ProviderEvent[] = [];
    const stream = provider().stream(request(), controller.signal);
    const started = Date.now();
    const error = await failure(
      (async function* () {
        for await (const event of stream) {
          yield event;
          if (event.type === 'retrying') setTimeout(() => controller.abort(), 20);
        }
      })(),
      seen,
    );
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses to start with an already aborted signal, without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(provider().stream(request(), controller.signal));
    expect(error.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });

  it('times out a stream that goes quiet', async () => {
    fake.script({ kind: 'text', text: 'slow words here', delayMs: 400 });
    const seen: ProviderEvent[] = [];
    const error = await failure(provider({ timeoutMs: 200, maxRetries: 0 }).stream(request(), new AbortController().signal), seen);
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer for 0.2 s');
  });

  it('refuses an empty key up front', () => {
    expect(() => new AnthropicProvider({ apiKey: '  ' })).toThrow(/No Anthropic API key/);
  });
});
