/**
 * Pure arithmetic for the Studio's three resizable panes. Sizes are fractions
 * of the width the panes share (splitters excluded) and always sum to 1, so
 * they survive the panel being resized between sessions.
 */

export type PaneSizes = [number, number, number];

import { DEFAULT_PANE_SIZES } from '../../../extension/src/core/protocol';

export const DEFAULT_SIZES: PaneSizes = [...DEFAULT_PANE_SIZES];
/** Narrowest a pane may get, in CSS pixels. */
export const MIN_PANE_PX = 200;
/** Keyboard step as a fraction of the width; Shift multiplies it. */
export const KEY_STEP = 0.02;
export const KEY_STEP_LARGE = 0.1;

/**
 * The minimum fraction for a given width. With no layout yet (width 0, as in
 * jsdom or a hidden panel) fall back to a fixed share; never demand more than
 * a third, or three panes could not all fit their minimum.
 */
export function minFraction(widthPx: number): number {
  if (!(widthPx > 0)) return 0.15;
  return Math.min(MIN_PANE_PX / widthPx, 1 / 3);
}

/** Repairs sizes restored from state: wrong count, NaN, negatives or a bad sum give the defaults. */
export function normalizeSizes(sizes: readonly number[]): PaneSizes {
  if (sizes.length !== 3 || sizes.some((s) => !Number.isFinite(s) || s <= 0)) return [...DEFAULT_SIZES];
  const total = sizes[0]! + sizes[1]! + sizes[2]!;
  return [sizes[0]! / total, sizes[1]! / total, sizes[2]! / total];
}

/**
 * Moves the boundary after pane `index` (0 or 1) by `delta` (a fraction of the
 * width, positive = right). Only the two panes next to the boundary change,
 * and neither drops below `min`.
 */
export function moveBoundary(sizes: PaneSizes, index: 0 | 1, delta: number, min: number): PaneSizes {
  const left = sizes[index];
  const right = sizes[index + 1]!;
  const pair = left + right;
  const newLeft = clamp(left + delta, Math.min(min, pair / 2), Math.max(pair - min, pair / 2));
  const next: PaneSizes = [...sizes];
  next[index] = newLeft;
  next[index + 1] = pair - newLeft;
  return next;
}

/** Moves the boundary so that the left pane is as small (`'min'`) or as large (`'max'`) as allowed. */
export function boundaryToEdge(sizes: PaneSizes, index: 0 | 1, edge: 'min' | 'max', min: number): PaneSizes {
  const pair = sizes[index] + sizes[index + 1]!;
  return moveBoundary(sizes, index, edge === 'min' ? -pair : pair, min);
}

/** The resize a key press on a splitter asks for, or undefined for keys it ignores. */
export function resizeForKey(
  sizes: PaneSizes,
  index: 0 | 1,
  key: string,
  shift: boolean,
  min: number,
): PaneSizes | undefined {
  const step = shift ? KEY_STEP_LARGE : KEY_STEP;
  switch (key) {
    case 'ArrowLeft':
      return moveBoundary(sizes, index, -step, min);
    case 'ArrowRight':
      return moveBoundary(sizes, index, step, min);
    case 'Home':
      return boundaryToEdge(sizes, index, 'min', min);
    case 'End':
      return boundaryToEdge(sizes, index, 'max', min);
    default:
      return undefined;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
