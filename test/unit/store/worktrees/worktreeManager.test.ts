// The worktree manager on real git in temp repositories: what it makes, what it
// refuses, and that the user's checkout is byte-for-byte the same afterwards.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorktreeManager } from '../../../../extension/src/store/worktrees/worktreeManager';
import * as E from '../../../../extension/src/store/worktrees/worktreeErrors';
import { isSafeOperationId, nextBranchNumber, parseMarker, parseStatusPaths, parseWorktreeList } from '../../../../extension/src/store/worktrees/worktreeNames';
import { acquireLock } from '../../../../extension/src/store/fileLock';
import { git, makeBusy, makeRepo, tempDir, tryGit, useIsolatedGit } from '../gitFixture';

useIsolatedGit();

async function setup(repo = makeRepo()) {
  const managedRoot = path.join(tempDir('orchard-wt-'), 'managed');
  const manager = await WorktreeManager.open({ repoRoot: repo, managedRoot });
  const head = git(repo, ['rev-parse', 'HEAD']).trim();
  return { repo, managedRoot: manager.managedRoot, manager, head };
}

/** Every file below `dir` except `.git`, with its mode and content hash. */
function files(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (rel === '.git') continue;
    const full = path.join(dir, rel);
    if (entry.isDirectory()) out.push(`${rel}/`, ...files(dir, rel));
    else if (entry.isSymbolicLink()) out.push(`${rel} -> ${fs.readlinkSync(full)}`);
    else out.push(`${rel} ${fs.statSync(full).mode.toString(8)} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`);
  }
  return out;
}

/** The user's side of the repository: HEAD, index, working tree, branches, stash, status. */
function userState(repo: string): Record<string, string> {
  const gitDir = git(repo, ['rev-parse', '--absolute-git-dir']).trim();
  return {
    head: git(repo, ['rev-parse', 'HEAD']),
    symbolicHead: fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
    lsFiles: git(repo, ['ls-files', '-s']),
    index: createHash('sha256').update(fs.readFileSync(path.join(gitDir, 'index'))).digest('hex'),
    files: files(repo).join('\n'),
    branches: git(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags', 'refs/stash']),
    stash: git(repo, ['--no-optional-locks', 'stash', 'list']),
    status: git(repo, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--ignore-submodules=none', '--untracked-files=all']),
  };
}

const branches = (repo: string) => git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']).split('\n').filter(Boolean);
const worktreePaths = (repo: string) => git(repo, ['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));

function hooks(repo: string, script: string, name = 'post-checkout'): void {
  const dir = tempDir('orchard-hooks-');
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  git(repo, ['config', 'core.hooksPath', dir]);
}

describe('create', { timeout: 30_000 }, () => {
  it('makes orchard/<slug>-1 at the base commit, a clean worktree and the marker beside it', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const wt = await manager.create({ operationId: 'op-1', slug: 'login-page', baseCommit: head });
    expect(wt).toMatchObject({ operationId: 'op-1', branch: 'orchard/login-page-1', baseCommit: head, warnings: [] });
    expect(wt.path).toBe(path.join(managedRoot, 'op-1', 'tree'));
    expect(git(repo, ['rev-parse', 'refs/heads/orchard/login-page-1']).trim()).toBe(head);
    expect(git(wt.path, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(git(wt.path, ['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/orchard/login-page-1');
    expect(git(wt.path, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(fs.readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('# fixture\n');
    // No upstream recorded, and the marker is outside the worktree.
    expect(tryGit(repo, ['config', '--get-regexp', '^branch\\.']).out).not.toContain('orchard/');
    expect(fs.existsSync(path.join(wt.path, 'owner.json'))).toBe(false);
    const marker = JSON.parse(fs.readFileSync(path.join(managedRoot, 'op-1', 'owner.json'), 'utf8'));
    expect(marker).toMatchObject({ version: 1, operationId: 'op-1', repo, branch: 'orchard/login-page-1', baseCommit: head, createdAt: wt.createdAt });
    expect(await manager.list()).toEqual([expect.objectContaining({ operationId: 'op-1', state: 'ok', head })]);
  });

  it('numbers branches per slug: -1, -2, and skips a number a branch already has', async () => {
    const { repo, manager, head } = await setup();
    git(repo, ['branch', 'orchard/a-3', head]);
    const one = await manager.create({ operationId: 'op-1', slug: 'a', baseCommit: head });
    const two = await manager.create({ operationId: 'op-2', slug: 'a', baseCommit: head });
    const four = await manager.create({ operationId: 'op-3', slug: 'a', baseCommit: head });
    const other = await manager.create({ operationId: 'op-4', slug: 'b', baseCommit: head });
    expect([one.branch, two.branch, four.branch, other.branch]).toEqual(['orchard/a-1', 'orchard/a-2', 'orchard/a-4', 'orchard/b-1']);
  });

  it('gives five concurrent creates (two manager instances) five distinct numbers', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const second = await WorktreeManager.open({ repoRoot: repo, managedRoot });
    const made = await Promise.all([1, 2, 3, 4, 5].map((i) => (i % 2 ? manager : second).create({ operationId: `op-${i}`, slug: 'same', baseCommit: head })));
    expect(made.map((w) => w.branch).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `orchard/same-${n}`));
    expect(worktreePaths(repo)).toHaveLength(6);
  });

  it('leaves HEAD, index, working tree, branches, stash and status byte-for-byte as they were', async () => {
    const repo = makeRepo();
    makeBusy(repo);
    // A tracked file whose stat no longer matches the index: a plain `git status` would rewrite the index.
    fs.utimesSync(path.join(repo, 'README.md'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    const before = userState(repo);
    const { manager } = await setup(repo);
    const base = await manager.preflight();
    const wt = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: base.commit });
    // The one addition is the operation's own branch.
    const during = userState(repo);
    expect(during.branches).toContain(`refs/heads/orchard/s-1 ${base.commit}\n`);
    expect(during.branches!.replace(`refs/heads/orchard/s-1 ${base.commit}\n`, '')).toBe(before.branches);
    expect({ ...during, branches: '' }).toEqual({ ...before, branches: '' });
    await manager.remove('op-1', { deleteBranch: true });
    await manager.whenIdle();
    expect(userState(repo)).toEqual(before);
    expect(fs.existsSync(wt.path)).toBe(false);
    expect(worktreePaths(repo)).toEqual([repo]);
  });

  it('waits for the lock file another process holds before touching git', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const release = await acquireLock(path.join(managedRoot, '.worktrees.lock'), { staleMs: 60_000, timeoutMs: 1000 });
    let done = false;
    const creating = manager.create({ operationId: 'op-1', slug: 's', baseCommit: head }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(done).toBe(false);
    expect(branches(repo)).toEqual(['main']);
    release();
    await creating;
    expect(branches(repo)).toEqual(['main', 'orchard/s-1']);
  });

  it('tolerates a failing post-checkout hook with a warning once the worktree is complete', async () => {
    const { repo, manager, head } = await setup();
    hooks(repo, 'echo hook ran >&2; exit 1');
    const wt = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    expect(wt.warnings).toHaveLength(1);
    expect(wt.warnings[0]).toMatch(/post-checkout hook failed.*hook ran/s);
    expect(git(wt.path, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect((await manager.list())[0]).toMatchObject({ state: 'ok' });
  });

  it.each([
    ['the marker cannot be written', 'mkdir ../owner.json', /ownership marker/],
    ['a hook moves the worktree off its branch', '[ -n "$MOVED" ] || MOVED=1 git checkout -q --detach', /not at .* on orchard\/s-1/],
  ])('removes folder, registration and branch when %s after worktree add', async (_, hook, message) => {
    const { repo, manager, managedRoot, head } = await setup();
    const before = userState(repo);
    hooks(repo, hook);
    const error = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(E.WorktreeCreateError);
    expect((error as Error).message).toMatch(message);
    expect((error as E.WorktreeCreateError).leftBehind).toEqual([]);
    expect(fs.existsSync(path.join(managedRoot, 'op-1'))).toBe(false);
    expect(worktreePaths(repo)).toEqual([repo]);
    expect(branches(repo)).toEqual(['main']);
    const adminDir = path.join(repo, '.git', 'worktrees');
    expect(fs.existsSync(adminDir) ? fs.readdirSync(adminDir) : []).toEqual([]);
    expect(userState(repo)).toEqual(before);
  });

  it('refuses an invalid slug, operation id or base commit, making nothing', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    await expect(manager.create({ operationId: 'op-1', slug: 'Bad..slug', baseCommit: head })).rejects.toThrow(/slug/);
    await expect(manager.create({ operationId: '../op', slug: 's', baseCommit: head })).rejects.toThrow(/operationId/);
    await expect(manager.create({ operationId: 'op-1', slug: 's', baseCommit: 'HEAD~1' })).rejects.toThrow(/baseCommit/);
    await expect(manager.create({ operationId: 'op-1', slug: 's', baseCommit: 'f'.repeat(40) })).rejects.toThrow(/baseCommit/);
    expect(fs.readdirSync(managedRoot)).toEqual([]);
    expect(branches(repo)).toEqual(['main']);
  });
});

describe('preflight and open', { timeout: 30_000 }, () => {
  it('lists uncommitted and submodule changes, which the worktree does not get', async () => {
    const sub = makeRepo();
    const repo = makeRepo();
    git(repo, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'sub']);
    git(repo, ['commit', '-q', '-m', 'add sub']);
    // Settings that would hide both kinds of change from a plain `git status`.
    git(repo, ['config', 'diff.ignoreSubmodules', 'all']);
    git(repo, ['config', 'status.showUntrackedFiles', 'no']);
    fs.writeFileSync(path.join(repo, 'README.md'), 'edited\n');
    fs.writeFileSync(path.join(repo, 'new.txt'), 'new\n');
    fs.writeFileSync(path.join(repo, 'sub', 'README.md'), 'edited in the submodule\n');
    const { manager, head } = await setup(repo);
    const base = await manager.preflight();
    expect(base).toMatchObject({ commit: head, branchName: 'main', subject: 'add sub' });
    expect(base.uncommitted.sort()).toEqual(['README.md', 'new.txt', 'sub']);
    const wt = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: base.commit });
    expect(fs.readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('# fixture\n');
    expect(fs.existsSync(path.join(wt.path, 'new.txt'))).toBe(false);
    expect(fs.existsSync(path.join(wt.path, 'sub', 'README.md'))).toBe(false);
  });

  it('allows a detached HEAD: branchName null, the build starts from that commit', async () => {
    const repo = makeRepo();
    git(repo, ['checkout', '-q', '--detach']);
    const { manager, head } = await setup(repo);
    expect(await manager.preflight()).toMatchObject({ commit: head, branchName: null, subject: 'initial', uncommitted: [] });
  });

  it('refuses a repository with no commits, a bare one, a folder inside .git, a non-repository and a missing git', async () => {
    const managedRoot = path.join(tempDir(), 'm');
    const unborn = makeRepo({ commit: false });
    await expect(WorktreeManager.open({ repoRoot: unborn, managedRoot })).rejects.toThrow(E.UnbornHeadError);
    await expect(WorktreeManager.open({ repoRoot: unborn, managedRoot })).rejects.toThrow(/commit something first/);
    const bare = tempDir();
    git(bare, ['init', '-q', '--bare']);
    await expect(WorktreeManager.open({ repoRoot: bare, managedRoot })).rejects.toThrow(E.NoWorkTreeError);
    await expect(WorktreeManager.open({ repoRoot: path.join(makeRepo(), '.git'), managedRoot })).rejects.toThrow(E.NoWorkTreeError);
    const plain = tempDir();
    await expect(WorktreeManager.open({ repoRoot: plain, managedRoot })).rejects.toThrow(E.NotAGitRepositoryError);
    await expect(WorktreeManager.open({ repoRoot: plain, managedRoot })).rejects.toThrow(plain);
    await expect(WorktreeManager.open({ repoRoot: makeRepo(), managedRoot, gitBinary: 'no-such-git-here' })).rejects.toThrow(E.GitUnavailableError);
    await expect(WorktreeManager.open({ repoRoot: makeRepo(), managedRoot, gitBinary: '/no/such/git' })).rejects.toThrow(E.GitUnavailableError);
    expect(fs.existsSync(managedRoot)).toBe(false);
  });

  it('refuses a managed root inside the work tree, inside .git, or containing the repository, creating nothing', async () => {
    const repo = makeRepo();
    const before = userState(repo);
    await expect(WorktreeManager.open({ repoRoot: repo, managedRoot: path.join(repo, 'wt', 'deep') })).rejects.toThrow(E.ManagedRootError);
    await expect(WorktreeManager.open({ repoRoot: repo, managedRoot: path.join(repo, '.git', 'orchard') })).rejects.toThrow(/own folder/);
    await expect(WorktreeManager.open({ repoRoot: repo, managedRoot: path.dirname(repo) })).rejects.toThrow(/contains the repository/);
    // Through a link that leads into the repository.
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(repo, link);
    await expect(WorktreeManager.open({ repoRoot: repo, managedRoot: path.join(link, 'x') })).rejects.toThrow(/inside the repository/);
    expect(userState(repo)).toEqual(before);
    expect(fs.existsSync(path.join(repo, 'wt'))).toBe(false);
  });
});

describe('remove', { timeout: 30_000 }, () => {
  it('deletes only its own branch when asked, and keeps it when not', async () => {
    const { repo, manager, head } = await setup();
    git(repo, ['branch', 'orchard/mine', head]);
    await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    await manager.create({ operationId: 'op-2', slug: 's', baseCommit: head });
    expect(await manager.remove('op-1', { deleteBranch: true })).toEqual({ branchDeleted: true, warnings: [] });
    expect(await manager.remove('op-2', { deleteBranch: false })).toEqual({ branchDeleted: false, warnings: [] });
    expect(branches(repo).sort()).toEqual(['main', 'orchard/mine', 'orchard/s-2']);
    expect(worktreePaths(repo)).toEqual([repo]);
    expect(await manager.list()).toEqual([]);
  });

  it('deletes the branch with no user hook running (update-ref, hooks pointed nowhere)', async () => {
    const { repo, manager, head } = await setup();
    await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    const ran = path.join(tempDir(), 'ran');
    hooks(repo, `echo "$1" >> ${ran}`, 'reference-transaction');
    expect(await manager.remove('op-1', { deleteBranch: true })).toMatchObject({ branchDeleted: true });
    expect(branches(repo)).toEqual(['main']);
    expect(fs.existsSync(ran)).toBe(false);
  });

  it('keeps a branch that became a symbolic ref (to main) and main itself', async () => {
    const { repo, manager, head } = await setup();
    await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    git(repo, ['symbolic-ref', 'refs/heads/orchard/s-1', 'refs/heads/main']);
    await expect(manager.remove('op-1', { deleteBranch: true, discardChanges: true })).rejects.toThrow(/symbolic ref to refs\/heads\/main/);
    expect(git(repo, ['rev-parse', 'refs/heads/main']).trim()).toBe(head);
    expect(worktreePaths(repo)).toHaveLength(2);
  });

  it('refuses uncommitted files, and commits after the base when deleting the branch, unless told to discard', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const wt = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    fs.writeFileSync(path.join(wt.path, 'work.txt'), 'agent work\n');
    await expect(manager.remove('op-1', { deleteBranch: false })).rejects.toThrow(E.WorktreeDirtyError);
    git(wt.path, ['add', 'work.txt']);
    git(wt.path, ['commit', '-q', '-m', 'work']);
    await expect(manager.remove('op-1', { deleteBranch: true })).rejects.toThrow(/commits on orchard\/s-1/);
    expect(fs.readFileSync(path.join(wt.path, 'work.txt'), 'utf8')).toBe('agent work\n');
    expect(fs.readdirSync(managedRoot).filter((n) => n !== '.worktrees.lock')).toEqual(['op-1']);
    expect(await manager.remove('op-1', { deleteBranch: true, discardChanges: true })).toMatchObject({ branchDeleted: true });
    expect(branches(repo)).toEqual(['main']);
  });

  it('refuses a folder without a marker, another repository\'s marker, a path git does not list, and paths outside', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const outside = tempDir('orchard-outside-');
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'keep\n');
    // No marker.
    fs.mkdirSync(path.join(managedRoot, 'op-bare', 'tree'), { recursive: true });
    fs.writeFileSync(path.join(managedRoot, 'op-bare', 'tree', 'f.txt'), 'x\n');
    // Another repository's worktree in the same managed root.
    const otherRepo = makeRepo();
    const other = await WorktreeManager.open({ repoRoot: otherRepo, managedRoot });
    const theirs = await other.create({ operationId: 'op-theirs', slug: 's', baseCommit: git(otherRepo, ['rev-parse', 'HEAD']).trim() });
    // A valid-looking marker for a path git does not list.
    const ours = await manager.create({ operationId: 'op-ours', slug: 's', baseCommit: head });
    fs.mkdirSync(path.join(managedRoot, 'op-copy', 'tree'), { recursive: true });
    const marker = JSON.parse(fs.readFileSync(path.join(managedRoot, 'op-ours', 'owner.json'), 'utf8'));
    fs.writeFileSync(path.join(managedRoot, 'op-copy', 'owner.json'), JSON.stringify({ ...marker, operationId: 'op-copy' }));
    // A marker of ours but for another operation id.
    fs.mkdirSync(path.join(managedRoot, 'op-renamed'));
    fs.writeFileSync(path.join(managedRoot, 'op-renamed', 'owner.json'), JSON.stringify(marker));
    // A link in the managed root to a folder outside that holds a copy of a marker.
    fs.writeFileSync(path.join(outside, 'owner.json'), JSON.stringify({ ...marker, operationId: 'op-link' }));
    fs.symlinkSync(outside, path.join(managedRoot, 'op-link'));
    const snapshotOf = () => [files(managedRoot).join('\n'), files(outside).join('\n'), worktreePaths(repo), worktreePaths(otherRepo), branches(repo), branches(otherRepo)];
    const before = snapshotOf();
    const cases: Array<[string, RegExp]> = [['op-bare', /no ownership marker/], ['op-theirs', /another repository/], ['op-copy', /git does not list/],
      ['op-renamed', /names operation op-ours/], ['op-link', /not a plain folder/], ['op-none', /no such folder/],
      ['../outside', /not an operation/], [outside, /not an operation/], ['.trash', /not an operation/]];
    for (const [id, reason] of cases) {
      const error = await manager.remove(id, { deleteBranch: true, discardChanges: true }).catch((e: unknown) => e);
      expect(error, id).toBeInstanceOf(E.NotOwnedError);
      expect((error as Error).message, id).toMatch(reason);
    }
    expect(snapshotOf()).toEqual(before);
    expect(fs.existsSync(theirs.path) && fs.existsSync(ours.path)).toBe(true);
    const listed = await manager.list();
    expect(listed.map((w) => [w.state, w.operationId])).toEqual([
      ['invalid', 'op-bare'],
      ['missing', 'op-copy'],
      ['ok', 'op-ours'],
      ['invalid', 'op-renamed'],
    ]);
  });

  it('never follows a link inside the removed folder or the trash out of it, nor a .trash that is a link', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const outside = tempDir('orchard-outside-');
    fs.mkdirSync(path.join(outside, 'home'));
    fs.writeFileSync(path.join(outside, 'home', 'precious.txt'), 'precious\n');
    const before = files(outside);
    const wt = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    fs.symlinkSync(path.join(outside, 'home'), path.join(wt.path, 'escape'));
    fs.symlinkSync(path.join(outside, 'home'), path.join(managedRoot, 'op-1', 'escape-beside'));
    await manager.remove('op-1', { deleteBranch: true, discardChanges: true });
    await manager.whenIdle();
    expect(files(outside)).toEqual(before);
    expect(fs.readdirSync(path.join(managedRoot, '.trash'))).toEqual([]);
    // Leftovers planted in the trash: a folder with a link in it, and a link itself.
    fs.mkdirSync(path.join(managedRoot, '.trash', 'op-9-abcd'));
    fs.symlinkSync(path.join(outside, 'home'), path.join(managedRoot, '.trash', 'op-9-abcd', 'link'));
    fs.symlinkSync(path.join(outside, 'home'), path.join(managedRoot, '.trash', 'op-8-link'));
    await manager.prune();
    expect(files(outside)).toEqual(before);
    expect(fs.readdirSync(path.join(managedRoot, '.trash'))).toEqual([]);
    // A .trash that is itself a link out: refused, and the operation stays in place.
    const wt2 = await manager.create({ operationId: 'op-2', slug: 's', baseCommit: head });
    fs.rmdirSync(path.join(managedRoot, '.trash'));
    fs.symlinkSync(path.join(outside, 'home'), path.join(managedRoot, '.trash'));
    await expect(manager.remove('op-2', { deleteBranch: true })).rejects.toThrow(E.ManagedRootError);
    await expect(manager.prune()).rejects.toThrow(E.ManagedRootError);
    expect(files(outside)).toEqual(before);
    expect(fs.existsSync(wt2.path) && branches(repo).includes(wt2.branch)).toBe(true);
  });
});

describe('list', { timeout: 30_000 }, () => {
  it('reports a marker without a git worktree as missing and a git worktree without a marker as unregistered, deleting neither', async () => {
    const { repo, manager, managedRoot, head } = await setup();
    const kept = await manager.create({ operationId: 'op-1', slug: 's', baseCommit: head });
    const gone = await manager.create({ operationId: 'op-2', slug: 's', baseCommit: head });
    git(repo, ['worktree', 'remove', '--force', gone.path]);
    git(repo, ['worktree', 'add', '-q', '-b', 'by-hand', path.join(managedRoot, 'op-3', 'tree'), head]);
    git(repo, ['worktree', 'add', '-q', '--detach', path.join(managedRoot, 'loose'), head]);
    const listed = await manager.list();
    expect(listed.map((w) => [w.state, w.path])).toEqual([
      ['ok', kept.path],
      ['missing', gone.path],
      ['unregistered', path.join(managedRoot, 'op-3', 'tree')],
      ['unregistered', path.join(managedRoot, 'loose')],
    ]);
    expect(listed[2]).toMatchObject({ branch: 'by-hand', problem: expect.stringMatching(/no ownership marker/) });
    expect(fs.existsSync(path.join(managedRoot, 'op-2', 'owner.json'))).toBe(true);
    expect(fs.existsSync(path.join(managedRoot, 'op-3', 'tree', 'README.md'))).toBe(true);
    await expect(manager.remove('op-2', { deleteBranch: true })).rejects.toThrow(/git does not list/);
    await expect(manager.remove('op-3', { deleteBranch: true })).rejects.toThrow(/no ownership marker/);
  });
});

describe('names and parsers', () => {
  it('numbers from 1 past branches and markers, and reads -z output with odd paths', () => {
    expect(nextBranchNumber('a', [])).toBe(1);
    expect(nextBranchNumber('a', ['orchard/a-1', 'orchard/a-2', 'orchard/a-4', 'orchard/ab-3'])).toBe(3);
    const list = parseWorktreeList('worktree /r\0HEAD ' + 'a'.repeat(40) + '\0branch refs/heads/main\0\0worktree /m/op 1/tree\nx\0HEAD ' + 'b'.repeat(40) + '\0detached\0locked\0prunable gitdir file points to non-existent location\0\0');
    expect(list).toEqual([
      { path: '/r', head: 'a'.repeat(40), branch: 'refs/heads/main', bare: false, detached: false, locked: false, prunable: false },
      { path: '/m/op 1/tree\nx', head: 'b'.repeat(40), bare: false, detached: true, locked: true, prunable: true },
    ]);
    expect(parseStatusPaths(' M a b.txt\0R  new name\0old name\0?? dir/\0')).toEqual(['a b.txt', 'new name', 'old name', 'dir/']);
  });

  it('accepts only a complete marker of the current format', () => {
    const good = { version: 1, operationId: 'op-1', repo: '/r', gitCommonDir: '/r/.git', branch: 'orchard/s-1', baseCommit: 'a'.repeat(40), createdAt: 'now' };
    expect(parseMarker(JSON.stringify(good))).toEqual(good);
    expect(parseMarker('{')).toEqual({ problem: 'owner.json is not JSON' });
    expect(parseMarker(JSON.stringify({ ...good, version: 2 }))).toHaveProperty('problem', expect.stringMatching(/version 2/));
    expect(parseMarker(JSON.stringify({ ...good, branch: 'main' }))).toHaveProperty('problem', expect.stringMatching(/not one under orchard/));
    expect(parseMarker(JSON.stringify({ ...good, operationId: '../x' }))).toHaveProperty('problem', expect.stringMatching(/operation id/));
    expect(parseMarker(JSON.stringify({ ...good, gitCommonDir: undefined }))).toHaveProperty('problem', expect.stringMatching(/gitCommonDir/));
    for (const id of ['op-1', 'op-0000abcd-0123456789abcdef']) expect(isSafeOperationId(id), id).toBe(true);
    for (const id of ['', '.trash', '..', 'a/b', 'a\\b', '-x', 'x'.repeat(81)]) expect(isSafeOperationId(id), id).toBe(false);
  });
});
