/**
 * Retry timing for model requests: which failures are worth another attempt, how
 * long to wait (the server's `retry-after-ms` / `retry-after` first, else
 * exponential backoff with jitter), a wait that a Stop button can cut short, and
 * what the user reads when the retries end.
 * The providers do their own retries (the SDK's are off) so every wait is
 * announced to the chat as a `retrying` event.
 */
import { ProviderError } from './modelProvider';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this is not retried automatically: the user decides. */
  maxRetryAfterMs: number;
  /** Math.random, replaceable so tests can pin the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
});

/** HTTP statuses Anthropic documents as transient: rate limit, server errors, overloaded. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504 || status === 529;
}

/**
 * The server's requested wait in ms from `retry-after-ms` or `retry-after`
 * (seconds or an HTTP date), or undefined when it asked for nothing usable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const millis = headers.get('retry-after-ms');
  if (millis !== null && millis.trim() !== '') {
    const value = Number(millis);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before attempt `nextAttempt` (2 for the first retry): what the server
 * asked for, else base * 2^(n-2) capped, minus up to a quarter of jitter so
 * clients that failed together do not return together.
 */
export function backoffDelayMs(nextAttempt: number, policy: RetryPolicy, serverAskedMs?: number): number {
  if (serverAskedMs !== undefined) return Math.round(serverAskedMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, nextAttempt - 2));
  return Math.round(exponential * (1 - 0.25 * policy.random()));
}

/** Resolves after `ms`, or rejects with an `aborted` ProviderError as soon as `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(): ProviderError {
  return new ProviderError('Stopped.', 'aborted', false);
}

/** "23 s", "1.4 s", "2 min 5 s": for messages that say how long retries went on. */
export function describeDuration(ms: number): string {
  if (ms < 10_000) return `${trim((ms / 1000).toFixed(1))} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function trim(fixed: string): string {
  return fixed.replace(/\.0$/, '');
}

// --- what the user reads when retries end ------------------------------------

export interface Failure {
  error: ProviderError;
  /** A short phrase for retry notices and the final message, e.g. "Anthropic is overloaded (529)". */
  what: string;
  retryable: boolean;
  serverAskedMs?: number;
}

export function exhaustedError(failure: Failure, attempts: number, elapsedMs: number): ProviderError {
  const tried = attempts === 1 ? 'tried once' : `tried ${attempts} times over ${describeDuration(elapsedMs)}`;
  const advice = failure.error.kind === 'rate_limit' ? 'Wait a minute, then press Retry.' : 'Nothing was lost; press Retry.';
  return new ProviderError(`${failure.what} — ${tried}. ${advice}`, failure.error.kind, true);
}

export function midReplyError(failure: Failure): ProviderError {
  return new ProviderError(
    `The reply stopped part-way: ${failure.what}. The text above is incomplete; press Retry to ask again.`,
    failure.error.kind,
    true,
  );
}

/** An error and its causes in one line ("fetch failed: connect ECONNREFUSED 127.0.0.1:9 ECONNREFUSED"). */
export function describeCause(error: unknown): string {
  let current: unknown = error;
  const parts: string[] = [];
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} ${code}` : current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.filter((part) => part !== '').join(': ') || String(error);
}

/** Error text from a server or a library never carries the key into a message or a log. */
export function scrubSecret(text: string, secret: string): string {
  return secret.length >= 8 ? text.split(secret).join('[key]') : text;
}
