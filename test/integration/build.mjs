#!/usr/bin/env node
/**
 * Bundles the in-host integration suite into `dist-test/integration/` (git-ignored), or into the
 * folder given as `outDir` (test/integration/codeServer.mjs builds into each run's own folder):
 *   index.js           run() for `extensionTestsPath` (code-server route, test/e2e/integration.e2e.mjs)
 *   suite/*.test.js    one bundle per test file; also what `.vscode-test.mjs` hands to @vscode/test-cli
 * `vscode` and `mocha` stay external: the extension host provides the first, node_modules the second,
 * so the output folder must be inside the repository (mocha is found by walking up to node_modules).
 *   node test/integration/build.mjs               bundle (~0.1 s)
 *   node test/integration/build.mjs --typecheck   tsc -p test/integration first, fail on type errors
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const outDir = path.join(repoRoot, 'dist-test', 'integration');

export async function buildIntegrationSuite({ typecheck = false, quiet = false, outDir: target = outDir } = {}) {
  if (typecheck) {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json')], { cwd: repoRoot, stdio: 'inherit' });
    if (res.status !== 0) throw new Error('test/integration does not type-check');
  }
  const suiteDir = path.join(here, 'suite');
  const tests = fs.readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')).sort();
  if (tests.length === 0) throw new Error(`no *.test.ts in ${suiteDir}`);
  // Built next to the target and renamed into place: the target never holds half a build or stale
  // bundles of renamed tests, and two builds at once (two terminals) do not interleave their files.
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [
      { in: path.join(here, 'index.ts'), out: 'index' },
      ...tests.map((f) => ({ in: path.join(suiteDir, f), out: `suite/${f.replace(/\.ts$/, '')}` })),
    ],
    outdir: staging,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: quiet ? 'warning' : 'info',
  });
  for (let attempt = 0; ; attempt++) {
    fs.rmSync(target, { recursive: true, force: true });
    try {
      fs.renameSync(staging, target);
      break;
    } catch (err) {
      // Another build renamed its copy in between our rm and rename: remove it and try again.
      if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes(err.code)) throw err;
    }
  }
  return { outDir: target, tests: tests.map((f) => path.join(target, 'suite', f.replace(/\.ts$/, '.js'))) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { tests } = await buildIntegrationSuite({ typecheck: process.argv.includes('--typecheck') });
    console.log(`[integration] ${tests.length} test file(s) in ${path.relative(repoRoot, outDir)}/suite`);
  } catch (err) {
    console.error(`[integration] ${err.message}`);
    process.exit(1);
  }
}
