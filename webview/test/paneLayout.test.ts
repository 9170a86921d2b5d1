import { describe, expect, it } from 'vitest';
import { minFraction, moveBoundary, normalizeSizes, resizeForKey } from '../src/lib/paneLayout';

describe('pane layout', () => {
  it('derives the minimum share from the width, capped at a third', () => {
    expect(minFraction(1000)).toBeCloseTo(0.2);
    expect(minFraction(450)).toBeCloseTo(1 / 3);
    expect(minFraction(0)).toBe(0.15);
  });

  it('moves only the two panes at the boundary and respects the minimum', () => {
    expect(moveBoundary([0.3, 0.35, 0.35], 0, 0.1, 0.2)).toEqual([0.4, 0.25, 0.35].map((n) => expect.closeTo(n)));
    expect(moveBoundary([0.3, 0.35, 0.35], 0, 0.5, 0.2)).toEqual([0.45, 0.2, 0.35].map((n) => expect.closeTo(n)));
    expect(moveBoundary([0.3, 0.35, 0.35], 1, -1, 0.2)).toEqual([0.3, 0.2, 0.5].map((n) => expect.closeTo(n)));
  });

  it('ignores keys that are not resize keys', () => {
    expect(resizeForKey([0.3, 0.35, 0.35], 0, 'Enter', false, 0.2)).toBeUndefined();
  });

  it('repairs restored sizes', () => {
    expect(normalizeSizes([1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    expect(normalizeSizes([0.5, -1, 0.5])).toEqual([0.3, 0.35, 0.35]);
    expect(normalizeSizes([Number.NaN, 0.5, 0.5])).toEqual([0.3, 0.35, 0.35]);
  });
});
