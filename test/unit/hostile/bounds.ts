/**
 * The hostile-input suite's yardstick: how long one document took and how much
 * heap it left behind, so that every generated or hand-made pathological input
 * is held to a bound the test states. Time is what hostile input usually
 * attacks (a quadratic scan, an unbounded expansion); the heap figure catches
 * results that grow out of proportion to their input.
 */
import { expect } from 'vitest';

export interface Bounds {
  /** Wall-clock budget for one call, in milliseconds. */
  ms: number;
  /** Heap still held after the call (its result included), in MiB. */
  heapMb: number;
}

export interface Measured<T> {
  result: T;
  ms: number;
  heapMb: number;
}

/** Runs `work` once and measures it (a garbage collection first when node runs with --expose-gc). */
export function measure<T>(work: () => T): Measured<T> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const result = work();
  const ms = performance.now() - start;
  gc?.();
  const heapMb = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return { result, ms, heapMb };
}

/** Same for async work (the language server, the CLI). */
export async function measureAsync<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  gc?.();
  const heapMb = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return { result, ms, heapMb };
}

/** Runs `work` and fails the test, naming `what`, when it exceeds `bounds`. */
export function expectWithin<T>(what: string, bounds: Bounds, work: () => T): T {
  const { result, ms, heapMb } = measure(work);
  expect(ms, `${what}: ${ms.toFixed(0)} ms (bound ${bounds.ms} ms)`).toBeLessThan(bounds.ms);
  expect(heapMb, `${what}: ${heapMb.toFixed(1)} MiB kept (bound ${bounds.heapMb} MiB)`).toBeLessThan(bounds.heapMb);
  return result;
}

export async function expectWithinAsync<T>(what: string, bounds: Bounds, work: () => Promise<T>): Promise<T> {
  const { result, ms, heapMb } = await measureAsync(work);
  expect(ms, `${what}: ${ms.toFixed(0)} ms (bound ${bounds.ms} ms)`).toBeLessThan(bounds.ms);
  expect(heapMb, `${what}: ${heapMb.toFixed(1)} MiB kept (bound ${bounds.heapMb} MiB)`).toBeLessThan(bounds.heapMb);
  return result;
}
