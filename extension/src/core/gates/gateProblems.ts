/**
 * A quality gate's output (tests, linters, type-checkers, builds) as
 * structured problems: for the Problems view, for telling pre-existing
 * failures from new ones against the base commit, for noticing a fix round
 * that failed exactly as the one before, and for handing the agent the errors
 * rather than the whole log. Pure: the caller runs the gate and passes its
 * combined stdout and stderr.
 */
import { stripAnsi } from '../preview/previewCommand';
import { GATE_PARSERS, type FoundProblem } from './gateProblemParsers';

export type GateTool = 'tsc' | 'eslint' | 'vitest' | 'jest' | 'pytest' | 'cargo' | 'go';

export interface GateProblem {
  tool: GateTool;
  /** As the tool printed it, made relative to the gate's folder when it was absolute under it; POSIX separators; a leading `./` dropped. */
  file: string;
  line?: number;
  column?: number;
  severity: 'error' | 'warning';
  /** The message's first line, whitespace collapsed, at most 500 characters. */
  message: string;
  /** The tool's rule or error code when it prints one: TS2322, no-unused-vars, E0308, … */
  code?: string;
  /** For a failing test: its name as the runner prints it (suite > test, or file::test). */
  test?: string;
  /** 0-based index of the output line it was found on (lines split at `\n`), for `relevantOutput`. */
  outputLine?: number;
}

export interface ParseOptions {
  /** Absolute POSIX path of the folder the gate ran in. */
  cwd?: string;
}

const MAX_PARSED_CHARS = 8 * 1024 * 1024;
const MAX_MATCHED_LINE_CHARS = 4096;
const MAX_PROBLEMS = 1000;

function outputLines(output: string): string[] {
  // A carriage return without a newline is a progress line overwritten in place: the terminal shows what came last.
  return output.split('\n').map((line) => stripAnsi(line.slice(line.lastIndexOf('\r', line.length - 2) + 1).replace(/\r$/, '')));
}

function fileRelativeTo(cwd: string | undefined): (printed: string) => string {
  const base = cwd?.replace(/\\/g, '/').replace(/\/+$/, '');
  return (printed) => {
    const file = printed.trim().replace(/\\/g, '/');
    if (base && file.length > base.length + 1 && file[base.length] === '/') {
      const head = file.slice(0, base.length);
      // Drive letters and Windows folders compare without case; POSIX ones do not.
      if (head === base || (/^[A-Za-z]:\//.test(base) && head.toLowerCase() === base.toLowerCase())) return file.slice(base.length + 1);
    }
    return file.startsWith('./') ? file.slice(2) : file;
  };
}

/** Every problem with the output line it was found on, in output order, deduplicated, at most 1,000. */
export function locateGateProblems(output: string, options: ParseOptions = {}): FoundProblem[] {
  let start = 0;
  if (output.length > MAX_PARSED_CHARS) {
    // Keep whole lines: the cut lands at the line start after the last 8 MB begins.
    const newline = output.indexOf('\n', output.length - MAX_PARSED_CHARS - 1);
    start = newline === -1 ? output.length : newline + 1;
  }
  let skippedLines = 0;
  for (let at = output.indexOf('\n'); at !== -1 && at < start; at = output.indexOf('\n', at + 1)) skippedLines++;
  const lines = outputLines(output.slice(start)).map((line) => (line.length > MAX_MATCHED_LINE_CHARS ? '' : line));
  const context = { lines, toFile: fileRelativeTo(options.cwd) };
  const all = GATE_PARSERS.flatMap((parse) => parse(context)).sort((a, b) => a.outputLine - b.outputLine);
  const seen = new Set<string>();
  const kept: FoundProblem[] = [];
  for (const entry of all) {
    const identity = `${problemKey(entry.problem)}\u0000${entry.problem.line ?? ''}:${entry.problem.column ?? ''}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const outputLine = entry.outputLine + skippedLines;
    kept.push({ problem: { ...entry.problem, outputLine }, outputLine });
    if (kept.length === MAX_PROBLEMS) break;
  }
  return kept;
}

export function parseGateOutput(output: string, options?: ParseOptions): GateProblem[] {
  return locateGateProblems(output, options).map((entry) => entry.problem);
}

/** Line and column references inside a message (`at src/a.ts:12:5`, `(12,5)`, `line 12`) move with unrelated edits. */
function withoutPositions(text: string): string {
  return text
    .replace(/(\.[A-Za-z0-9]+):\d+(?::\d+)?/g, '$1')
    .replace(/\(\d+,\d+\)/g, '')
    .replace(/\b(line|ln|col|column)\s+\d+/gi, '$1');
}

export function problemKey(problem: GateProblem): string {
  return JSON.stringify([problem.tool, problem.file, problem.code ?? '', problem.test ?? '', withoutPositions(problem.message)]);
}

const SIGNATURE_TAIL_LINES = 40;

/** Durations, clock times, dates and addresses differ between two runs of the same failure. */
function normalisedLogLine(line: string): string {
  return withoutPositions(line)
    .replace(/\d{4}-\d{2}-\d{2}[T ]?/g, '')
    .replace(/\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?/g, '')
    .replace(/\b0x[0-9a-fA-F]+\b/g, '0x')
    .replace(/\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|s|m|h)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Two 32-bit FNV-1a variants side by side: short, stable, and a collision would need both to agree. */
function hash64(text: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ 0x9e3779b9;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995) ^ (second >>> 15);
  }
  return (first >>> 0).toString(16).padStart(8, '0') + (second >>> 0).toString(16).padStart(8, '0');
}

export function failureSignature(problems: readonly GateProblem[], output: string): string {
  if (problems.length > 0) {
    const keys = [...new Set(problems.map(problemKey))].sort();
    return `problems:${keys.length}:${hash64(keys.join('\n'))}`;
  }
  const tail = outputLines(output.length > MAX_PARSED_CHARS ? output.slice(-MAX_PARSED_CHARS) : output)
    .filter((line) => line.trim() !== '')
    .slice(-SIGNATURE_TAIL_LINES)
    .map(normalisedLogLine);
  return `output:${hash64(tail.join('\n'))}`;
}

const DEFAULT_RELEVANT_CHARS = 8000;
const CONTEXT_BEFORE = 2;
const CONTEXT_AFTER = 6;
const TAIL_LINES = 20;
// One minified bundle line must not use up the budget meant for the errors.
const MAX_SHOWN_LINE_CHARS = 400;

const leftOut = (count: number) => `[… ${count} lines left out]`;

function problemLineIndex(problem: GateProblem, lines: readonly string[]): number | undefined {
  if (problem.outputLine !== undefined && problem.outputLine >= 0 && problem.outputLine < lines.length) return problem.outputLine;
  // Problems that lost their position (stored, sent over the wire) are found again by their message.
  const probe = problem.message.slice(0, 60);
  const index = probe === '' ? -1 : lines.findIndex((line) => line.replace(/\s+/g, ' ').includes(probe));
  return index === -1 ? undefined : index;
}

/** Sorted, merged `[first, last]` ranges of line indices. */
function mergedRanges(ranges: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [first, last] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged;
}

function lastCharsFromLineStart(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = `${leftOut(text.split('\n').length)}\n`;
  const window = text.slice(text.length - Math.max(0, maxChars - marker.length));
  const lineStart = window.indexOf('\n');
  // A last line longer than the budget is shown cut rather than not at all.
  const kept = lineStart === -1 || lineStart === window.length - 1 ? window : window.slice(lineStart + 1);
  const dropped = text.slice(0, text.length - kept.length).split('\n').length - 1;
  return `${leftOut(dropped)}\n${kept}`;
}

export function relevantOutput(output: string, problems: readonly GateProblem[], maxChars: number = DEFAULT_RELEVANT_CHARS): string {
  const text = outputLines(output).join('\n');
  const lines = text.split('\n');
  const problemLines = problems.map((problem) => problemLineIndex(problem, lines)).filter((index): index is number => index !== undefined);
  if (problemLines.length === 0) return lastCharsFromLineStart(text, maxChars);

  const shown = lines.map((line) => (line.length > MAX_SHOWN_LINE_CHARS ? `${line.slice(0, MAX_SHOWN_LINE_CHARS)}…` : line));
  const tailStart = Math.max(0, lines.length - TAIL_LINES);
  const problemRanges = mergedRanges(problemLines.map((index) => [Math.max(0, index - CONTEXT_BEFORE), Math.min(lines.length - 1, index + CONTEXT_AFTER)]));
  // Markers are costed at their longest so that the budget holds whatever counts they end up showing.
  const markerCost = leftOut(lines.length).length + 1;
  const lineCost = (index: number) => shown[index]!.length + 1;

  let tailCost = markerCost;
  for (let index = tailStart; index < lines.length; index++) tailCost += lineCost(index);
  const tailReserve = Math.min(tailCost, Math.floor(maxChars / 4));
  let budget = maxChars - tailReserve - markerCost;
  const included = new Set<number>();
  for (const [first, last] of problemRanges) {
    if (budget <= 0) break;
    budget -= markerCost;
    for (let index = first; index <= last && index < tailStart; index++) {
      if (lineCost(index) > budget) {
        budget = 0;
        break;
      }
      budget -= lineCost(index);
      included.add(index);
    }
  }
  // The tail gets its reserve plus whatever the problems left over, keeping its last lines first.
  let tailBudget = tailReserve + Math.max(0, budget);
  for (let index = lines.length - 1; index >= tailStart; index--) {
    if (lineCost(index) > tailBudget - markerCost) break;
    tailBudget -= lineCost(index);
    included.add(index);
  }

  const parts: string[] = [];
  let gap = 0;
  for (let index = 0; index < lines.length; index++) {
    if (!included.has(index)) {
      gap++;
      continue;
    }
    if (gap > 0) parts.push(leftOut(gap));
    gap = 0;
    parts.push(shown[index]!);
  }
  if (gap > 0) parts.push(leftOut(gap));
  return parts.join('\n');
}
