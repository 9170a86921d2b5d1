/**
 * The git worktrees builds run in: one branch `orchard/<slug>-<n>` and one
 * worktree per operation, at `<managedRoot>/<operationId>/tree`, with the
 * ownership marker `owner.json` beside it (outside the worktree, so it is never
 * committed). The user's checkout — HEAD, index, working tree, other branches,
 * stash — is never touched: no stash, no clean, no checkout, and nothing is
 * removed unless the marker and git's own worktree list both say it is ours.
 *
 * Git writes are serialized per repository twice: an in-process queue keyed by
 * the repository's real common folder, and a lock file in the managed root
 * (store/fileLock.ts), so two windows or the CLI do not race on branch numbers
 * or `.git/worktrees`. git is started by absolute path with argument arrays.
 * No `vscode` import: the extension host and the CLI share it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isWithin, readFileInside, resolveInside } from '../../platform/confinedPath';
import { ExecutableNotFoundError, resolveExecutable } from '../../platform/executables';
import { writeFileAtomic } from '../atomicFile';
import { acquireLock } from '../fileLock';
import { batchCheck, gitDirState, listRefs, repoInfo, symbolicTarget, type RepoInfo } from '../gitPlumbing';
import { GitCommandError, GitNotFoundError, GitRunner } from '../gitRunner';
import * as errors from './worktreeErrors';
import * as names from './worktreeNames';
import type { BuildBase, CreatedWorktree, ListedWorktree, RemoveOptions, RemoveResult, WorktreeManagerOptions } from './worktreeNames';

export type { BuildBase, CreatedWorktree, ListedWorktree, OwnedWorktree, RemoveOptions, RemoveResult, WorktreeManagerOptions } from './worktreeNames';

type Inspected = { operationId: string; treePath: string } & ({ marker: names.OwnerMarker } | { problem: string; foreign?: boolean });
/** Per-repository tails of the in-process queue (see exclusive()). */
const queues = new Map<string, Promise<void>>();
const LOCK = { staleMs: 60_000, timeoutMs: 180_000 };
const MAX_BRANCH_ATTEMPTS = 5; // another process (another managed root on this repository) may take a number first
const STATUS_ARGS = ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--ignore-submodules=none'];

export class WorktreeManager {
  private cleanup: Promise<void> = Promise.resolve();

  private constructor(
    private readonly git: GitRunner,
    private readonly repo: RepoInfo & { topLevel: string; gitCommonDir: string },
    /** Real path. */
    readonly managedRoot: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Checks the repository (errors in worktreeErrors.ts) and the managed root, creating the latter. */
  static async open(options: WorktreeManagerOptions): Promise<WorktreeManager> {
    const given = path.resolve(options.repoRoot);
    if (!(await fsp.stat(given).then((s) => s.isDirectory(), () => false))) throw new errors.NotAGitRepositoryError(given, 'no such folder');
    let binary: string;
    try {
      binary = resolveExecutable(options.gitBinary ?? 'git');
    } catch (error) {
      if (error instanceof ExecutableNotFoundError) throw new errors.GitUnavailableError(options.gitBinary ?? 'git', error.message);
      throw error;
    }
    const runner = new GitRunner(await fsp.realpath(given), binary);
    let info: RepoInfo;
    try {
      info = await repoInfo(runner);
    } catch (error) {
      if (error instanceof GitNotFoundError) throw new errors.GitUnavailableError(binary, error.message);
      if (!(error instanceof GitCommandError)) throw error;
      const where = await gitDirState(runner).catch(() => undefined);
      if (where?.bare || where?.insideGitDir) throw new errors.NoWorkTreeError(given, where.bare);
      throw new errors.NotAGitRepositoryError(given, error.stderr.trim().split('\n')[0]);
    }
    const repo = { ...info, topLevel: await fsp.realpath(info.topLevel), gitCommonDir: await fsp.realpath(info.gitCommonDir) };
    const git = new GitRunner(repo.topLevel, binary);
    if (!(await batchCheck(git, ['HEAD']))[0]) throw new errors.UnbornHeadError(repo.topLevel);
    const managedRoot = await prepareManagedRoot(path.resolve(options.managedRoot), repo);
    return new WorktreeManager(git, repo, managedRoot, options.log ?? (() => undefined));
  }

  /** What a build would start from. Reads only (status without optional locks: the index is not rewritten). */
  async preflight(): Promise<BuildBase> {
    const [log, head, status] = await Promise.all([
      this.git.run(['rev-list', '-1', '--format=%H%x1f%s', 'HEAD', '--']).catch(async (error: unknown) => {
        if (error instanceof GitCommandError && !(await batchCheck(this.git, ['HEAD']))[0]) throw new errors.UnbornHeadError(this.repo.topLevel);
        throw error;
      }),
      this.git.run(['rev-parse', '--symbolic-full-name', 'HEAD']),
      this.git.run([...STATUS_ARGS, '--untracked-files=normal']),
    ]);
    const line = log.split('\n')[1] ?? '';
    const sep = line.indexOf('\x1f');
    const ref = head.trim();
    return {
      commit: line.slice(0, sep),
      branchName: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
      subject: line.slice(sep + 1),
      uncommitted: names.parseStatusPaths(status),
    };
  }

  /**
   * Makes branch `orchard/<slug>-<n>` at `baseCommit` and its worktree. A failing
   * post-checkout hook is a warning once the worktree is complete; any other
   * failure removes what was made (folder, registration, branch) and throws
   * WorktreeCreateError naming the step.
   */
  async create(input: { operationId: string; slug: string; baseCommit: string }): Promise<CreatedWorktree> {
    const { operationId, slug, baseCommit } = input;
    if (!names.isSafeOperationId(operationId)) throw new errors.InvalidWorktreeInputError('operationId', operationId, 'letters, digits, "-" and "_", starting with a letter or digit');
    if (!names.isValidBranchSlug(slug)) throw new errors.InvalidWorktreeInputError('slug', slug, 'a blueprint slug (lowercase letters, digits, "-", "_", inner ".")');
    // A full object id only: a revision expression or an option-like text never reaches git.
    if (!names.isFullOid(baseCommit, this.repo.objectFormat)) throw new errors.InvalidWorktreeInputError('baseCommit', baseCommit, 'a full commit id');
    if ((await batchCheck(this.git, [baseCommit]))[0]?.type !== 'commit') throw new errors.InvalidWorktreeInputError('baseCommit', baseCommit, 'a commit of this repository');
    return this.exclusive(async () => {
      const dir = path.join(this.managedRoot, operationId);
      const treePath = path.join(dir, names.TREE_DIR);
      if (await fsp.lstat(dir).then(() => true, () => false)) throw new errors.OperationExistsError(operationId, dir);
      const taken = new Set((await listRefs(this.git, `refs/heads/${names.BRANCH_PREFIX}`)).map((r) => names.BRANCH_PREFIX + r.name));
      for (const folder of await this.markers()) if ('marker' in folder) taken.add(folder.marker.branch);
      await fsp.mkdir(dir);
      let lastError = '';
      for (let attempt = 0; attempt < MAX_BRANCH_ATTEMPTS; attempt++) {
        const branch = names.branchName(slug, names.nextBranchNumber(slug, taken));
        taken.add(branch);
        const result = await this.addWorktree(operationId, dir, treePath, branch, baseCommit);
        if (result !== 'branch-taken') return result;
        lastError = `branch ${branch} was made by another process meanwhile`;
      }
      const left = await this.undoCreate(dir, treePath, undefined, baseCommit);
      throw new errors.WorktreeCreateError(operationId, 'choosing a branch name', lastError, left);
    });
  }

  private async addWorktree(operationId: string, dir: string, treePath: string, branch: string, baseCommit: string): Promise<CreatedWorktree | 'branch-taken'> {
    const warnings: string[] = [];
    try {
      // -b never overwrites an existing branch (that would be -B); --no-track: no upstream is recorded.
      // checkout.workers=0: the files are written by one worker per core (git's parallel checkout), three
      // to four times faster on a 20,000-file project here than git's default of one.
      await this.git.run(['-c', 'checkout.workers=0', 'worktree', 'add', '--no-track', '-b', branch, '--', treePath, baseCommit]);
    } catch (error) {
      // git makes the branch first and stops there if it exists: then nothing is ours to undo.
      if (error instanceof GitCommandError && /a branch named .* already exists/.test(error.stderr)) return 'branch-taken';
      // Any failure, a timeout included, is undone unless the worktree is complete and at
      // its base: then only the post-checkout hook, which runs last, can have failed.
      if (!(error instanceof GitCommandError) || !(await this.isComplete(treePath, branch, baseCommit))) {
        const left = await this.undoCreate(dir, treePath, branch, baseCommit);
        throw new errors.WorktreeCreateError(operationId, 'git worktree add', messageOf(error), left);
      }
      warnings.push(`the repository's post-checkout hook failed (the worktree is complete): ${error.stderr.trim() || `exit ${error.exitCode}`}`);
    }
    const created: CreatedWorktree = { operationId, branch, path: treePath, baseCommit, createdAt: new Date().toISOString(), warnings };
    try {
      if (!(await this.isComplete(treePath, branch, baseCommit))) throw new Error(`the worktree is not at ${baseCommit} on ${branch} (did a hook move it?)`);
      const marker: names.OwnerMarker = { version: names.MARKER_VERSION, operationId, repo: this.repo.topLevel, gitCommonDir: this.repo.gitCommonDir, branch, baseCommit, createdAt: created.createdAt };
      await writeFileAtomic(path.join(dir, names.MARKER_FILE), names.serializeMarker(marker));
    } catch (error) {
      const left = await this.undoCreate(dir, treePath, branch, baseCommit);
      throw new errors.WorktreeCreateError(operationId, 'checking the worktree and writing its ownership marker', messageOf(error), left);
    }
    return created;
  }

  /** Whether git lists `treePath` with HEAD on `branch` at `baseCommit`, and the branch is a plain ref there. */
  private async isComplete(treePath: string, branch: string, baseCommit: string): Promise<boolean> {
    const entry = (await this.worktrees()).find((e) => e.path === treePath);
    const ref = await this.branchRef(branch);
    return entry?.head === baseCommit && entry.branch === `refs/heads/${branch}` && ref.oid === baseCommit && !ref.symref;
  }

  /** Removes what a failed create made; returns what could not be removed. `branch`: ours to delete if still at the base. */
  private async undoCreate(dir: string, treePath: string, branch: string | undefined, baseCommit: string): Promise<string[]> {
    const left: string[] = [];
    const registered = async () => (await this.worktrees()).some((e) => e.path === treePath);
    // Only ever our own path: never a bare `worktree remove` of anything else.
    if (await registered()) await this.git.run(['worktree', 'remove', '--force', '--', treePath]).catch(() => undefined);
    try {
      await this.removeInside(this.managedRoot, dir);
    } catch (error) {
      left.push(`the folder ${dir} (${messageOf(error)})`);
    }
    if (await registered()) await this.git.run(['worktree', 'prune']).catch(() => undefined);
    if (await registered()) left.push(`the worktree registration of ${treePath}`);
    if (branch) {
      const ref = await this.branchRef(branch);
      if (ref.oid === baseCommit && !ref.symref) {
        await this.deleteBranch(branch, baseCommit).catch((error: unknown) => left.push(`branch ${branch} (${messageOf(error)})`));
      } else if (ref.oid) left.push(`branch ${branch} (it moved away from the base commit)`);
    }
    return left;
  }

  /** Worktrees Orchard made, reconciled with git's list; nothing is deleted here. */
  async list(): Promise<ListedWorktree[]> {
    const entries = await this.worktrees();
    const seen = new Set<string>();
    const listed: ListedWorktree[] = [];
    for (const folder of await this.markers()) {
      const entry = entries.find((e) => e.path === folder.treePath);
      if (entry) seen.add(entry.path);
      if ('marker' in folder) {
        const { operationId, branch, baseCommit, createdAt } = folder.marker;
        listed.push({ operationId, branch, baseCommit, createdAt, path: folder.treePath, state: entry ? 'ok' : 'missing', ...(entry?.head ? { head: entry.head } : {}) });
      } else if (entry) {
        listed.push({ state: 'unregistered', path: entry.path, operationId: folder.operationId, ...names.branchAndHead(entry), problem: folder.problem });
      } else if (!folder.foreign && !entries.some((e) => isWithin(path.dirname(folder.treePath), e.path))) {
        listed.push({ state: 'invalid', path: folder.treePath, operationId: folder.operationId, problem: folder.problem });
      }
    }
    for (const entry of entries.slice(1)) {
      if (seen.has(entry.path) || !isWithin(this.managedRoot, entry.path)) continue;
      listed.push({ state: 'unregistered', path: entry.path, ...names.branchAndHead(entry), problem: 'git lists it under the managed folder but it has no ownership marker' });
    }
    return listed;
  }

  /**
   * Removes an operation's worktree, only when its marker names this operation
   * and repository and git lists exactly its path; otherwise throws
   * NotOwnedError and touches nothing. The folder moves into `.trash` in one
   * rename (so a crash never leaves a half-deleted worktree git still lists),
   * the registration is pruned, the branch deleted only when asked and ours
   * (compare-and-swap on the oid read here), and the trash emptied in the
   * background (whenIdle()).
   */
  async remove(operationId: string, options: RemoveOptions): Promise<RemoveResult> {
    if (!names.isSafeOperationId(operationId)) throw new errors.NotOwnedError(operationId, `"${operationId}" is not an operation of ${this.managedRoot}`);
    return this.exclusive(async () => {
      const dir = path.join(this.managedRoot, operationId);
      const folder = await this.inspect(operationId);
      if (!('marker' in folder)) throw new errors.NotOwnedError(dir, folder.problem);
      const { marker, treePath } = folder;
      const entries = await this.worktrees();
      const matches = entries.filter((e) => e.path === treePath);
      if (matches.length !== 1 || entries[0]?.path === treePath || matches[0]!.bare) throw new errors.NotOwnedError(dir, `git does not list ${treePath} as a worktree of this repository`);
      const entry = matches[0]!;
      if (entry.locked) throw new errors.NotOwnedError(dir, `it is locked ("git worktree unlock ${treePath}" first)`);
      const lost: string[] = [];
      if (!options.discardChanges) {
        const status = await new GitRunner(treePath, this.git.binary).run([...STATUS_ARGS, '--untracked-files=all']);
        lost.push(...names.parseStatusPaths(status));
      }
      let branchOid: string | undefined;
      if (options.deleteBranch) {
        // Never `git branch -D`: only this plain ref, not checked out anywhere else, by compare-and-swap.
        const ref = await this.branchRef(marker.branch);
        if (ref.symref) throw new errors.NotOwnedError(dir, `branch ${marker.branch} is a symbolic ref to ${ref.symref}`);
        const elsewhere = entries.find((e) => e !== entry && e.branch === `refs/heads/${marker.branch}`);
        if (ref.oid && elsewhere) throw new errors.NotOwnedError(dir, `branch ${marker.branch} is checked out in ${elsewhere.path}`);
        if (ref.oid && entry.branch === `refs/heads/${marker.branch}` && entry.head !== ref.oid) throw new errors.NotOwnedError(dir, `the worktree's HEAD is not at branch ${marker.branch}`);
        if (ref.oid && ref.oid !== marker.baseCommit && !options.discardChanges) lost.push(`commits on ${marker.branch} after the base commit`);
        branchOid = ref.oid;
      }
      if (lost.length > 0) throw new errors.WorktreeDirtyError(treePath, lost);
      const trash = await this.trashFolder();
      const target = path.join(trash, `${operationId}-${randomBytes(4).toString('hex')}`);
      await fsp.rename(dir, target);
      const warnings: string[] = [];
      await this.git.run(['worktree', 'prune']).catch((error: unknown) => warnings.push(`git worktree prune failed: ${messageOf(error)}`));
      if ((await this.worktrees()).some((e) => e.path === treePath)) warnings.push(`git still lists ${treePath} (locked?); "git worktree prune" removes it once unlocked`);
      let branchDeleted = false;
      if (branchOid) {
        await this.deleteBranch(marker.branch, branchOid).then(
          () => (branchDeleted = true),
          (error: unknown) => warnings.push(`branch ${marker.branch} was kept: ${messageOf(error)}`),
        );
      } else if (options.deleteBranch) warnings.push(`branch ${marker.branch} no longer existed`);
      this.inBackground(target);
      return { branchDeleted, warnings };
    });
  }

  /** `git worktree prune`, then empties what earlier removes left in `.trash`. */
  async prune(): Promise<void> {
    await this.exclusive(async () => {
      await this.git.run(['worktree', 'prune']);
      const trash = await this.trashFolder();
      for (const name of await fsp.readdir(trash)) await this.removeInside(trash, path.join(trash, name));
    });
  }

  /** Resolves when the background trash removals started so far have ended (tests, shutdown). */
  whenIdle = (): Promise<void> => this.cleanup;

  private inBackground(target: string): void {
    const trash = path.join(this.managedRoot, names.TRASH_DIR);
    this.cleanup = this.cleanup.then(() =>
      this.removeInside(trash, target).catch((error: unknown) => this.log(`worktrees: could not empty ${target}: ${messageOf(error)}`)),
    );
  }

  /**
   * Deletes `target`, a folder or link directly below `root`, never anything a
   * link leads to: a link is unlinked itself; a folder must resolve to itself
   * inside `root` (confinedPath), and fs.rm does not follow links inside it.
   */
  private async removeInside(root: string, target: string): Promise<void> {
    if (path.dirname(target) !== root) throw new Error(`${target} is not directly inside ${root}`);
    const stat = await fsp.lstat(target).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (!stat) return;
    if (stat.isSymbolicLink() || !stat.isDirectory()) return fsp.unlink(target);
    if ((await resolveInside(root, target)) !== target) throw new Error(`${target} does not resolve to itself`);
    await fsp.rm(target, { recursive: true, force: true });
  }

  /** `<managedRoot>/.trash`, made if missing, refused if it is a link. */
  private async trashFolder(): Promise<string> {
    const trash = path.join(this.managedRoot, names.TRASH_DIR);
    await fsp.mkdir(trash, { recursive: true });
    const stat = await fsp.lstat(trash);
    if (stat.isSymbolicLink() || !stat.isDirectory() || (await resolveInside(this.managedRoot, trash)) !== trash) {
      throw new errors.ManagedRootError(this.managedRoot, `${trash} is not a plain folder (a symbolic link?); nothing was removed`);
    }
    return trash;
  }

  private async worktrees(): Promise<names.GitWorktreeEntry[]> {
    return names.parseWorktreeList(await this.git.run(['worktree', 'list', '--porcelain', '-z']));
  }

  /** A branch's oid (absent: no such branch) and, when it is a symbolic ref, what it names (never followed). */
  private async branchRef(branch: string): Promise<{ oid: string | undefined; symref: string | undefined }> {
    const ref = `refs/heads/${branch}`;
    const [[info], symref] = await Promise.all([batchCheck(this.git, [ref]), symbolicTarget(this.git, this.repo, ref)]);
    return { oid: info?.oid, symref };
  }

  private async deleteBranch(branch: string, oid: string): Promise<void> {
    // --no-deref + expected oid: this ref only, only if unmoved, never what a symref names; no hooks (as the store's).
    await this.git.run(['-c', 'core.hooksPath=/dev/null', 'update-ref', '-d', '--no-deref', `refs/heads/${branch}`, oid]);
  }

  private async markers(): Promise<Inspected[]> {
    const dirents = await fsp.readdir(this.managedRoot, { withFileTypes: true });
    const ids = dirents.filter((d) => d.isDirectory() && names.isSafeOperationId(d.name)).map((d) => d.name);
    return Promise.all(ids.sort().map((id) => this.inspect(id)));
  }

  /** An operation folder's marker, or why it is not one of ours (`foreign`: another repository's). */
  private async inspect(operationId: string): Promise<Inspected> {
    const dir = path.join(this.managedRoot, operationId);
    const treePath = path.join(dir, names.TREE_DIR);
    const base = { operationId, treePath };
    const stat = await fsp.lstat(dir).catch(() => undefined);
    if (!stat) return { ...base, problem: 'there is no such folder' };
    if (stat.isSymbolicLink() || !stat.isDirectory()) return { ...base, problem: 'it is not a plain folder (a symbolic link?)' };
    let text: string;
    try {
      text = await readFileInside(this.managedRoot, path.join(dir, names.MARKER_FILE));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      return { ...base, problem: missing ? `it has no ownership marker (${names.MARKER_FILE})` : `its marker cannot be read: ${messageOf(error)}` };
    }
    const marker = names.parseMarker(text);
    if ('problem' in marker) return { ...base, problem: marker.problem };
    if (marker.operationId !== operationId) return { ...base, problem: `its marker names operation ${marker.operationId}` };
    if (marker.gitCommonDir !== this.repo.gitCommonDir) return { ...base, problem: `its marker names another repository (${marker.repo})`, foreign: true };
    return { ...base, marker };
  }

  /** Runs `fn` alone for this repository: after earlier calls in this process, and under the managed root's lock file. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.repo.gitCommonDir;
    const previous = queues.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    queues.set(key, tail);
    await previous;
    try {
      const release = await acquireLock(path.join(this.managedRoot, names.LOCK_FILE), LOCK);
      try {
        return await fn();
      } finally {
        release();
      }
    } finally {
      done();
      if (queues.get(key) === tail) queues.delete(key);
    }
  }
}

/**
 * The managed root's real path, made if missing. Refused inside the repository's
 * work tree or its `.git` (worktrees there would show in the user's status, or
 * be committed), and when it contains the repository (a home folder given by
 * mistake). Checked on the planned real path before anything is made.
 */
async function prepareManagedRoot(given: string, repo: { topLevel: string; gitCommonDir: string }): Promise<string> {
  const check = (root: string) => {
    const problem = names.managedRootProblem(root, repo);
    if (problem) throw new errors.ManagedRootError(given, problem);
  };
  // The real path it will have once made: its deepest existing part resolved (confinedPath's rule), the rest appended.
  check(await resolveInside(path.parse(given).root, given));
  await fsp.mkdir(given, { recursive: true });
  const real = await fsp.realpath(given);
  check(real);
  return real;
}

function messageOf(error: unknown): string {
  return error instanceof GitCommandError ? error.stderr.trim() || error.message : error instanceof Error ? error.message : String(error);
}
