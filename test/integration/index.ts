/**
 * The `extensionTestsPath` module: VS Code's extension host calls `run()` once the development
 * extension is loaded, and reports the returned promise's outcome.
 *
 * Used by the code-server route (test/e2e/integration.e2e.mjs). `@vscode/test-cli` brings its own
 * runner and loads the same `suite/*.test.js` files, so nothing here may be needed by the tests.
 *
 * A browser workbench has no process exit code to read, so when ORCHARD_INTEGRATION_RESULTS names a
 * file, every test's outcome is written there as JSON (see `IntegrationResults`) when the run ends.
 * ORCHARD_INTEGRATION_GREP, if set, runs only the tests whose full title contains it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  /** 'hook' marks a failed before/after hook: its tests did not run. */
  state: 'passed' | 'failed' | 'pending' | 'hook';
  durationMs?: number;
  error?: string;
}

export interface IntegrationResults {
  passes: number;
  failures: number;
  pending: number;
  durationMs: number;
  tests: TestResult[];
  /** Set when the run itself broke (a test file failed to load), not a single test. */
  error?: string;
}

const TEST_TIMEOUT_MS = 30_000;

function writeResults(file: string | undefined, results: IntegrationResults): void {
  if (!file) return;
  // Written whole and renamed into place, so a reader polling for the file never sees half of it.
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export function run(): Promise<void> {
  const resultsFile = process.env.ORCHARD_INTEGRATION_RESULTS;
  const grep = process.env.ORCHARD_INTEGRATION_GREP;
  const started = Date.now();
  const tests: TestResult[] = [];
  const summary = (): IntegrationResults => ({
    passes: tests.filter((t) => t.state === 'passed').length,
    failures: tests.filter((t) => t.state === 'failed' || t.state === 'hook').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    tests,
  });

  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec' });
  if (grep) mocha.grep(grep);
  const suiteDir = path.join(__dirname, 'suite');
  for (const f of fs.readdirSync(suiteDir).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(suiteDir, f));

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const results = summary();
        writeResults(resultsFile, results);
        if (failures > 0 || results.failures > 0) reject(new Error(`${Math.max(failures, results.failures)} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
      // @types/mocha says 'fail' passes a Test; a failing hook arrives here too, with type 'hook'.
      runner.on('fail', (t, err) => {
        const isHook = (t as { type?: string }).type === 'hook';
        tests.push({ title: t.fullTitle(), state: isHook ? 'hook' : 'failed', durationMs: t.duration ?? 0, error: describeError(err) });
      });
    } catch (err) {
      // mocha.run() loads the files synchronously: a file that throws at load time lands here.
      writeResults(resultsFile, { ...summary(), error: describeError(err) });
      reject(err);
    }
  });
}
