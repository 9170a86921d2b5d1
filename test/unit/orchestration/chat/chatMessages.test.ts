import { describe, expect, it } from 'vitest';
import type { TranscriptMessage } from '../../../../extension/src/core/chat/transcript';
import {
  appendMessages,
  featureNameFrom,
  planRetry,
  STOPPED_MARK,
  toChatMessage,
  totalUsage,
  type CostEstimator,
} from '../../../../extension/src/orchestration/chat/chatMessages';

const usage = (input: number, output: number) => ({ inputTokens: input, outputTokens: output, cacheReadTokens: 1, cacheWriteTokens: 2 });
const priced: CostEstimator = (model, u) => (model === 'known' ? (u.inputTokens + u.outputTokens) / 1000 : null);
const user = (id: string, content: string): TranscriptMessage => ({ id, role: 'user', content, time: 't' });
const reply = (id: string, model = 'known', extra: Partial<TranscriptMessage> = {}): TranscriptMessage => ({
  id,
  role: 'assistant',
  content: `answer ${id}`,
  time: 't',
  usage: usage(100, 50),
  model,
  ...extra,
});

describe('chat messages', () => {
  it('shows a stopped reply with its mark and an old line with a positional id', () => {
    expect(toChatMessage(reply('a1', 'known', { stopped: true }), 3, priced).content).toBe(`answer a1\n\n${STOPPED_MARK}`);
    expect(toChatMessage({ ...reply('a1'), content: '', stopped: true }, 3, priced).content).toBe(STOPPED_MARK);
    const old = toChatMessage({ role: 'user', content: 'hi', time: 't' }, 7, priced);
    expect(old).toEqual({ id: 'm7', role: 'user', content: 'hi', time: 't' });
    expect(toChatMessage(reply('a2'), 0, priced, 4)).toMatchObject({ rev: 4, usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.15 } });
  });

  it('totals the assistant usage, with no cost once a price is unknown', () => {
    const known = [user('u1', 'a'), reply('a1'), user('u2', 'b'), reply('a2')];
    expect(totalUsage(known, priced)).toEqual({ inputTokens: 200, outputTokens: 100, cacheReadTokens: 2, cacheWriteTokens: 4, costUsd: 0.3 });
    expect(totalUsage([...known, reply('a3', 'mystery')], priced).costUsd).toBeNull();
    expect(totalUsage([], priced)).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 });
  });

  it('derives a feature name from the first line of a message', () => {
    expect(featureNameFrom('\n\n## Shared todo lists\nwith friends')).toBe('Shared todo lists');
    expect(featureNameFrom('- offline mode')).toBe('offline mode');
    expect(featureNameFrom('   ')).toBe('New feature');
    const long = featureNameFrom('Let people share their todo lists with friends and family members, with comments and due dates on every item');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^Let people share .*[a-z]$/);
  });

  it('names a blueprint from a redacted message without its credential marks', () => {
    expect(featureNameFrom('Use key [redacted credential] for the billing page')).toBe('Use key for the billing page');
    expect(featureNameFrom('[redacted credential]\nShared todo lists')).toBe('Shared todo lists');
    expect(featureNameFrom('[redacted credential] [redacted credential]')).toBe('New feature');
  });

  it('passes the count of removed credentials on to the view and to a retried message', () => {
    const redacted: TranscriptMessage = { ...user('u1', 'key [redacted credential]'), credentialsRemoved: 1 };
    expect(toChatMessage(redacted, 0, priced)).toMatchObject({ id: 'u1', credentialsRemoved: 1 });
    expect(toChatMessage(user('u2', 'plain'), 1, priced)).not.toHaveProperty('credentialsRemoved');
    const again = planRetry([redacted, reply('a1')]);
    expect(again.kind === 'again' && again.user).toMatchObject({ content: 'key [redacted credential]', credentialsRemoved: 1 });
  });

  it('retries a failed turn as it is, an answered one as a new message', () => {
    const failed = planRetry([user('u1', 'a'), reply('a1'), user('u2', 'b')]);
    expect(failed).toMatchObject({ kind: 'rerun', user: { id: 'u2' } });
    expect(failed.kind === 'rerun' && failed.history.map((m) => m.id)).toEqual(['u1', 'a1']);

    const stopped = planRetry([user('u1', 'a'), reply('a1', 'known', { stopped: true })], () => 'now');
    expect(stopped.kind).toBe('again');
    if (stopped.kind === 'again') {
      expect(stopped.user).toMatchObject({ role: 'user', content: 'a', time: 'now' });
      expect(stopped.user.id).not.toBe('u1');
      expect(stopped.history).toHaveLength(2);
    }
    expect(planRetry([]).kind).toBe('nothing');
  });

  it('appends a turn to the newest transcript without repeating a message', () => {
    const stored = [user('u1', 'a'), reply('a1'), user('u2', 'b')];
    expect(appendMessages(stored, [user('u2', 'b'), reply('a2')]).map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
});
