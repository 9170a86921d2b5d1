/**
 * A benchmark's view of the extension host's event loop (test/bench/agents.mjs):
 * only when ORCHARD_LOOP_PROBE names a file, never for a user. Every second it
 * writes the longest and the 99th-percentile delay of this process's event loop
 * since it started (or since `<file>.reset` appeared: the benchmark's way of
 * timing only its streaming window) to that file, atomically (temp + rename).
 * The timer is unref'd, so it never keeps the host alive.
 */
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

let started = false;

export function startLoopProbe(file: string | undefined): void {
  if (!file || started) return;
  started = true;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let since = Date.now();
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const timer = setInterval(() => {
    try {
      if (fs.existsSync(`${file}.reset`)) {
        fs.rmSync(`${file}.reset`, { force: true });
        histogram.reset();
        since = Date.now();
      }
      const sample = { maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), meanMs: ms(histogram.mean), samples: histogram.count, since, at: Date.now(), pid: process.pid };
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(sample));
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // A probe must never disturb the host it measures.
    }
  }, 1000);
  timer.unref();
}
