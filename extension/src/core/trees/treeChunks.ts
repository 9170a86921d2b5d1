/**
 * A cheap line scan that splits a tree file into chunks that YAML can parse on
 * their own: each top-level key with its block, and under `steps:` one chunk
 * per step. Anything the scan cannot split with certainty (directives, several
 * documents, a root that is not a block mapping, tabs in indentation) answers
 * `undefined` and the document is parsed as a whole.
 */

export interface ChunkSpan {
  kind: 'header' | 'stepsHead' | 'step';
  startLine: number;
  /** Exclusive. */
  endLine: number;
  /** For `stepsHead`: the `steps` key's columns on its line. */
  keyStart?: number;
  keyEnd?: number;
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;

/** `key:` at the start of the (already de-indented) line, plain or quoted, followed by a space or the end. */
const KEY_LINE = /^([A-Za-z0-9_][\w.-]*|"[^"\\\n]*"|'[^'\n]*')[ \t]*:(?=[ \t\r]|$)/;
/** Nothing after `steps:` but an optional comment. */
const BARE_KEY_REST = /^[ \t]*(#.*)?\r?$/;

function lineText(text: string, lineStarts: readonly number[], line: number): string {
  const start = lineStarts[line]!;
  const next = lineStarts[line + 1];
  return text.slice(start, next === undefined ? text.length : next - 1);
}

/** Leading spaces of a line, -1 for a blank or comment-only line, -2 when a tab comes before the content. */
function indentOf(text: string, start: number): number {
  let i = start;
  while (text.charCodeAt(i) === SPACE) i++;
  const c = text.charCodeAt(i);
  if (Number.isNaN(c) || c === NEWLINE || c === RETURN || c === HASH) return -1;
  if (c === TAB) {
    // A tab that only precedes the end of the line or a comment is harmless.
    let j = i;
    while (text.charCodeAt(j) === TAB || text.charCodeAt(j) === SPACE) j++;
    const d = text.charCodeAt(j);
    return Number.isNaN(d) || d === NEWLINE || d === RETURN || d === HASH ? -1 : -2;
  }
  return i - start;
}

export function splitChunks(text: string, lineStarts: readonly number[]): ChunkSpan[] | undefined {
  const lineCount = lineStarts.length;
  const tops: { line: number; key: string; keyEnd: number }[] = [];
  let sawDocumentStart = false;
  // Without a tab anywhere, an indented line after the first key needs no closer look.
  const hasTabs = text.includes('\t');
  for (let line = 0; line < lineCount; line++) {
    const start = lineStarts[line]!;
    const first = text.charCodeAt(start);
    // Fast path: most lines of a tree are indented or blank.
    if (first === SPACE) {
      if (!hasTabs && tops.length > 0) continue;
      const indent = indentOf(text, start);
      // Content before the first top-level key would be parsed apart from the mapping it breaks.
      if (indent === -2 || (indent >= 0 && tops.length === 0)) return undefined;
      continue;
    }
    if (Number.isNaN(first) || first === NEWLINE || first === RETURN || first === HASH) continue;
    if (first === TAB) {
      const indent = indentOf(text, start);
      if (indent === -2 || (indent >= 0 && tops.length === 0)) return undefined;
      continue;
    }
    const content = lineText(text, lineStarts, line);
    if (/^---[ \t\r]*$/.test(content) && tops.length === 0 && !sawDocumentStart) {
      sawDocumentStart = true;
      continue;
    }
    const match = KEY_LINE.exec(content);
    if (!match) return undefined;
    tops.push({ line, key: unquote(match[1]!), keyEnd: match[1]!.length });
  }
  const spans: ChunkSpan[] = [];
  const firstTop = tops[0]?.line ?? lineCount;
  if (firstTop > 0) spans.push({ kind: 'header', startLine: 0, endLine: firstTop });
  tops.forEach((top, i) => {
    const endLine = tops[i + 1]?.line ?? lineCount;
    const rest = lineText(text, lineStarts, top.line).slice(top.keyEnd).replace(/^[ \t]*:/, '');
    const stepSpans = top.key === 'steps' && BARE_KEY_REST.test(rest) ? splitSteps(text, lineStarts, top.line + 1, endLine) : undefined;
    if (!stepSpans) {
      spans.push({ kind: 'header', startLine: top.line, endLine });
      return;
    }
    const firstStep = stepSpans[0]!.startLine;
    spans.push({ kind: 'stepsHead', startLine: top.line, endLine: firstStep, keyStart: 0, keyEnd: top.keyEnd });
    // A loop, not push(...): a spread of 200,000 steps overflows the stack.
    for (const span of stepSpans) spans.push(span);
  });
  return spans;
}

/** One span per step of the `steps:` block in [from, to), or undefined when the block is not a plain block mapping. */
function splitSteps(text: string, lineStarts: readonly number[], from: number, to: number): ChunkSpan[] | undefined {
  let stepIndent = -1;
  const starts: number[] = [];
  for (let line = from; line < to; line++) {
    const start = lineStarts[line]!;
    // A step's body lines have more spaces than its id: one character tells.
    if (stepIndent >= 0 && text.charCodeAt(start + stepIndent) === SPACE && isIndented(text, start, stepIndent)) continue;
    const indent = indentOf(text, start);
    if (indent === -1) continue;
    if (indent === -2) return undefined;
    if (stepIndent < 0) stepIndent = indent;
    if (indent > stepIndent) continue;
    if (indent < stepIndent) return undefined;
    if (!KEY_LINE.test(lineText(text, lineStarts, line).slice(indent))) return undefined;
    starts.push(line);
  }
  if (starts.length === 0) return undefined;
  return starts.map((startLine, i) => ({ kind: 'step' as const, startLine, endLine: starts[i + 1] ?? to }));
}

/** Whether the line starts with `count + 1` spaces or more (no tab among them). */
function isIndented(text: string, start: number, count: number): boolean {
  for (let i = 0; i <= count; i++) if (text.charCodeAt(start + i) !== SPACE) return false;
  return true;
}

function unquote(key: string): string {
  return key.startsWith('"') || key.startsWith("'") ? key.slice(1, -1) : key;
}
