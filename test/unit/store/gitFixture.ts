/**
 * Real git repositories in temp folders for the store tests (no mocked git).
 *
 * `isolateGit()` keeps the machine's git config and identity out: the store
 * runs in this process and in child processes, and both read process.env.
 * Setup commits made here pass their identity as `-c` arguments, so the store
 * itself sees no identity unless a test configures one.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { bundleForNode } from '../../support/bundleNode.mjs';

const ISOLATION: Record<string, string | undefined> = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_SYSTEM: undefined,
  GIT_AUTHOR_NAME: undefined,
  GIT_AUTHOR_EMAIL: undefined,
  GIT_COMMITTER_NAME: undefined,
  GIT_COMMITTER_EMAIL: undefined,
  GIT_AUTHOR_DATE: undefined,
  GIT_COMMITTER_DATE: undefined,
  // git derives an identity from EMAIL when user.email is not set.
  EMAIL: undefined,
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
};

/**
 * For a test file: isolate git before its tests and, after them, restore the
 * environment and remove the temp folders. Call it before the file's own hooks.
 */
export function useIsolatedGit(): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = isolateGit();
  });
  afterAll(() => {
    restore?.();
    removeTempDirs();
  });
}

/** Applies the isolation to process.env; returns a function that restores it. */
export function isolateGit(): () => void {
  const saved = Object.fromEntries(Object.keys(ISOLATION).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(ISOLATION)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

const SETUP_IDENTITY = ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com', '-c', 'commit.gpgsign=false'];

/** Runs git synchronously for setup and checks; throws with stderr on failure. */
export function git(cwd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync('git', [...SETUP_IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...options }) as string;
}

/** git that may fail: its exit status and output. */
export function tryGit(cwd: string, args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: git(cwd, args) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const roots: string[] = [];

export function tempDir(prefix = 'orchard-store-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  roots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface RepoOptions {
  objectFormat?: 'sha1' | 'sha256';
  /** Make a first commit on main (default true). */
  commit?: boolean;
  /** user.useConfigOnly=true: git may not guess an identity from the host (default true). */
  noGuessedIdentity?: boolean;
}

export function makeRepo(options: RepoOptions = {}): string {
  const dir = tempDir();
  git(dir, ['init', '-q', '-b', 'main', ...(options.objectFormat === 'sha256' ? ['--object-format=sha256'] : [])]);
  if (options.noGuessedIdentity !== false) git(dir, ['config', 'user.useConfigOnly', 'true']);
  if (options.commit !== false) {
    fs.writeFileSync(path.join(dir, 'README.md'), '# fixture\n');
    git(dir, ['add', 'README.md']);
    git(dir, ['commit', '-q', '-m', 'initial']);
  }
  return dir;
}

/**
 * Puts the repository in a busy state so "untouched" means something: a staged
 * change, an unstaged one, an untracked file and (when there is a commit) a stash.
 */
export function makeBusy(dir: string): void {
  const hasCommit = tryGit(dir, ['rev-parse', '--verify', '-q', 'HEAD']).ok;
  if (hasCommit) {
    fs.writeFileSync(path.join(dir, 'README.md'), '# stashed change\n');
    git(dir, ['stash', 'push', '-q', '-m', 'fixture stash']);
  }
  fs.writeFileSync(path.join(dir, 'staged.txt'), 'staged\n');
  git(dir, ['add', 'staged.txt']);
  fs.writeFileSync(path.join(dir, 'staged.txt'), 'staged, then edited\n');
  fs.writeFileSync(path.join(dir, 'untracked.txt'), 'untracked\n');
}

/** Everything the store must not touch, except the blueprint files. */
export function snapshot(dir: string): Record<string, string> {
  const gitDir = git(dir, ['rev-parse', '--absolute-git-dir']).trim();
  const index = path.join(gitDir, 'index');
  return {
    head: tryGit(dir, ['rev-parse', 'HEAD']).out.trim(),
    symbolicHead: fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
    // --no-optional-locks: status must not refresh (rewrite) the index it is checking.
    status: git(dir, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=all'])
      .split('\n')
      .filter((line) => !line.includes('.orchard/'))
      .join('\n'),
    stash: git(dir, ['--no-optional-locks', 'stash', 'list']),
    index: fs.existsSync(index) ? createHash('sha256').update(fs.readFileSync(index)).digest('hex') : 'no index',
    refs: git(dir, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags', 'refs/stash']),
  };
}

/** Bundles a TypeScript entry for a child process (see test/support/bundleNode.mjs); returns the .cjs path. */
export function bundle(entry: string, outDir: string, name: string): Promise<string> {
  return bundleForNode({ entry, outfile: path.join(outDir, `${name}.cjs`) });
}
