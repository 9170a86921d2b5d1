/**
 * The work budget of one design digest: how long its scans may run and how
 * much var() expansion may add, with the reasons it was cut short, which the
 * digest passes on so the reader knows it covers only part of the page.
 *
 * Why a budget checked in the scan loops, and not a worker thread: the
 * digest's scans are linear in their input and the fetcher caps that input
 * (2 MiB of HTML, four 512 KiB stylesheets), so the budget is a second line
 * of defence, not the first. Checked cooperatively it costs a counter per
 * step, keeps `core/` pure and testable with a fake clock, needs no extra
 * bundle or start-up (a worker costs tens of milliseconds and a copy of every
 * string), and when it runs out the digest is still useful: what was read so
 * far, with a note. What it cannot do is interrupt a single step, so no step
 * may be superlinear: every regex the digest runs is free of ambiguous
 * quantifiers, and every loop moves forward.
 *
 * Pure: the clock is passed in (`performance.now` in the host); without one
 * only the expansion bound applies.
 */
export interface DigestClock {
  /** Milliseconds, monotonic. */
  now: () => number;
  /** Analysis time allowed, counted only while the budget runs (not while paused). */
  timeMs: number;
}

/** The clock is read once every this many checks: a check must cost next to nothing in a scan loop. */
const CHECK_INTERVAL = 32;

/**
 * Characters var() expansion may scan and build over the whole digest (8 Mi,
 * a few tens of milliseconds). A large design system (20,000 `var()` uses,
 * two or three levels each) needs under half; a fan-out chain of custom
 * properties (`--a: var(--b) var(--b)`, `--b: var(--c) var(--c)`…) would
 * build gigabytes, and thousands of uses of one would each build the most a
 * value may grow.
 */
export const MAX_EXPANSION_WORK_CHARS = 32 << 20;

/**
 * How much of the time each stage may have used when it stops, as a share of
 * the whole: reading stops early enough to leave time for counting what was
 * read, so a page cut short still gives its palette and fonts.
 */
export const STAGE_SHARE = { html: 0.3, css: 0.7, counting: 1 } as const;
export type DigestStage = keyof typeof STAGE_SHARE;

export class DigestBudget {
  /** Characters var() expansion may still scan and build (see MAX_EXPANSION_WORK_CHARS). */
  expansionLeft = MAX_EXPANSION_WORK_CHARS;
  private readonly clock: DigestClock | null;
  private spentMs = 0;
  private runningSince: number | null;
  private checks = 0;
  /** Time used at the last reading of the clock. */
  private usedMs = 0;
  private readonly reasons: string[] = [];

  constructor(clock?: DigestClock) {
    this.clock = clock ?? null;
    this.runningSince = clock ? clock.now() : null;
  }

  /** True once the whole time is used (as of the last check). */
  get exhausted(): boolean {
    return this.clock !== null && this.usedMs > this.clock.timeMs;
  }

  /** Reasons the digest was cut short, in the order they happened, each once. */
  get notes(): readonly string[] {
    return this.reasons;
  }

  /**
   * Whether `stage` must stop now (it has used its share of the time, see
   * STAGE_SHARE); cheap enough to call at every step of a scan loop.
   */
  check(stage: DigestStage): boolean {
    if (this.clock === null) return false;
    if (this.runningSince !== null && this.checks++ % CHECK_INTERVAL === 0) {
      this.usedMs = this.spentMs + (this.clock.now() - this.runningSince);
    }
    return this.usedMs > this.clock.timeMs * STAGE_SHARE[stage];
  }

  /** Stops the clock (while stylesheets are fetched: waiting on the network is not analysis). */
  pause(): void {
    if (this.clock === null || this.runningSince === null) return;
    this.spentMs += this.clock.now() - this.runningSince;
    this.usedMs = this.spentMs;
    this.runningSince = null;
  }

  resume(): void {
    if (this.clock !== null && this.runningSince === null) this.runningSince = this.clock.now();
  }

  /** Records why the digest is partial (once per reason). */
  note(reason: string): void {
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }

  /** Records that the time ran out and where (`HTML read only up to 40%`). */
  timeUp(where: string): void {
    this.note(`${where} in the ${this.clock?.timeMs ?? 0} ms allowed`);
  }
}
