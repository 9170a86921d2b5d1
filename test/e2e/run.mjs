#!/usr/bin/env node
/**
 * `npm run test:e2e`: the real-VS-Code tier, from a clean checkout.
 *   1. install code-server + Chromium if needed (scripts/setup-code-server.mjs)
 *   2. `npm run package` -> dist/orchard-studio.vsix (skip with --no-package to reuse it)
 *   3. a fresh committed copy of test/fixtures/workspace under .cache/
 *   4. every test/e2e/*.e2e.mjs with node's test runner, one file at a time (each file owns a
 *      VS Code session; two at once would only fight over 2 cores and make timings noisy)
 * Extra arguments are passed to `node --test` (e.g. --test-name-pattern=Plan); arguments naming
 * `*.e2e.mjs` files run only those specs (`npm run test:e2e -- --no-package lsp.e2e.mjs`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from '../../scripts/setup-code-server.mjs';
import { repoRoot } from './harness.mjs';
import { prepareWorkspace, vsixPath as builtVsix } from './fixtures.mjs';

const args = process.argv.slice(2);
// ORCHARD_E2E_VSIX=<file> tests a package built elsewhere (implies --no-package).
const vsixPath = process.env.ORCHARD_E2E_VSIX ? path.resolve(process.env.ORCHARD_E2E_VSIX) : builtVsix;
const skipPackage = args.includes('--no-package') || vsixPath !== builtVsix;
const only = args.filter((a) => a.endsWith('.e2e.mjs')).map((a) => path.basename(a));
const passThrough = args.filter((a) => a !== '--no-package' && !a.endsWith('.e2e.mjs'));
const t0 = performance.now();
const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

await ensureCodeServer();
console.log(`[e2e] code-server ready (${since()})`);

if (!skipPackage) {
  const res = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error('[e2e] `npm run package` failed; not running the specs');
    process.exit(res.status ?? 1);
  }
}
if (!fs.existsSync(vsixPath)) {
  console.error(`[e2e] ${path.relative(repoRoot, vsixPath)} is missing`);
  process.exit(1);
}
console.log(`[e2e] ${path.relative(repoRoot, vsixPath)}: ${(fs.statSync(vsixPath).size / 1024).toFixed(0)} KB (${since()})`);

// Screenshots from an earlier run (a FAILED-* one especially) would mislead whoever reads them.
fs.rmSync(path.join(repoRoot, 'test-results', 'screenshots'), { recursive: true, force: true });

const workspace = prepareWorkspace();
console.log(`[e2e] workspace ${path.relative(repoRoot, workspace)}`);

// Node 20's --test does not expand globs itself.
const e2eDir = path.join(repoRoot, 'test', 'e2e');
const specs = fs.readdirSync(e2eDir).filter((f) => f.endsWith('.e2e.mjs') && (only.length === 0 || only.includes(f))).sort().map((f) => path.join('test', 'e2e', f));
if (specs.length === 0) {
  console.error('[e2e] no test/e2e/*.e2e.mjs files');
  process.exit(1);
}

// Playwright and our helpers create temp files through os.tmpdir(); keep them in .cache/ too.
const tmp = path.join(repoRoot, '.cache', 'tmp');
fs.mkdirSync(tmp, { recursive: true });
const res = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...passThrough, ...specs],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, TMPDIR: tmp, ORCHARD_E2E_VSIX: vsixPath, ORCHARD_E2E_WORKSPACE: workspace },
  },
);
console.log(`[e2e] done in ${since()}; screenshots in test-results/screenshots/`);
process.exit(res.status ?? 1);
