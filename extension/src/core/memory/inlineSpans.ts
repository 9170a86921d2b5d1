/**
 * Spans inside one Markdown line that the memory checks must skip: inline
 * code spans, and a cursor that answers "is this column inside a span?" for
 * columns asked left to right. Both linear in the line, so a line of a hundred
 * thousand backticks, links or `@` signs stays cheap.
 */

/**
 * Inline code spans of one line as [start, end) column pairs: a run of n
 * backticks closes at the next run of exactly n (unmatched runs are literal).
 * Linear in the line's length, so a line of ten thousand backticks stays cheap.
 */
export function codeSpans(line: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let i = line.indexOf('`'); i >= 0; ) {
    let end = i;
    while (line[end] === '`') end++;
    runs.push([i, end - i]);
    i = line.indexOf('`', end);
  }
  // For each run length, the indexes of the runs with that length, in order.
  const byLength = new Map<number, number[]>();
  runs.forEach(([, length], index) => {
    const list = byLength.get(length);
    if (list) list.push(index);
    else byLength.set(length, [index]);
  });
  const cursor = new Map<number, number>();
  const spans: Array<[number, number]> = [];
  for (let index = 0; index < runs.length; ) {
    const [start, length] = runs[index]!;
    const list = byLength.get(length)!;
    let at = cursor.get(length) ?? 0;
    while (at < list.length && list[at]! <= index) at++;
    cursor.set(length, at);
    const closer = list[at];
    if (closer === undefined) {
      index++;
      continue;
    }
    const [closeStart, closeLength] = runs[closer]!;
    spans.push([start, closeStart + closeLength]);
    index = closer + 1;
  }
  return spans;
}

/**
 * Whether columns fall inside any of a line's spans, for columns asked in
 * increasing order (each scan walks its line left to right): one pass over the
 * spans in all, where testing every span for every `@` or `](` was quadratic.
 * The spans may overlap (a comment around a code span); sorted by start here.
 */
export class SpanCursor {
  private readonly spans: ReadonlyArray<readonly [number, number]>;
  private next = 0;
  /** The span reaching furthest right among those starting at or before the last column asked. */
  private reach: readonly [number, number] | undefined;

  constructor(spans: ReadonlyArray<readonly [number, number]>) {
    this.spans = isSortedByStart(spans) ? spans : [...spans].sort((a, b) => a[0] - b[0]);
  }

  /** The span holding `column` (the one that reaches furthest), or undefined. Columns must not decrease. */
  spanAt(column: number): readonly [number, number] | undefined {
    while (this.next < this.spans.length && this.spans[this.next]![0] <= column) {
      const span = this.spans[this.next++]!;
      if (this.reach === undefined || span[1] > this.reach[1]) this.reach = span;
    }
    return this.reach !== undefined && column < this.reach[1] ? this.reach : undefined;
  }

  inside(column: number): boolean {
    return this.spanAt(column) !== undefined;
  }
}

function isSortedByStart(spans: ReadonlyArray<readonly [number, number]>): boolean {
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![0]) return false;
  return true;
}
