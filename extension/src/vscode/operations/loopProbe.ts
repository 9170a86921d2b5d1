/**
 * A benchmark's view of the extension host's event loop (test/bench/agents.mjs):
 * only when ORCHARD_LOOP_PROBE names a file, never for a user. Every second it
 * writes the longest and the 99th-percentile delay of this process's event loop
 * since it started (or since `<file>.reset` appeared: the benchmark's way of
 * timing only its streaming window) to that file, atomically (temp + rename).
 * The timer is unref'd, so it never keeps the host alive.
 *
 * Each reset also starts a CPU profile of this thread (sampled every millisecond, Chrome DevTools
 * format), which `<file>.stop` ends and writes to `<file>.cpuprofile`: what a long block was, and
 * whose code ran in it (test/bench/longestBlock.mjs).
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
  let profiler: Profiler | undefined;
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const timer = setInterval(() => {
    try {
      if (fs.existsSync(`${file}.reset`)) {
        fs.rmSync(`${file}.reset`, { force: true });
        histogram.reset();
        since = Date.now();
        profiler ??= startProfiler();
      }
      if (profiler && fs.existsSync(`${file}.stop`)) {
        fs.rmSync(`${file}.stop`, { force: true });
        const stopping = profiler;
        profiler = undefined;
        void stopping.stop(`${file}.cpuprofile`);
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

interface Profiler {
  stop(out: string): Promise<void>;
}

/** The inspector loads only here, on a benchmark's first reset: never in a user's host. */
function startProfiler(): Profiler {
  const session = import('node:inspector').then(async ({ Session }) => {
    const s = new Session();
    s.connect();
    const post = (method: string, params: object = {}) =>
      new Promise<unknown>((resolve, reject) => s.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 1000 });
    await post('Profiler.start');
    return { s, post };
  });
  session.catch(() => undefined);
  return {
    async stop(out) {
      try {
        const { s, post } = await session;
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        s.disconnect();
        fs.writeFileSync(`${out}.tmp`, JSON.stringify(profile));
        fs.renameSync(`${out}.tmp`, out);
      } catch {
        // Profiling is a benchmark's aid; a failure leaves no file.
      }
    },
  };
}
