/**
 * The arithmetic of the chat's virtual list, apart from the DOM so it can be
 * tested: where each row starts given measured or estimated heights, which
 * rows a viewport needs, and whether the list should keep following new
 * content.
 */

/**
 * Row tops as prefix sums: `offsets[i]` is where row i starts, `offsets[n]`
 * the total height. Rebuilt in O(n) when heights change, which for 10,000
 * rows is a fraction of a millisecond, far less than re-rendering any row.
 */
export function rowOffsets(keys: readonly string[], measured: ReadonlyMap<string, number>, estimate: number): Float64Array {
  const offsets = new Float64Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i]! + (measured.get(keys[i]!) ?? estimate);
  return offsets;
}

/** The index of the row containing `y` (clamped to the rows that exist). */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

export interface RowRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

/** The rows that intersect the viewport grown by `overscan` pixels above and below. */
export function visibleRange(offsets: Float64Array, scrollTop: number, viewportHeight: number, overscan: number): RowRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop - overscan));
  const end = rowAt(offsets, scrollTop + viewportHeight + overscan) + 1;
  return { start, end: Math.min(end, count) };
}

/** How close to the end counts as "at the bottom": rounding and sub-pixel borders. */
export const BOTTOM_SLACK_PX = 24;

export function isAtBottom(scrollTop: number, scrollHeight: number, clientHeight: number): boolean {
  return scrollHeight - scrollTop - clientHeight <= BOTTOM_SLACK_PX;
}

/**
 * Whether to keep following the bottom after a scroll event. Only an upward
 * move away from the bottom stops following: content growing under a
 * following list, or the browser clamping scrollTop when it shrinks, must not.
 */
export function nextFollow(following: boolean, previousTop: number, scrollTop: number, scrollHeight: number, clientHeight: number): boolean {
  if (isAtBottom(scrollTop, scrollHeight, clientHeight)) return true;
  if (scrollTop < previousTop - 1) return false;
  return following;
}
