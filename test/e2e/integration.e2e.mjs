/**
 * The in-host integration suite (test/integration/: mocha, the real `vscode` API, no mocks) run
 * inside code-server 4.96.4 against the packaged extension. The same suite runs in desktop VS Code
 * through `.vscode-test.mjs` (`npx vscode-test`).
 *
 * Hands the .vsix and the workspace from test/e2e/run.mjs (ORCHARD_E2E_VSIX / ORCHARD_E2E_WORKSPACE;
 * dist/orchard-studio.vsix and a fresh workspace when run alone) to test/integration/codeServer.mjs,
 * which bundles and type-checks the suite (test/integration/build.mjs), loads the unpacked .vsix as
 * the development extension through the workbench's `?payload=` and reads back one JSON result per
 * mocha test. Each mocha test is reported here as a subtest with its title and outcome.
 *
 * Run alone: `npm run package && node --test test/e2e/integration.e2e.mjs`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { describeTimings, runIntegrationSuite } from '../integration/codeServer.mjs';
import { repoRoot } from './harness.mjs';
import { vsixForSpec, workspaceForSpec } from './fixtures.mjs';

describe('in-host integration suite (mocha inside VS Code)', { timeout: 5 * 60_000 }, () => {
  test('every mocha test passes in code-server', async (t) => {
    const { results, runDir, timings } = await runIntegrationSuite({ vsix: vsixForSpec(), workspace: workspaceForSpec() });
    console.log(
      `[integration] ${timings.testFiles} test files, ${describeTimings(timings)} (mocha ${(results.durationMs / 1000).toFixed(1)} s); ` +
        `run dir ${path.relative(repoRoot, runDir)}`,
    );

    for (const r of results.tests) {
      const name = `${r.title}${r.state === 'hook' ? ' [hook]' : ''}${r.durationMs ? ` (${r.durationMs} ms in VS Code)` : ''}`;
      if (r.state === 'pending') {
        await t.test(name, { skip: 'pending in mocha' }, () => {});
        continue;
      }
      await t.test(name, () => {
        if (r.state !== 'passed') throw new Error(`mocha: ${r.error ?? r.state}`);
      });
    }

    assert.equal(results.error, undefined, `the suite did not run to the end: ${results.error}`);
    assert.ok(results.tests.length > 0, 'no mocha tests ran');
    assert.equal(results.pending, 0, 'some mocha tests are pending (skipped)');
    assert.equal(results.failures, 0, `${results.failures} of ${results.tests.length} mocha tests failed (details above; logs in ${runDir})`);
  });
});
