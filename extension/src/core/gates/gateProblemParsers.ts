/**
 * One parser per quality-gate tool, each reading the gate's output as lines
 * and reporting the problems it recognises with the line it found them on.
 * Every parser sees every line, so each pattern is anchored and specific
 * enough that another tool's output (or an ordinary log line) never matches.
 *
 * The patterns are linear: anchored, with a single lazy or greedy run per
 * expression, and tails split off by hand where a second run would make a
 * crafted line quadratic.
 */
import type { GateProblem, GateTool } from './gateProblems';

export interface ParseContext {
  /** ANSI removed; lines too long to be a tool's diagnostic are '' so indices still match the output. */
  readonly lines: readonly string[];
  /** The printed path as `GateProblem.file` holds it (POSIX, relative under the gate's folder). */
  readonly toFile: (printed: string) => string;
}

export interface FoundProblem {
  problem: GateProblem;
  /** 0-based index into `ParseContext.lines`. */
  outputLine: number;
}

type GateParser = (context: ParseContext) => FoundProblem[];

const MAX_MESSAGE_CHARS = 500;

export function oneLineMessage(text: string): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS);
}

/** Tools print 0 for "no position" (ESLint's file-level messages); the API is 1-based. */
function position(digits: string | undefined): number | undefined {
  if (digits === undefined || digits.length > 9) return undefined;
  const value = Number(digits);
  return value >= 1 ? value : undefined;
}

interface ProblemFields {
  line?: string | undefined;
  column?: string | undefined;
  severity?: GateProblem['severity'];
  message: string;
  code?: string | undefined;
  test?: string | undefined;
}

function found(context: ParseContext, tool: GateTool, printedFile: string, fields: ProblemFields, outputLine: number): FoundProblem {
  const problem: GateProblem = { tool, file: context.toFile(printedFile), severity: fields.severity ?? 'error', message: oneLineMessage(fields.message) };
  const line = position(fields.line);
  const column = line === undefined ? undefined : position(fields.column);
  if (line !== undefined) problem.line = line;
  if (column !== undefined) problem.column = column;
  if (fields.code) problem.code = fields.code;
  if (fields.test) problem.test = fields.test;
  return { problem, outputLine };
}

/** `path:12:5` at the end of a token, as stack frames and location lines print it. */
const TRAILING_LOCATION = /^(.+):(\d+):(\d+)$/;
const isDependencyFrame = (file: string) => /node_modules|^node:|^internal\/|<anonymous>/.test(file);

// ---- tsc -------------------------------------------------------------------

const TSC_PLAIN = /^\s*([^\s()][^()]*)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
// `--pretty`: the code frame that follows is context, not problems.
const TSC_PRETTY = /^\s*(\S.*?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/;

const parseTsc: GateParser = (context) => {
  const problems: FoundProblem[] = [];
  context.lines.forEach((line, index) => {
    if (!line.includes(' TS')) return;
    const match = TSC_PLAIN.exec(line) ?? TSC_PRETTY.exec(line);
    if (!match) return;
    const [, file, row, column, severity, code, message] = match;
    problems.push(found(context, 'tsc', file!, { line: row, column, severity: severity as GateProblem['severity'], code, message: message! }, index));
  });
  return problems;
};

// ---- ESLint ----------------------------------------------------------------

const ESLINT_STYLISH_ROW = /^\s+(\d+):(\d+)\s+(error|warning)\s+(\S.*)$/;
const ESLINT_RULE = /^(?:@[\w.-]+\/)?[\w-]+(?:\/[\w-]+)*$/;
// Stylish prints the path alone on an unindented line; a drive letter is the only colon it may hold.
const ESLINT_FILE_HEADER = /^(?:[A-Za-z]:)?[^\s:*?"<>|][^:*?"<>|]*\.[A-Za-z0-9]+$/;
const ESLINT_UNIX_TAIL = / \[(Error|Warning)(?:\/([^\]\s]+))?\]$/;
const ESLINT_UNIX_HEAD = /^(\S.*?):(\d+):(\d+): /;
const ESLINT_COMPACT = /^(\S.*?): line (\d+), col (\d+), (Error|Warning) - (.*)$/;
const ESLINT_COMPACT_RULE = / \(([^()\s]+)\)$/;

/** Stylish pads the message column, so the rule is the last word after a run of two or more spaces. */
function splitStylishRule(rest: string): { message: string; rule?: string } {
  const trimmed = rest.trimEnd();
  const lastSpace = trimmed.lastIndexOf(' ');
  const rule = trimmed.slice(lastSpace + 1);
  if (lastSpace > 0 && trimmed[lastSpace - 1] === ' ' && ESLINT_RULE.test(rule)) return { message: trimmed.slice(0, lastSpace), rule };
  return { message: trimmed };
}

const parseEslint: GateParser = (context) => {
  const problems: FoundProblem[] = [];
  let stylishFile: string | undefined;
  context.lines.forEach((line, index) => {
    const row = stylishFile === undefined ? null : ESLINT_STYLISH_ROW.exec(line);
    if (row) {
      const [, lineDigits, column, severity, rest] = row;
      const { message, rule } = splitStylishRule(rest!);
      problems.push(found(context, 'eslint', stylishFile!, { line: lineDigits, column, severity: severity as GateProblem['severity'], message, code: rule }, index));
      return;
    }
    // Files are separated by a blank line, so anything else ends the file's block.
    stylishFile = ESLINT_FILE_HEADER.test(line) ? line : undefined;
    if (stylishFile !== undefined) return;

    const unixTail = line.endsWith(']') ? ESLINT_UNIX_TAIL.exec(line) : null;
    if (unixTail) {
      const head = ESLINT_UNIX_HEAD.exec(line.slice(0, unixTail.index + 1));
      if (head) {
        const message = line.slice(head[0].length, unixTail.index);
        const severity = unixTail[1] === 'Warning' ? 'warning' : 'error';
        problems.push(found(context, 'eslint', head[1]!, { line: head[2], column: head[3], severity, message, code: unixTail[2] }, index));
        return;
      }
    }
    const compact = line.includes(', col ') ? ESLINT_COMPACT.exec(line) : null;
    if (compact) {
      const [, file, lineDigits, column, severity, rest] = compact;
      const rule = ESLINT_COMPACT_RULE.exec(rest!);
      const message = rule ? rest!.slice(0, rule.index) : rest!;
      problems.push(found(context, 'eslint', file!, { line: lineDigits, column, severity: severity === 'Warning' ? 'warning' : 'error', message, code: rule?.[1] }, index));
    }
  });
  return problems;
};

// ---- vitest ----------------------------------------------------------------

// A workspace run prefixes the project: ` FAIL  |unit| src/a.test.ts > …`.
const VITEST_TEST_FAIL = /^\s*FAIL\s+(?:\|[^|]*\|\s+)?(\S+) > (.+)$/;
const VITEST_SUITE_FAIL = /^\s*FAIL\s+(?:\|[^|]*\|\s+)?(\S+) \[ .+ \]$/;
const VITEST_FILE_SUMMARY = /^\s*❯ (?:\|[^|]*\|\s+)?(\S+)\s+\(\d+ tests?\b/;
const VITEST_CROSS = /^\s*× (.+)$/;
const VITEST_ARROW = /^\s*→ (.+)$/;
const VITEST_SEPARATOR = /^\s*⎯/;
const TRAILING_DURATION = /\s+\d+(?:\.\d+)?\s?m?s$/;

function vitestLocation(line: string): { file: string; line: string; column: string } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('❯ ')) return undefined;
  const token = trimmed.slice(trimmed.lastIndexOf(' ') + 1);
  const match = TRAILING_LOCATION.exec(token);
  return match ? { file: match[1]!, line: match[2]!, column: match[3]! } : undefined;
}

const parseVitest: GateParser = (context) => {
  const { lines } = context;
  const problems: FoundProblem[] = [];
  const crossed: FoundProblem[] = [];
  let summaryFile: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const header = line.includes('FAIL') ? VITEST_TEST_FAIL.exec(line) ?? VITEST_SUITE_FAIL.exec(line) : null;
    if (header) {
      const testFile = header[1]!;
      const test = header[2]?.trim();
      let message: string | undefined;
      let location: ReturnType<typeof vitestLocation>;
      for (let next = index + 1; next < lines.length && next <= index + 200; next++) {
        const text = lines[next]!;
        if (VITEST_SEPARATOR.test(text) || /^\s*FAIL\s/.test(text)) break;
        if (message === undefined && text.trim() !== '') message = text;
        const candidate = vitestLocation(text);
        if (candidate && !isDependencyFrame(candidate.file) && (location === undefined || (candidate.file === testFile && location.file !== testFile))) location = candidate;
      }
      const sameFile = location !== undefined && context.toFile(location.file) === context.toFile(testFile);
      const file = location && (sameFile || test === undefined) ? location.file : testFile;
      const at = location && file === location.file ? location : undefined;
      problems.push(found(context, 'vitest', file, { line: at?.line, column: at?.column, message: message ?? 'Test failed', test }, index));
      continue;
    }
    const summary = line.includes('❯') ? VITEST_FILE_SUMMARY.exec(line) : null;
    if (summary) {
      summaryFile = summary[1];
      continue;
    }
    const cross = summaryFile !== undefined && line.includes('×') ? VITEST_CROSS.exec(line) : null;
    if (cross) {
      const arrow = VITEST_ARROW.exec(lines[index + 1] ?? '');
      const test = cross[1]!.replace(TRAILING_DURATION, '').trim();
      crossed.push(found(context, 'vitest', summaryFile!, { message: arrow?.[1] ?? 'Test failed', test }, index));
    } else if (line.trim() === '' || !/^\s/.test(line)) {
      summaryFile = undefined;
    }
  }
  // The run list names the same failures as the detailed blocks; it only counts when the blocks are missing.
  const detailed = problems.filter((entry) => entry.problem.test !== undefined);
  const covered = (entry: FoundProblem) =>
    detailed.some(({ problem }) => problem.test === entry.problem.test || problem.test!.endsWith(` > ${entry.problem.test}`));
  return [...problems, ...crossed.filter((entry) => !covered(entry))];
};

// ---- jest ------------------------------------------------------------------

const JEST_FAIL = /^\s*FAIL\s+(\S.*)$/;
const JEST_FAIL_DURATION = /\s+\([\d.]+\s?m?s\)$/;
// Go prints `FAIL\texample.com/demo\t0.003s`: a test file has a real extension and no tabs.
const JEST_TEST_FILE = /^[^\t]+\.[A-Za-z]\w*$/;
const JEST_BULLET = /^\s*● (.+)$/;
const JEST_BLOCK_END = /^\s*(?:FAIL|PASS)\s|^\s*●|^Test Suites:|^Summary of all failing tests/;

function jestFrame(line: string): { file: string; line: string; column: string } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('at ')) return undefined;
  const location = trimmed.endsWith(')') ? trimmed.slice(trimmed.lastIndexOf('(') + 1, -1) : trimmed.slice(trimmed.lastIndexOf(' ') + 1);
  const match = TRAILING_LOCATION.exec(location);
  return match && !isDependencyFrame(match[1]!) ? { file: match[1]!, line: match[2]!, column: match[3]! } : undefined;
}

const parseJest: GateParser = (context) => {
  const { lines } = context;
  const problems: FoundProblem[] = [];
  let failedFile: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const fail = line.includes('FAIL') && !VITEST_TEST_FAIL.test(line) && !VITEST_SUITE_FAIL.test(line) ? JEST_FAIL.exec(line) : null;
    if (fail) {
      const file = fail[1]!.replace(JEST_FAIL_DURATION, '').trim();
      failedFile = JEST_TEST_FILE.test(file) ? file : undefined;
      continue;
    }
    const bullet = failedFile !== undefined && line.includes('●') ? JEST_BULLET.exec(line) : null;
    if (!bullet || bullet[1]!.trim() === 'Console') continue;
    const title = bullet[1]!.trim();
    const testFile = context.toFile(failedFile!);
    let message: string | undefined;
    let frame: ReturnType<typeof jestFrame>;
    for (let next = index + 1; next < lines.length && next <= index + 300; next++) {
      const text = lines[next]!;
      if (JEST_BLOCK_END.test(text)) break;
      if (message === undefined && text.trim() !== '') message = text;
      const candidate = jestFrame(text);
      if (candidate && frame === undefined && context.toFile(candidate.file) === testFile) frame = candidate;
    }
    const suiteFailed = title === 'Test suite failed to run';
    problems.push(
      found(context, 'jest', failedFile!, { line: frame?.line, column: frame?.column, message: message ?? title, test: suiteFailed ? undefined : title }, index),
    );
  }
  return problems;
};


// ---- pytest ----------------------------------------------------------------

const PYTEST_SUMMARY = /^(FAILED|ERROR) (\S.*)$/;
const PYTEST_SECTION = /^_{2,} (.+?) _{2,}$/;
const PYTEST_LOCATION = /^((?:[A-Za-z]:)?[^\s:]+\.py):(\d+): \S/;
const PYTEST_SECTION_END = /^(?:_{2,} |={2,})/;

interface PytestSection {
  name: string;
  locations: { file: string; line: string; outputLine: number }[];
}

/** The long form's sections (`____ test_add ____`) with the `file.py:7: AssertionError` lines inside them. */
function pytestSections(context: ParseContext): PytestSection[] {
  const sections: PytestSection[] = [];
  let current: PytestSection | undefined;
  context.lines.forEach((line, index) => {
    const header = line.startsWith('__') ? PYTEST_SECTION.exec(line) : null;
    if (header) {
      current = { name: header[1]!, locations: [] };
      sections.push(current);
      return;
    }
    if (PYTEST_SECTION_END.test(line)) current = undefined;
    const location = current ? PYTEST_LOCATION.exec(line) : null;
    if (location) current!.locations.push({ file: context.toFile(location[1]!), line: location[2]!, outputLine: index });
  });
  return sections;
}

const parsePytest: GateParser = (context) => {
  const problems: FoundProblem[] = [];
  let sections: PytestSection[] | undefined;
  context.lines.forEach((line, index) => {
    const summary = line.startsWith('FAILED ') || line.startsWith('ERROR ') ? PYTEST_SUMMARY.exec(line) : null;
    if (!summary) return;
    const rest = summary[2]!;
    const dash = rest.indexOf(' - ');
    const id = (dash === -1 ? rest : rest.slice(0, dash)).trim();
    const separator = id.indexOf('::');
    const printedFile = separator === -1 ? id : id.slice(0, separator);
    // A log line that merely starts with FAILED or ERROR names no test module.
    if (!printedFile.endsWith('.py')) return;
    const test = separator === -1 ? undefined : id;
    const message = dash === -1 ? (summary[1] === 'ERROR' ? 'Error' : 'Test failed') : rest.slice(dash + 3);
    sections ??= pytestSections(context);
    const file = context.toFile(printedFile);
    const sectionName = test?.slice(separator + 2).replaceAll('::', '.');
    // The last location in the test's own file is where it failed; one in a helper module would mislabel the line.
    const location = sections
      .filter((section) => section.name === sectionName)
      .flatMap((section) => section.locations.filter((entry) => entry.file === file).slice(-1))[0];
    problems.push(found(context, 'pytest', printedFile, { line: location?.line, message, test }, location?.outputLine ?? index));
  });
  return problems;
};

// ---- cargo / rustc ---------------------------------------------------------

const RUST_DIAGNOSTIC = /^(error|warning)(?:\[([\w:-]+)\])?: (.+)$/;
const RUST_SPAN = /^\s*--> (.+):(\d+):(\d+)$/;
const RUST_SUMMARY = /^(?:could not compile|aborting due to|build failed|test failed|`[^`]*` \(.*\) generated \d+|\d+ warnings? emitted)/;
const CARGO_TEST_HEADER = /^---- (\S+) stdout ----$/;
const RUST_PANIC = /^thread '([^']*)' panicked at (.+):(\d+):(\d+):$/;
// Before Rust 1.73 the message came first: `panicked at 'assertion failed', src/lib.rs:10:9`.
const RUST_PANIC_OLD_HEAD = /^thread '([^']*)' panicked at '/;
const SPAN_LOOKAHEAD_LINES = 6;

const parseCargo: GateParser = (context) => {
  const { lines } = context;
  const problems: FoundProblem[] = [];
  let testSection: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const diagnostic = line.startsWith('error') || line.startsWith('warning') ? RUST_DIAGNOSTIC.exec(line) : null;
    if (diagnostic && !RUST_SUMMARY.test(diagnostic[3]!)) {
      for (let next = index + 1; next < lines.length && next <= index + SPAN_LOOKAHEAD_LINES; next++) {
        if (RUST_DIAGNOSTIC.test(lines[next]!)) break;
        const span = RUST_SPAN.exec(lines[next]!);
        if (!span) continue;
        const severity = diagnostic[1] as GateProblem['severity'];
        problems.push(found(context, 'cargo', span[1]!, { line: span[2], column: span[3], severity, code: diagnostic[2], message: diagnostic[3]! }, index));
        break;
      }
      continue;
    }
    const header = line.startsWith('---- ') ? CARGO_TEST_HEADER.exec(line) : null;
    if (header) {
      testSection = header[1];
      continue;
    }
    if (!line.startsWith('thread ')) continue;
    const panic = RUST_PANIC.exec(line);
    let thread: string | undefined;
    let at: { file: string; line: string; column: string } | undefined;
    let message: string | undefined;
    if (panic) {
      thread = panic[1];
      at = { file: panic[2]!, line: panic[3]!, column: panic[4]! };
      message = lines.slice(index + 1, index + 4).find((text) => text.trim() !== '');
    } else {
      const old = RUST_PANIC_OLD_HEAD.exec(line);
      const split = line.lastIndexOf("', ");
      const location = old && split > old[0].length - 1 ? TRAILING_LOCATION.exec(line.slice(split + 3)) : null;
      if (!old || !location) continue;
      thread = old[1];
      at = { file: location[1]!, line: location[2]!, column: location[3]! };
      message = line.slice(old[0].length, split);
    }
    const test = thread !== undefined && thread !== 'main' ? thread : testSection;
    problems.push(found(context, 'cargo', at.file, { line: at.line, column: at.column, message: message ?? 'panicked', test }, index));
  }
  return problems;
};

// ---- go --------------------------------------------------------------------

const GO_COMPILER = /^((?:[A-Za-z]:)?[^\s:]+\.go):(\d+):(\d+): (.+)$/;
const GO_TEST_LOG = /^\s+((?:[A-Za-z]:)?[^\s:]+\.go):(\d+): (.+)$/;
const GO_TEST_FAIL = /^\s*--- FAIL: (\S+) \([\d.]+s\)$/;
const GO_TEST_RUN = /^=== (?:RUN|CONT|PAUSE|NAME)\s+(\S+)$/;
const GO_TEST_OTHER_RESULT = /^\s*--- (?:PASS|SKIP): /;

const parseGo: GateParser = (context) => {
  const problems: FoundProblem[] = [];
  // `go test -v` streams a test's log lines before its verdict, so they wait until `--- FAIL` names the test.
  const pendingLogs = new Map<string, FoundProblem[]>();
  let running: string | undefined;
  let failed: string | undefined;
  context.lines.forEach((line, index) => {
    const compiler = GO_COMPILER.exec(line);
    if (compiler) {
      problems.push(found(context, 'go', compiler[1]!, { line: compiler[2], column: compiler[3], message: compiler[4]! }, index));
      return;
    }
    const run = line.startsWith('=== ') ? GO_TEST_RUN.exec(line) : null;
    if (run) {
      running = run[1];
      failed = undefined;
      return;
    }
    const verdict = line.includes('--- FAIL') ? GO_TEST_FAIL.exec(line) : null;
    if (verdict) {
      failed = verdict[1]!;
      problems.push(...(pendingLogs.get(failed) ?? []));
      pendingLogs.delete(failed);
      running = undefined;
      return;
    }
    if (GO_TEST_OTHER_RESULT.test(line) || !/^\s/.test(line)) {
      running = failed = undefined;
      return;
    }
    const log = GO_TEST_LOG.exec(line);
    const test = failed ?? running;
    if (!log || test === undefined) return;
    const problem = found(context, 'go', log[1]!, { line: log[2], message: log[3]!, test }, index);
    if (failed !== undefined) problems.push(problem);
    else if (pendingLogs.has(test)) pendingLogs.get(test)!.push(problem);
    else pendingLogs.set(test, [problem]);
  });
  return problems;
};

export const GATE_PARSERS: readonly GateParser[] = [parseTsc, parseEslint, parseVitest, parseJest, parsePytest, parseCargo, parseGo];
