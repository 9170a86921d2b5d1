/** Quality-gate output as problems: each tool's formats, noise that must stay noise, keys, signatures and the excerpt for the agent. */
import { describe, expect, it } from 'vitest';
import { failureSignature, parseGateOutput, problemKey, relevantOutput, type GateProblem } from '../../../extension/src/core/gates/gateProblems';

const withoutLines = (problems: GateProblem[]) => problems.map(({ outputLine: _ignored, ...rest }) => rest);
const parse = (output: string, cwd?: string) => withoutLines(parseGateOutput(output, cwd === undefined ? {} : { cwd }));

describe('parseGateOutput: tsc', () => {
  it('reads the plain form among npm noise', () => {
    const output = ['> app@1.0.0 typecheck', '> tsc --noEmit', '', "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", "  Types of property 'x' are incompatible.", 'npm ERR! code ELIFECYCLE', 'npm ERR! errno 2'].join('\n');
    expect(parse(output)).toEqual([{ tool: 'tsc', file: 'src/app.ts', line: 12, column: 5, severity: 'error', code: 'TS2322', message: "Type 'string' is not assignable to type 'number'." }]);
  });

  it('reads the coloured pretty form and skips its code frame', () => {
    const output = [
      '\x1b[96msrc/app.ts\x1b[0m:\x1b[93m12\x1b[0m:\x1b[93m5\x1b[0m - \x1b[91merror\x1b[0m\x1b[90m TS2322: \x1b[0mType \'string\' is not assignable to type \'number\'.',
      '',
      '\x1b[7m12\x1b[0m     const total: number = "3";',
      '\x1b[7m  \x1b[0m \x1b[91m    ~~~~~\x1b[0m',
      '',
      'Found 1 error in src/app.ts\x1b[90m:12\x1b[0m',
    ].join('\n');
    expect(parse(output)).toEqual([{ tool: 'tsc', file: 'src/app.ts', line: 12, column: 5, severity: 'error', code: 'TS2322', message: "Type 'string' is not assignable to type 'number'." }]);
  });

  it('converts Windows separators and makes absolute paths under cwd relative', () => {
    expect(parse("C:\\repo\\src\\a.ts(3,1): error TS1005: ';' expected.", 'C:/repo')).toMatchObject([{ file: 'src/a.ts', line: 3, column: 1, code: 'TS1005' }]);
    expect(parse("C:\\repo\\src\\a.ts(3,1): error TS1005: ';' expected.")).toMatchObject([{ file: 'C:/repo/src/a.ts' }]);
    expect(parse('/home/dev/acme/src/b.ts(1,2): error TS2304: Cannot find name \'x\'.', '/home/dev/acme/')).toMatchObject([{ file: 'src/b.ts' }]);
    expect(parse('/elsewhere/src/b.ts(1,2): error TS2304: Cannot find name \'x\'.', '/home/dev/acme')).toMatchObject([{ file: '/elsewhere/src/b.ts' }]);
  });
});

describe('parseGateOutput: eslint', () => {
  it('reads stylish blocks with and without rules, plugin rules and warnings', () => {
    const output = [
      '> eslint .',
      '',
      '/home/dev/acme/src/a.js',
      "   12:5   error    'x' is assigned a value but never used  no-unused-vars",
      '   20:1   warning  Unexpected any. Specify a different type  @typescript-eslint/no-explicit-any',
      '',
      '/home/dev/acme/src/b.ts',
      '   3:10  error  Parsing error: Unexpected token )',
      '',
      '✖ 3 problems (2 errors, 1 warning)',
      '  1 error and 0 warnings potentially fixable with the `--fix` option.',
    ].join('\n');
    expect(parse(output, '/home/dev/acme')).toEqual([
      { tool: 'eslint', file: 'src/a.js', line: 12, column: 5, severity: 'error', code: 'no-unused-vars', message: "'x' is assigned a value but never used" },
      { tool: 'eslint', file: 'src/a.js', line: 20, column: 1, severity: 'warning', code: '@typescript-eslint/no-explicit-any', message: 'Unexpected any. Specify a different type' },
      { tool: 'eslint', file: 'src/b.ts', line: 3, column: 10, severity: 'error', message: 'Parsing error: Unexpected token )' },
    ]);
  });

  it('reads the unix and compact formats', () => {
    const output = [
      "/abs/src/a.js:12:5: 'x' is assigned a value but never used. [Error/no-unused-vars]",
      '/abs/src/a.js:14:1: Missing semicolon. [Warning/semi]',
      '',
      '2 problems',
      "/abs/src/c.js: line 7, col 3, Error - 'y' is not defined. (no-undef)",
      '/abs/src/c.js: line 9, col 1, Warning - Unexpected console statement.',
    ].join('\n');
    expect(parse(output, '/abs')).toEqual([
      { tool: 'eslint', file: 'src/a.js', line: 12, column: 5, severity: 'error', code: 'no-unused-vars', message: "'x' is assigned a value but never used." },
      { tool: 'eslint', file: 'src/a.js', line: 14, column: 1, severity: 'warning', code: 'semi', message: 'Missing semicolon.' },
      { tool: 'eslint', file: 'src/c.js', line: 7, column: 3, severity: 'error', code: 'no-undef', message: "'y' is not defined." },
      { tool: 'eslint', file: 'src/c.js', line: 9, column: 1, severity: 'warning', message: 'Unexpected console statement.' },
    ]);
  });
});

describe('parseGateOutput: test runners', () => {
  it('vitest: one problem per failing test, located by its ❯ line', () => {
    const output = [
      ' RUN  v1.6.0 /home/dev/acme',
      '',
      ' ✓ src/a.test.ts > x',
      ' ❯ src/sum.test.ts (2 tests | 1 failed) 6ms',
      '   × sum > adds numbers 4ms',
      '     → expected 3 to be 4 // Object.is equality',
      '',
      '⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯',
      '',
      ' FAIL  src/sum.test.ts > sum > adds numbers',
      'AssertionError: expected 3 to be 4 // Object.is equality',
      '',
      '- Expected',
      '+ Received',
      '',
      ' ❯ src/sum.test.ts:5:17',
      '      3| describe(\'sum\', () => {',
      '      5|     expect(sum(1, 2)).toBe(4);',
      '',
      '⎯⎯⎯⎯⎯⎯⎯⎯⎯[1/1]⎯',
      ' Test Files  1 failed (1)',
      '      Tests  1 failed | 1 passed (2)',
      '   Start at  12:30:45',
    ].join('\n');
    expect(parse(output)).toEqual([
      { tool: 'vitest', file: 'src/sum.test.ts', line: 5, column: 17, severity: 'error', message: 'AssertionError: expected 3 to be 4 // Object.is equality', test: 'sum > adds numbers' },
    ]);
  });

  it('vitest: the run list alone still names the failure', () => {
    const output = [' ❯ src/sum.test.ts (2 tests | 1 failed) 6ms', '   × sum > adds numbers 4ms', '     → expected 3 to be 4', '   ✓ sum > subtracts 1ms', ''].join('\n');
    expect(parse(output)).toEqual([{ tool: 'vitest', file: 'src/sum.test.ts', severity: 'error', message: 'expected 3 to be 4', test: 'sum > adds numbers' }]);
  });

  it('jest: one problem per ● block, the suite that failed to run on its FAIL file', () => {
    const output = [
      'FAIL src/sum.test.js (5.123 s)',
      '  sum',
      '    ✕ adds numbers (3 ms)',
      '',
      '  ● sum › adds numbers',
      '',
      '    expect(received).toBe(expected) // Object.is equality',
      '',
      '    Expected: 4',
      '    Received: 3',
      '',
      '    > 5 |     expect(sum(1, 2)).toBe(4);',
      '',
      '      at Object.toBe (/home/dev/acme/src/sum.test.js:5:17)',
      '      at processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '',
      'FAIL src/broken.test.js',
      '  ● Test suite failed to run',
      '',
      "    Cannot find module './missing' from 'src/broken.test.js'",
      '',
      '      at Resolver._throwModNotFoundError (node_modules/jest-resolve/build/resolver.js:427:11)',
      '',
      'Test Suites: 2 failed, 2 total',
      'Tests:       1 failed, 1 total',
      'Time:        1.234 s',
    ].join('\n');
    expect(parse(output, '/home/dev/acme')).toEqual([
      { tool: 'jest', file: 'src/sum.test.js', line: 5, column: 17, severity: 'error', message: 'expect(received).toBe(expected) // Object.is equality', test: 'sum › adds numbers' },
      { tool: 'jest', file: 'src/broken.test.js', severity: 'error', message: "Cannot find module './missing' from 'src/broken.test.js'" },
    ]);
  });

  it('pytest: the short summary, with the line from the long form', () => {
    const output = [
      '============================= test session starts ==============================',
      'collected 3 items',
      '',
      'tests/test_calc.py .F                                                     [100%]',
      '',
      '=================================== FAILURES ===================================',
      '___________________________________ test_add ___________________________________',
      '',
      '    def test_add():',
      '>       assert add(1, 2) == 4',
      'E       assert 3 == 4',
      '',
      'tests/test_calc.py:7: AssertionError',
      '=========================== short test summary info ============================',
      'FAILED tests/test_calc.py::test_add - assert 3 == 4',
      'ERROR tests/test_x.py - ImportError: cannot import name \'mul\'',
      'ERROR: something unrelated happened',
      '========================= 1 failed, 1 passed in 0.03s ==========================',
    ].join('\n');
    expect(parse(output)).toEqual([
      { tool: 'pytest', file: 'tests/test_calc.py', line: 7, severity: 'error', message: 'assert 3 == 4', test: 'tests/test_calc.py::test_add' },
      { tool: 'pytest', file: 'tests/test_x.py', severity: 'error', message: "ImportError: cannot import name 'mul'" },
    ]);
  });

  it('cargo: compiler diagnostics with their span, summaries ignored, and failing tests', () => {
    const output = [
      '   Compiling demo v0.1.0 (/home/dev/acme)',
      'warning: unused variable: `x`',
      ' --> src/main.rs:2:9',
      '  |',
      '2 |     let x = 5;',
      '  |         ^ help: if this is intentional, prefix it with an underscore: `_x`',
      '',
      'error[E0308]: mismatched types',
      ' --> src/main.rs:4:18',
      '  |',
      '4 |     let y: u32 = "a";',
      '',
      'warning: `demo` (bin "demo") generated 1 warning',
      'error: could not compile `demo` (bin "demo") due to 1 previous error; 1 warning emitted',
      '',
      'running 2 tests',
      'test tests::subs ... ok',
      'test tests::adds ... FAILED',
      '',
      'failures:',
      '',
      '---- tests::adds stdout ----',
      "thread 'tests::adds' panicked at src/lib.rs:10:9:",
      'assertion `left == right` failed',
      '  left: 3',
      ' right: 4',
      'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
    ].join('\n');
    expect(parse(output)).toEqual([
      { tool: 'cargo', file: 'src/main.rs', line: 2, column: 9, severity: 'warning', message: 'unused variable: `x`' },
      { tool: 'cargo', file: 'src/main.rs', line: 4, column: 18, severity: 'error', code: 'E0308', message: 'mismatched types' },
      { tool: 'cargo', file: 'src/lib.rs', line: 10, column: 9, severity: 'error', message: 'assertion `left == right` failed', test: 'tests::adds' },
    ]);
  });

  it('go: compiler lines without package headers, and test failures with and without -v', () => {
    const output = [
      '# example.com/demo',
      './main.go:12:3: undefined: foo',
      'util.go:4:2: "os" imported and not used',
      '=== RUN   TestSub',
      '    calc_test.go:15: got -1, want 1',
      '--- FAIL: TestSub (0.00s)',
      '=== RUN   TestMul',
      '    calc_test.go:20: just a log',
      '--- PASS: TestMul (0.00s)',
      '--- FAIL: TestAdd (0.00s)',
      '    calc_test.go:9: got 3, want 4',
      'FAIL',
      'FAIL\texample.com/demo\t0.003s',
    ].join('\n');
    expect(parse(output)).toEqual([
      { tool: 'go', file: 'main.go', line: 12, column: 3, severity: 'error', message: 'undefined: foo' },
      { tool: 'go', file: 'util.go', line: 4, column: 2, severity: 'error', message: '"os" imported and not used' },
      { tool: 'go', file: 'calc_test.go', line: 15, severity: 'error', message: 'got -1, want 1', test: 'TestSub' },
      { tool: 'go', file: 'calc_test.go', line: 9, severity: 'error', message: 'got 3, want 4', test: 'TestAdd' },
    ]);
  });
});

describe('parseGateOutput: what is not a problem, duplicates, bounds', () => {
  it('ordinary log lines stay noise', () => {
    const noise = [
      'Listening on http://localhost:3000',
      'GET http://127.0.0.1:8080/api/users 200 12ms',
      '12:30:45 [vite] page reload src/App.tsx',
      '2024-05-01T12:30:45.123Z info: server started',
      'npm ERR! code ELIFECYCLE',
      'npm ERR! demo@1.0.0 test: `vitest run`',
      ' ✓ src/a.test.ts > x',
      ' PASS src/ok.test.js',
      'error: something went wrong',
      'FAIL',
      'src/app.ts',
      'Compiled in 3s',
      '  12:30  error  looks like eslint without a file header',
    ].join('\n');
    expect(parse(noise)).toEqual([]);
  });

  it('removes duplicates (jest repeats failures in its summary) and caps at 1,000', () => {
    const once = "src/app.ts(1,1): error TS2322: Type 'string' is not assignable to type 'number'.";
    expect(parse([once, 'noise', once].join('\n'))).toHaveLength(1);
    const many = Array.from({ length: 1500 }, (_, index) => `src/app.ts(${index + 1},1): error TS2322: bad`).join('\n');
    const problems = parseGateOutput(many);
    expect(problems).toHaveLength(1000);
    expect(problems[999]).toMatchObject({ line: 1000, outputLine: 999 });
  });

  it('handles 5 MB of noise and a 1 MB single line well under a second', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'abc:./\\()[]0123456789 -_×❯●FAILerror';
    const lines: string[] = [];
    for (let size = 0; size < 5 * 1024 * 1024; ) {
      const line = Array.from({ length: 20 + Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      lines.push(line);
      size += line.length + 1;
    }
    const longLine = 'a:1:1: '.repeat(150_000) + ' [Error/x]';
    const output = `${lines.join('\n')}\n${longLine}\nsrc/app.ts(2,3): error TS2322: real`;
    const start = performance.now();
    const problems = parseGateOutput(output);
    relevantOutput(output, problems);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(1000);
    expect(problems.at(-1)).toMatchObject({ file: 'src/app.ts', line: 2, column: 3 });
  });

  it('parses only the last 8 MB, keeping line indices of the whole output', () => {
    const head = 'src/old.ts(1,1): error TS1: dropped\n' + 'x'.repeat(1000) + '\n';
    const output = head.repeat(9000) + 'src/new.ts(1,1): error TS2: kept';
    const problems = parseGateOutput(output);
    expect(problems.some((problem) => problem.file === 'src/new.ts')).toBe(true);
    expect(problems.at(-1)!.outputLine).toBe(18000);
    expect(problems.length).toBeLessThan(9000);
  });
});

describe('problemKey and failureSignature', () => {
  const base: GateProblem = { tool: 'tsc', file: 'src/a.ts', line: 3, column: 1, severity: 'error', code: 'TS2322', message: "Type 'x' is not assignable; see src/b.ts:12:4" };

  it('survives moving lines, not another file or code', () => {
    expect(problemKey({ ...base, line: 40, column: 9, message: "Type 'x' is not assignable; see src/b.ts:30:2" })).toBe(problemKey(base));
    expect(problemKey({ ...base, file: 'src/c.ts' })).not.toBe(problemKey(base));
    expect(problemKey({ ...base, code: 'TS2345' })).not.toBe(problemKey(base));
    expect(problemKey({ ...base, message: "Type 'y' is not assignable" })).not.toBe(problemKey(base));
  });

  it('is equal for runs differing in durations and lines, different when a failure appears', () => {
    const run = (line: number, ms: number, extra = '') =>
      `--- FAIL: TestAdd (0.${ms}s)\n    calc_test.go:${line}: got 3, want 4\n${extra}FAIL\texample.com/demo\t0.${ms}s`;
    const first = run(9, 3);
    const second = run(14, 7);
    expect(failureSignature(parseGateOutput(first), first)).toBe(failureSignature(parseGateOutput(second), second));
    const worse = run(9, 3, '--- FAIL: TestSub (0.00s)\n    calc_test.go:20: got 1, want 2\n');
    expect(failureSignature(parseGateOutput(worse), worse)).not.toBe(failureSignature(parseGateOutput(first), first));
  });

  it('falls back to the normalised tail when nothing parses', () => {
    const crash = (time: string, ms: number, address: string) => `[${time}] starting\nSegmentation fault at ${address}\nexited after ${ms}ms`;
    const first = crash('12:30:45', 120, '0x7ffd1234');
    const again = crash('09:01:02', 980, '0x7ffe9999');
    expect(failureSignature([], first)).toBe(failureSignature([], again));
    expect(failureSignature([], first)).not.toBe(failureSignature([], first.replace('Segmentation fault', 'Bus error')));
    expect(failureSignature([], first)).not.toBe(failureSignature(parseGateOutput('src/a.ts(1,1): error TS1: x'), first));
  });
});

describe('relevantOutput', () => {
  const noise = (count: number, label: string) => Array.from({ length: count }, (_, index) => `${label} noise line ${index}`);

  it('keeps the errors with their context and the tail out of 10,000 lines, within budget', () => {
    const lines = [
      ...noise(5000, 'early'),
      'context before 1',
      'context before 2',
      "\x1b[31msrc/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.\x1b[0m",
      ...Array.from({ length: 6 }, (_, index) => `after ${index + 1}`),
      ...noise(5000, 'late'),
      'Found 1 error.',
    ];
    const output = lines.join('\n');
    const excerpt = relevantOutput(output, parseGateOutput(output));
    expect(excerpt.length).toBeLessThanOrEqual(8000);
    expect(excerpt).toContain("src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(excerpt).not.toContain('\x1b[');
    expect(excerpt).toContain('context before 1');
    expect(excerpt).toContain('after 6');
    expect(excerpt).not.toContain('late noise line 0\n');
    expect(excerpt.startsWith('[… 5000 lines left out]\ncontext before 1')).toBe(true);
    expect(excerpt).toContain('[… 4981 lines left out]\nlate noise line 4981');
    expect(excerpt.endsWith('late noise line 4999\nFound 1 error.')).toBe(true);
  });

  it('merges overlapping context and respects a small budget', () => {
    const output = ['a', "src/x.ts(1,1): error TS1: one", 'b', "src/x.ts(2,1): error TS1: two", ...noise(100, 'n')].join('\n');
    const excerpt = relevantOutput(output, parseGateOutput(output));
    expect(excerpt.startsWith('a\nsrc/x.ts(1,1): error TS1: one\nb\nsrc/x.ts(2,1): error TS1: two\nn noise line 0')).toBe(true);
    expect(excerpt.match(/lines left out/g)).toHaveLength(1);
    expect(relevantOutput(output, parseGateOutput(output), 300).length).toBeLessThanOrEqual(300);
  });

  it('without problems shows the last characters from a line start', () => {
    const output = noise(1000, 'x').join('\n');
    const excerpt = relevantOutput(output, [], 500);
    expect(excerpt.length).toBeLessThanOrEqual(500);
    expect(excerpt).toMatch(/^\[… \d+ lines left out\]\nx noise line \d+\n/);
    expect(excerpt.endsWith('x noise line 999')).toBe(true);
    expect(relevantOutput('short', [])).toBe('short');
  });
});
