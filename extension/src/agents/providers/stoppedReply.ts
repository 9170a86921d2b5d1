/**
 * A request the user stopped part-way has still been billed: the API reported
 * its input (and cache) tokens in `message_start`, before the first word. A
 * provider that knows them throws this instead of a bare `aborted` error, so
 * the stopped turn shows what it cost rather than nothing.
 *
 * Kept apart from provider.ts so the loop can read it without knowing any
 * provider; a plain `aborted` ProviderError still means "nothing reported".
 */
import { ProviderError, ZERO_USAGE, type Usage } from './modelProvider';

export class StoppedReplyError extends ProviderError {
  constructor(readonly usage: Usage) {
    super('Stopped.', 'aborted', false);
    this.name = 'StoppedReplyError';
  }
}

/** The usage a stopped request reported before it stopped; zero when it reported none. */
export function usageBeforeStop(error: unknown): Usage {
  return error instanceof StoppedReplyError ? error.usage : ZERO_USAGE;
}
