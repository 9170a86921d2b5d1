import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npm ci` is what most CI templates run on a clean clone; it refuses a
// lockfile that does not list every optional package of every platform
// (rollup's and esbuild's native builds), even on a platform that does not
// install them. npm drops those entries when the lockfile is rewritten from a
// node_modules that lacks them, so this guards every lockfile change.
const root = path.resolve(__dirname, '../../..');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> }>;
};

/** Node's lookup: `node_modules/<name>` next to the package, then in each folder above it. */
function resolves(from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

describe('package-lock.json', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'orchard-lock-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('lists every optional platform package a dependency declares', () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages))
      for (const name of Object.keys(entry.optionalDependencies ?? {}))
        if (!resolves(location, name)) missing.push(`${name} (optional dependency of ${location || 'the root'})`);
    expect(missing, `missing from package-lock.json; regenerate it with \`npm install --package-lock-only\``).toEqual([]);
  });

  it('is accepted by `npm ci` (dry run, offline, in a copy of the manifest)', () => {
    copyFileSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    copyFileSync(path.join(root, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', path.join(scratch, 'cache')], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const errors = `${result.stderr}`.split('\n').filter((line) => line.startsWith('npm error')).slice(0, 12).join('\n');
    expect(result.status, errors).toBe(0);
  }, 70_000);
});
