/** Retry timing: the server's requested wait first, otherwise capped exponential backoff with jitter. */
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, describeDuration, isRetryableStatus, retryAfterMs, sleepUnlessAborted } from '../../../../extension/src/agents/providers/retry';
import { ProviderError } from '../../../../extension/src/agents/providers/modelProvider';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('retry timing', () => {
  it('retries rate limits, server errors and overload, nothing else', () => {
    expect([429, 500, 502, 503, 504, 529].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it('reads retry-after-ms before retry-after, seconds or an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-11-21T08:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Sat, 21 Nov 2026 08:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('doubles from the base delay up to the cap, minus at most a quarter of jitter', () => {
    const noJitter = { ...DEFAULT_RETRY_POLICY, random: () => 0 };
    expect([2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(attempt, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000, 16000]);
    const fullJitter = { ...DEFAULT_RETRY_POLICY, random: () => 0.999999 };
    expect(backoffDelayMs(3, fullJitter)).toBe(1500);
    expect(backoffDelayMs(9, noJitter, 1234.4)).toBe(1234);
  });

  it('waits, or stops at once when aborted', async () => {
    const started = Date.now();
    await sleepUnlessAborted(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const waiting = sleepUnlessAborted(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(ProviderError);
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('describes durations for messages', () => {
    expect([400, 1000, 9_950, 23_400, 125_000].map(describeDuration)).toEqual(['0.4 s', '1 s', '9.9 s', '23 s', '2 min 5 s']);
  });
});
