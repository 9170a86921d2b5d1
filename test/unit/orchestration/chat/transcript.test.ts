import { describe, expect, it } from 'vitest';
import { fromJsonl, toJsonl, type TranscriptMessage } from '../../../../extension/src/core/chat/transcript';

describe('messages.jsonl codec', () => {
  it('reads lines written before id, attachments, usage and model existed', () => {
    const old = '{"role":"user","content":"Plan todo sharing","time":"2026-01-01T00:00:00.000Z"}\n';
    expect(fromJsonl(old)).toEqual([{ role: 'user', content: 'Plan todo sharing', time: '2026-01-01T00:00:00.000Z' }]);
  });

  it('round-trips the chat fields', () => {
    const messages: TranscriptMessage[] = [
      {
        id: 'u1',
        role: 'user',
        content: 'Like this mock',
        time: '2026-01-01T00:00:00.000Z',
        attachments: [{ name: 'mock.png', mediaType: 'image/png', path: '.orchard/references/todo/mock.png' }],
        credentialsRemoved: 1,
      },
      {
        id: 'a1',
        role: 'assistant',
        content: 'Half an answer',
        time: '2026-01-01T00:00:01.000Z',
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 2 },
        model: 'claude-sonnet-4-5',
        stopped: true,
      },
    ];
    expect(fromJsonl(toJsonl(messages))).toEqual(messages);
  });

  it('names the line and the field of a bad message', () => {
    const bad = '{"role":"user","content":"ok","time":"t"}\n{"role":"assistant","content":"x","time":"t","usage":{"inputTokens":-1,"outputTokens":0,"cacheReadTokens":0,"cacheWriteTokens":0}}\n';
    expect(() => fromJsonl(bad)).toThrow(/^messages\.jsonl line 2: usage\.inputTokens: /);
    expect(() => fromJsonl('{"role":"user","content":"ok","time":"t","extra":1}')).toThrow(/line 1/);
    expect(() => fromJsonl('not json')).toThrow('messages.jsonl line 1: not JSON');
  });

  it('refuses to write an invalid message', () => {
    expect(() => toJsonl([{ role: 'system', content: '', time: '' } as never])).toThrow();
  });
});
