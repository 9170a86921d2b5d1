/**
 * Offsets <-> LSP positions (0-based line, UTF-16 column). JavaScript strings
 * are UTF-16 already, so a column is a plain string index within the line.
 * A line ends at `\r\n`, `\n` or a lone `\r` (old Mac files), as LSP and
 * VS Code count lines: every host and validator computes lines here, so a
 * diagnostic lands on the line the editor shows.
 */
import type { Position, Range } from './diagnostic';

const LINE_BREAK = /\r\n|\r|\n/;

/** Offset of the first character of each line. */
export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The lines of `text` without their line breaks. */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/**
 * `text` with each lone `\r` turned into `\n`: the same length, so every
 * offset stays valid for the original. For parsers that only know `\n` and
 * `\r\n` (the `yaml` package reads a CR-only file as one long line).
 */
export function withLfLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Offset -> position through a table of line starts (binary search). */
export function positionIn(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - (lineStarts[low] ?? 0) };
}

export class LineIndex {
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = lineStartOffsets(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line's text without its line break (`\r\n`, `\n` or `\r`). */
  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.slice(start);
    const breakLength = this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 && next - 2 >= start ? 2 : 1;
    return this.text.slice(start, next - breakLength);
  }

  positionAt(offset: number): Position {
    return positionIn(this.lineStarts, Math.max(0, Math.min(offset, this.text.length)));
  }

  offsetAt(position: Position): number {
    const start = this.lineStarts[position.line];
    if (start === undefined) return this.text.length;
    return Math.min(start + position.character, start + this.lineText(position.line).length);
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }
}

export function lineRange(line: number, startCharacter: number, endCharacter: number): Range {
  return { start: { line, character: startCharacter }, end: { line, character: endCharacter } };
}

export function containsPosition(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}
