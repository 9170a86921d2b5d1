/**
 * Test data for the e2e specs: a fresh, committed copy of the sample workspace,
 * and what the real blueprint schema says about a fixture file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pruneRuns, repoRoot, runStamp } from './harness.mjs';

export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');
export const vsixPath = path.join(repoRoot, 'dist', 'orchard-studio.vsix');

/**
 * Copies the fixture workspace to `.cache/e2e-workspaces/<stamp>/tinytodo` and commits it,
 * so the git extension finds a repository (the SCM title action needs one) and tests may
 * write files without touching the checked-in fixture.
 */
export function prepareWorkspace() {
  const dir = freshWorkspaceDir();
  fs.cpSync(fixtureWorkspace, dir, { recursive: true });
  // Isolated from the machine's git config (signing, hooks, templates) so the commit always works.
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=Orchard E2E', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit');
  return dir;
}

function freshWorkspaceDir() {
  const parent = path.join(repoRoot, '.cache', 'e2e-workspaces');
  // Small folders; keep enough that a run's template survives other runs starting meanwhile.
  pruneRuns(parent, 30);
  const dir = path.join(parent, runStamp(), 'tinytodo');
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

/**
 * The workspace a spec file opens: its own copy (git history included) of the one run.mjs prepared
 * (ORCHARD_E2E_WORKSPACE), so what one spec file writes (new blueprints, edits) cannot change what the
 * next one sees; or a fresh one when a spec runs alone.
 */
export function workspaceForSpec() {
  const template = process.env.ORCHARD_E2E_WORKSPACE;
  if (!template) return prepareWorkspace();
  const dir = freshWorkspaceDir();
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

export function vsixForSpec() {
  const vsix = process.env.ORCHARD_E2E_VSIX || vsixPath;
  if (!fs.existsSync(vsix)) throw new Error(`no extension package at ${vsix}; run \`npm run package\` or \`npm run test:e2e\``);
  return vsix;
}

let parserPromise;
/**
 * The extension's own `parseBlueprintText`, bundled on the fly with esbuild, so the specs expect
 * exactly the problems (paths and messages) the schema produces instead of copies of zod's wording.
 */
async function blueprintParser() {
  parserPromise ??= (async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [path.join(repoRoot, 'extension', 'src', 'core', 'blueprint', 'blueprintFile.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      // jsonc-parser's "main" is a UMD build with dynamic requires esbuild cannot follow.
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const code = Buffer.from(out.outputFiles[0].contents).toString('base64');
    return import(`data:text/javascript;base64,${code}`);
  })();
  return parserPromise;
}

/** `{ ok, blueprint }` or `{ ok: false, problems }` for a fixture file, per the real schema. */
export async function parseFixtureBlueprint(fileName) {
  const { parseBlueprintText } = await blueprintParser();
  return parseBlueprintText(fs.readFileSync(path.join(fixtureWorkspace, '.orchard', 'blueprints', fileName), 'utf8'));
}

/** The first sentence of a view's welcome text from package.json, so specs follow copy edits. */
export function welcomeText(viewId) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const entry = pkg.contributes?.viewsWelcome?.find((w) => w.view === viewId);
  return entry ? entry.contents.split(/\n|\[/)[0].split(/(?<=\.)\s/)[0].trim() : null;
}
