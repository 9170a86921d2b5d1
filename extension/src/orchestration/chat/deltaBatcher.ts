/**
 * Streamed text reaches the webviews in batches: a model can send hundreds of
 * deltas a second, and one postMessage (and one re-render) per delta is what
 * freezes chat webviews. The first piece goes out at once; later pieces wait
 * until `intervalMs` has passed since the last message, so every surface gets
 * at most one delta message per interval — except the flush that must precede
 * another message of the turn (an activity, the end). No `vscode` import.
 *
 * The interval is a little over one frame. Longer only adds waiting: a token
 * that arrives just after a message waits the whole interval (with 30 ms that
 * was most of bench:chat's remaining burst lag). Not one frame exactly: the
 * webview renders a delta at once only when the previous one came at least a
 * frame (16 ms) earlier, and otherwise holds it for the next frame, so deltas
 * sent 16 ms apart that arrive a little closer each wait a frame there (the
 * paced stream measured slower with 16 ms than with 30 ms).
 */
export const DELTA_INTERVAL_MS = 20;

export interface BatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class DeltaBatcher {
  private pending = '';
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly intervalMs = DELTA_INTERVAL_MS,
    private readonly clock: BatcherClock = realClock,
  ) {}

  push(text: string): void {
    if (this.closed || text === '') return;
    this.pending += text;
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    // Checked on every push, not only by the timer: a fast stream arrives in large chunks whose
    // hundreds of deltas are handled in one go, and a timer would fire only after all of them.
    if (wait <= 0) this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.flush(), wait);
  }

  /** Sends what is waiting now: before any other message of the turn, so the webview sees them in order. */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastEmit = this.clock.now();
    this.emit(text);
  }

  /** Flushes and drops anything pushed later (a turn that ended). */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
