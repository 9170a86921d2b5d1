import { describe, expect, it } from 'vitest';
import { DELTA_INTERVAL_MS, DeltaBatcher, type BatcherClock } from '../../../../extension/src/orchestration/chat/deltaBatcher';

/** A clock the test moves by hand: timers fire only when `advance` passes their time. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const clock: BatcherClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((x) => x !== t);
      t.fn();
    }
  };
  return { clock, advance, pendingTimers: () => timers.length };
}

describe('DeltaBatcher', () => {
  it('sends the first piece at once and batches the rest to one message per interval', () => {
    const { clock, advance } = manualClock();
    const sent: Array<{ at: number; text: string }> = [];
    let t = 0;
    const batcher = new DeltaBatcher((text) => sent.push({ at: t, text }), 30, clock);
    batcher.push('Hel');
    expect(sent).toEqual([{ at: 0, text: 'Hel' }]);
    for (const piece of ['lo', ',', ' wor']) {
      t += 5;
      advance(5);
      batcher.push(piece);
    }
    expect(sent).toHaveLength(1);
    t = 30;
    advance(15);
    expect(sent).toEqual([
      { at: 0, text: 'Hel' },
      { at: 30, text: 'lo, wor' },
    ]);
  });

  it('never sends two messages closer than the interval, whatever the input rate', () => {
    const { clock, advance } = manualClock();
    const times: number[] = [];
    let now = 0;
    const batcher = new DeltaBatcher(() => times.push(now), 30, clock);
    for (let i = 0; i < 5000; i++) {
      now += 0.2;
      advance(0.2);
      batcher.push('x');
    }
    batcher.flush();
    for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(30 - 1e-9);
    expect(times.length).toBeLessThanOrEqual(Math.ceil(1000 / 30) + 2);
  });

  it('sends on a push once the interval has passed, even when no timer got to run meanwhile', () => {
    let now = 0;
    const sent: number[] = [];
    // A clock whose timers never fire: the event loop is busy with one large chunk of deltas.
    const busy: BatcherClock = { now: () => now, setTimeout: () => 1, clearTimeout: () => {} };
    const batcher = new DeltaBatcher(() => sent.push(now), 30, busy);
    for (let i = 0; i < 100; i++) {
      batcher.push('x');
      now += 1;
    }
    expect(sent).toEqual([0, 30, 60, 90]);
  });

  it('keeps every character in order and drops pushes after close', () => {
    const { clock, advance, pendingTimers } = manualClock();
    let text = '';
    const batcher = new DeltaBatcher((t) => (text += t), 30, clock);
    const words = Array.from({ length: 200 }, (_, i) => `w${i} `);
    for (const w of words) {
      batcher.push(w);
      advance(7);
    }
    batcher.close();
    batcher.push('late');
    expect(text).toBe(words.join(''));
    expect(pendingTimers()).toBe(0);
  });

  it('by default spaces messages by a little over one frame, no more', () => {
    const { clock, advance } = manualClock();
    const times: number[] = [];
    let now = 0;
    const batcher = new DeltaBatcher(() => times.push(now), undefined, clock);
    for (let i = 0; i < 1000; i++) {
      now += 0.5;
      advance(0.5);
      batcher.push('x');
    }
    // Over a frame, so the webview renders each delta at once; well under the 30 ms that made bursts lag.
    expect(DELTA_INTERVAL_MS).toBeGreaterThan(1000 / 60);
    expect(DELTA_INTERVAL_MS).toBeLessThanOrEqual(24);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELTA_INTERVAL_MS);
    // A token that arrives just after a message waits at most one interval (plus the input's own step).
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DELTA_INTERVAL_MS + 0.5);
  });
});
