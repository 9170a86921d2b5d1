/**
 * The time budget of one reference fetch: a single deadline shared by the
 * page, its redirects and its stylesheets, and the caller's cancellation.
 * Every wait (DNS, connect, body) listens to `signal`, so the budget ends
 * them all at once.
 */
import { ReferenceError } from './referenceTypes';

export class FetchBudget {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private timedOut = false;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
    if (callerSignal?.aborted) this.controller.abort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The error for a wait the budget ended: a timeout, or the caller's cancellation. */
  abortError(url: string): ReferenceError {
    return this.timedOut
      ? new ReferenceError(url, 'timeout', `gave up — no complete answer within ${formatSeconds(this.timeoutMs)}`)
      : new ReferenceError(url, 'network', 'fetch cancelled');
  }

  /** Resolves like `promise`, or rejects with abortError once the budget ends. */
  race<T>(promise: Promise<T>, url: string): Promise<T> {
    if (this.aborted) return Promise.reject(this.abortError(url));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortError(url));
      this.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
