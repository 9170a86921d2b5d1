/**
 * The SSE decoder and the reply reader on top of it: whatever the network's
 * chunk boundaries (mid-line, mid-`\r\n`, mid-UTF-8 sequence), the same events
 * come out, and a chunk's text deltas come out as one event.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageAssembler, plainTextDelta, ReplyReader } from '../../../../extension/src/agents/providers/anthropicStream';
import { ProviderError, type ProviderEvent } from '../../../../extension/src/agents/providers/modelProvider';
import { SseDecoder, type SseEvent } from '../../../../extension/src/agents/providers/sseReader';

function decodeAll(chunks: string[]): SseEvent[] {
  const decoder = new SseDecoder();
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

/** `text` cut at the given offsets (sorted, deduplicated, inside the text). */
function cut(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const wire = (events: Array<[string, unknown]>, newline = '\n') =>
  events.map(([name, data]) => `event: ${name}${newline}data: ${JSON.stringify(data)}${newline}${newline}`).join('');

const delta = (text: string, index = 0) => ['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }] as [string, unknown];
const start: Array<[string, unknown]> = [
  ['message_start', { type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 120, output_tokens: 1 } } }],
  ['ping', { type: 'ping' }],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
];
const finish: Array<[string, unknown]> = [
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }],
  ['message_stop', { type: 'message_stop' }],
];

describe('SseDecoder', () => {
  it('decodes events, joining data lines and ignoring comments, ids and unknown fields', () => {
    const text = ': keep-alive\nid: 7\nevent: one\ndata: {"a":1}\n\nevent:two\ndata:x\ndata: y\nretry: 5\n\ndata\n\n';
    expect(decodeAll([text])).toEqual([
      { event: 'one', data: '{"a":1}' },
      { event: 'two', data: 'x\ny' },
      { event: null, data: '' },
    ]);
  });

  it('skips a BOM at the start only, and dispatches a last block that lacks its blank line', () => {
    expect(decodeAll(['\uFEFFevent: a\ndata: 1\n\nevent: b\ndata: 2'])).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
  });

  it('reads \\r\\n and \\r line endings, including a \\r\\n split between two chunks', () => {
    const expected = [
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ];
    expect(decodeAll(['event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n'])).toEqual(expected);
    expect(decodeAll(['event: a\rdata: 1\r\revent: b\rdata: 2\r\r'])).toEqual(expected);
    expect(decodeAll(['event: a\r', '\ndata: 1\r', '\n\r', '\nevent: b\r\ndata: 2\r\n\r', '\n'])).toEqual(expected);
    // A lone \r at a chunk's end followed by a line that is not \n: two line endings, not one.
    expect(decodeAll(['event: a\r', 'data: 1\r', '\r', 'event: b\rdata: 2\r\r'])).toEqual(expected);
  });

  it('gives the same events whatever the chunk boundaries', () => {
    const events: Array<[string, unknown]> = [...start, delta(' héllo ✓'), delta(' "quoted"\\n'), ...finish];
    for (const newline of ['\n', '\r\n']) {
      const text = wire(events, newline);
      const whole = decodeAll([text]);
      expect(whole.map((e) => e.event)).toEqual(events.map(([name]) => name));
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 40 }), (offsets) => {
          expect(decodeAll(cut(text, offsets))).toEqual(whole);
        }),
        { numRuns: 300 },
      );
    }
  });
});

function reader(streamErrors: unknown[] = []) {
  const assembler = new MessageAssembler('fallback-model');
  const errorFor = (body: unknown) => {
    streamErrors.push(body);
    return new Error('stream error event');
  };
  return new ReplyReader(assembler, errorFor);
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('ReplyReader', () => {
  it("hands a chunk's consecutive text deltas on as one text event", () => {
    const read = reader();
    const events = read.accept(bytes(wire([...start, delta('one'), delta(' two'), delta(' three')])));
    expect(events).toEqual([{ type: 'text', text: 'one two three' }]);
    expect(read.accept(bytes(wire([delta(' four'), ...finish])))).toEqual([{ type: 'text', text: ' four' }]);
    expect(read.end()).toEqual([]);
    expect(read.assembler.result()).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'one two three four' }], stopReason: 'end_turn', model: 'claude-x' });
  });

  it('keeps a tool call between two runs of text in order', () => {
    const read = reader();
    const events = read.accept(
      bytes(
        wire([
          ...start,
          delta('Updating'),
          delta(' the plan.'),
          ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'update_blueprint', input: {} } }],
          ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"summary":' } }],
          ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"ok"}' } }],
          ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } }],
          delta('Done', 2),
          delta('.', 2),
          ...finish,
        ]),
      ),
    );
    expect(events).toEqual<ProviderEvent[]>([
      { type: 'text', text: 'Updating the plan.' },
      { type: 'tool_started', id: 'toolu_1', name: 'update_blueprint' },
      { type: 'text', text: 'Done.' },
    ]);
    expect(read.assembler.result()).toMatchObject({
      content: [
        { type: 'text', text: 'Updating the plan.' },
        { type: 'tool_use', id: 'toolu_1', name: 'update_blueprint', input: { summary: 'ok' } },
        { type: 'text', text: 'Done.' },
      ],
    });
  });

  it('keeps a UTF-8 character split between chunks whole', () => {
    const read = reader();
    const encoded = bytes(wire([...start, delta('✓ ünïcødé 🍎'), ...finish]));
    const mark = encoded.indexOf(0xf0); // first byte of the four-byte apple
    const text = [...read.accept(encoded.slice(0, mark + 2)), ...read.accept(encoded.slice(mark + 2)), ...read.end()]
      .map((e) => (e.type === 'text' ? e.text : ''))
      .join('');
    expect(text).toBe('✓ ünïcødé 🍎');
  });

  it('reports input usage from message_start before the reply ends, and the output from message_delta after', () => {
    const read = reader();
    read.accept(bytes(wire([...start, delta('partial')])));
    expect(read.assembler.usage).toEqual({ inputTokens: 120, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 });
    read.accept(bytes(wire(finish)));
    expect(read.assembler.usage.outputTokens).toBe(9);
  });

  it('throws what the factory makes of an error event, with its parsed body, after the text before it', () => {
    const seen: unknown[] = [];
    const read = reader(seen);
    expect(read.accept(bytes(wire([...start, delta('Hello')])))).toEqual([{ type: 'text', text: 'Hello' }]);
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    expect(() => read.accept(bytes(wire([delta(' lost'), ['error', body]])))).toThrow('stream error event');
    expect(seen).toEqual([body]);
  });

  it('refuses an event whose data is not JSON, naming the event', () => {
    const read = reader();
    let error: unknown;
    try {
      read.accept(bytes('event: content_block_delta\ndata: {"type": "content_bl\n\n'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toMatch(/^Anthropic sent a 'content_block_delta' event that is not JSON: \{"type"/);
    expect((error as ProviderError).retryable).toBe(true);
  });

  it('ignores anything after message_stop, and a stream that ends early leaves no message', () => {
    const read = reader();
    read.accept(bytes(wire([...start, delta('a'), ...finish, delta('after the end')])));
    expect(read.assembler.result()).toMatchObject({ content: [{ type: 'text', text: 'a' }] });

    const cutShort = reader();
    cutShort.accept(bytes(wire([...start, delta('a')])));
    expect(cutShort.end()).toEqual([]);
    expect(() => cutShort.assembler.result()).toThrow(/closed before the reply ended/);
  });
});

describe('plainTextDelta (the text_delta fast path)', () => {
  it('reads exactly what JSON.parse reads, or leaves the event to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat({ max: 5000 }), (text, index) => {
        const data = JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
        const fast = plainTextDelta(data);
        if (fast !== undefined) expect(fast).toEqual({ index, text });
        // Escapes are JSON.parse's job; everything else takes the fast path.
        if (!/["\\\u0000-\u001f]/.test(text)) expect(fast).toEqual({ index, text });
      }),
      { numRuns: 500 },
    );
  });

  it('leaves any other shape to JSON.parse', () => {
    for (const data of [
      '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","extra":"b"}}',
      '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "spaced"}}',
      '{"type":"content_block_delta","index":,"delta":{"type":"text_delta","text":"no index"}}',
      '{"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"reordered"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
    ]) {
      expect(plainTextDelta(data), data).toBeUndefined();
    }
  });

  it('gives the reader the same events and message with or without it', () => {
    const escaped = [...start, delta('plain'), delta(' "quoted" and \\ back'), delta(' tab\tand ✓'), ...finish];
    const read = reader();
    expect(read.accept(bytes(wire(escaped)))).toEqual([{ type: 'text', text: 'plain "quoted" and \\ back tab\tand ✓' }]);
    expect(read.assembler.result()).toMatchObject({ content: [{ type: 'text', text: 'plain "quoted" and \\ back tab\tand ✓' }] });
  });
});
