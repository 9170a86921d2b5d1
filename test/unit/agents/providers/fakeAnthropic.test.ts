/**
 * The fake Anthropic server itself: the raw SSE it writes, the requests it refuses
 * like the real API, the echo default, and the standalone process the e2e tier and
 * the chat benchmark start (`--port`, `--script`, the /__fake control endpoints).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../../support/fakeAnthropic.mjs';

const script = path.resolve(__dirname, '../../../support/fakeAnthropic.mjs');
let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };
const body = (extra: object = {}) => JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi there' }], ...extra });

/** The SSE events of a response, as [name, data] pairs. */
function parseSse(text: string): Array<[string, any]> {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const name = /^event: (.+)$/m.exec(chunk)?.[1];
      const data = /^data: (.+)$/m.exec(chunk)?.[1];
      if (!name || !data) throw new Error(`malformed SSE chunk: ${chunk}`);
      return [name, JSON.parse(data)];
    });
}

describe('fake Anthropic server', () => {
  it('streams the real event sequence, ending in message_stop', async () => {
    fake.script({ kind: 'text_tool', text: 'Two words', tool: { name: 'update_blueprint', input: { a: [1, 2] }, pieces: 3 } });
    const response = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: body() });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await response.text());
    expect(events.map(([name]) => name)).toEqual([
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    for (const [name, data] of events) expect(data.type).toBe(name);
    expect(events[0]![1].message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content: [] });
    expect(events[0]![1].message.id).toMatch(/^msg_/);
    const json = events.filter(([, data]) => data.delta?.type === 'input_json_delta').map(([, data]) => data.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ a: [1, 2] });
    expect(events[11]![1]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('refuses requests the real API refuses, with its error body', async () => {
    const cases: Array<[Record<string, string>, string, number, RegExp]> = [
      [{ 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body(), 401, /x-api-key/],
      [{ 'content-type': 'application/json', 'x-api-key': 'k' }, body(), 400, /anthropic-version/],
      [headers, body({ model: undefined }), 400, /^model/],
      [headers, body({ max_tokens: 0 }), 400, /^max_tokens/],
      [headers, body({ messages: [] }), 400, /^messages/],
      [headers, body({ messages: [{ role: 'system', content: 'x' }] }), 400, /messages\.0\.role/],
      [headers, body({ system: [{ type: 'text', text: 's', cache_control: { type: 'forever' } }] }), 400, /system\.0\.cache_control/],
      [headers, body({ tools: [{ name: 'bad name', input_schema: { type: 'object' } }] }), 400, /tools\.0\.name/],
      [headers, body({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }] }] }), 400, /media_type/],
      [headers, '{not json', 400, /not valid JSON/],
    ];
    for (const [sentHeaders, sentBody, status, message] of cases) {
      const response = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: sentHeaders, body: sentBody });
      expect(response.status, sentBody).toBe(status);
      const error = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(error.type).toBe('error');
      expect(error.error.type).toBe(status === 401 ? 'authentication_error' : 'invalid_request_error');
      expect(error.error.message, sentBody).toMatch(message);
    }
    expect(fake.pending()).toBe(0);
  });

  it('answers scripted errors with the real shapes and retry-after', async () => {
    fake.script({ kind: 'error', status: 529 }, { kind: 'error', status: 429, retryAfter: 3 });
    const overloaded = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: body() });
    expect(overloaded.status).toBe(529);
    expect(((await overloaded.json()) as { error: unknown }).error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    const limited = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: body() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('paces a slow reply', async () => {
    fake.script({ kind: 'slow', text: 'one two three', delayMs: 40 });
    const started = Date.now();
    const response = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: body() });
    const events = parseSse(await response.text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 * (events.length - 1) - 20);
    expect(events.at(-1)![0]).toBe('message_stop');
  });

  it('echoes the last user message when nothing is scripted, also without streaming', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: body({ stream: false }) });
    const message = (await response.json()) as { content: unknown; stop_reason: string };
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: hi there' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('runs standalone with --port and --script, and takes scripts over HTTP', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-anthropic-'));
    const scriptFile = path.join(dir, 'steps.json');
    fs.writeFileSync(scriptFile, JSON.stringify([{ kind: 'text', text: 'from the file' }]));
    const child = spawn(process.execPath, [script, '--port', '0', '--script', scriptFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = await new Promise<string[]>((resolve) => {
        createInterface({ input: child.stdout! }).once('line', (first) => resolve([first]));
      });
      const url = /^fake-anthropic listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line!)?.[1];
      expect(url).toBeDefined();
      const first = parseSse(await (await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: body() })).text());
      expect(first.filter(([, data]) => data.delta?.type === 'text_delta').map(([, data]) => data.delta.text).join('')).toBe('from the file');
      await fetch(`${url}/__fake/script`, { method: 'POST', body: JSON.stringify([{ kind: 'error', status: 500 }]) });
      expect((await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: body() })).status).toBe(500);
      const received = (await (await fetch(`${url}/__fake/requests`)).json()) as Array<{ body: { model: string } }>;
      expect(received).toHaveLength(2);
      expect(received[0]!.body.model).toBe('claude-sonnet-5-5');
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
