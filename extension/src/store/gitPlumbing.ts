/**
 * Git plumbing for the blueprint store, the bottom layer (CONVENTIONS.md 3):
 * one small function per command and a pure parser for each output, tested on
 * real git output, plus ObjectWriter, the write side of a save. Nothing here
 * reads or writes HEAD, the index, branches or the working tree: only objects
 * and the refs it is given. Needs git 2.29 or newer (`rev-parse
 * --show-object-format`; `update-ref --stdin` transactions came in 2.27).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ensureFolderInside, resolveInside } from '../platform/confinedPath';
import { GitBatchProcess } from './gitBatch';
import { GitCommandError, type GitRunner } from './gitRunner';

export interface RepoInfo {
  /** The work tree's top folder, as git prints it. */
  topLevel: string;
  objectFormat: 'sha1' | 'sha256';
  /** The "no such ref" value for compare-and-swap: as many zeros as an object id has digits. */
  zeroOid: string;
  /** The repository's own folder (shared by all its worktrees), absolute. */
  gitCommonDir: string;
}

/** Throws GitCommandError when `cwd` is not inside a work tree (or git refuses it, e.g. dubious ownership). */
export async function repoInfo(git: GitRunner): Promise<RepoInfo> {
  const out = await git.run(['rev-parse', '--is-inside-work-tree', '--show-object-format', '--show-toplevel', '--git-common-dir']);
  return parseRepoInfo(out, git.cwd);
}

/** rev-parse prints the answers in the order asked; --git-common-dir may be relative to `cwd`. */
export function parseRepoInfo(out: string, cwd: string): RepoInfo {
  const [inside, format, topLevel, commonDir] = out.split('\n');
  if (inside !== 'true' || !topLevel || !commonDir) throw new GitCommandError(['rev-parse'], 128, 'not inside a git work tree');
  // SHA-1 and SHA-256 are the only formats git has.
  const objectFormat = format === 'sha256' ? 'sha256' : 'sha1';
  return { topLevel, objectFormat, zeroOid: '0'.repeat(objectFormat === 'sha256' ? 64 : 40), gitCommonDir: path.resolve(cwd, commonDir) };
}

/**
 * Asked only when repoInfo failed: whether `cwd` is a bare repository or inside
 * a repository's own folder (`.git`), places with no work tree where Orchard
 * must write nothing. Throws as repoInfo does when git refuses `cwd` entirely.
 */
export async function gitDirState(git: GitRunner): Promise<{ bare: boolean; insideGitDir: boolean }> {
  const [bare, insideGitDir] = (await git.run(['rev-parse', '--is-bare-repository', '--is-inside-git-dir'])).split('\n');
  return { bare: bare === 'true', insideGitDir: insideGitDir === 'true' };
}

/**
 * Where a ref under `refs/` leads when it is not a plain ref: the target of a
 * symbolic ref (`ref: refs/heads/main`), or of a loose ref file that is a
 * symbolic link; undefined for a plain or absent ref. git would follow either
 * on read, and update-ref on write unless told not to (see updateRefCas), so
 * the store refuses such refs. Read from the file system (a loose ref is a
 * file; packed refs cannot be symbolic), which costs no git process; a
 * reftable repository (git 2.45+) is asked through for-each-ref instead.
 */
export async function symbolicTarget(git: GitRunner, repo: RepoInfo, ref: string): Promise<string | undefined> {
  if (await fsp.stat(path.join(repo.gitCommonDir, 'reftable')).then((s) => s.isDirectory(), () => false)) {
    const out = await git.run(['for-each-ref', '--format=%(symref)', ref]);
    return out.trim() || undefined;
  }
  const file = path.join(repo.gitCommonDir, ...ref.split('/'));
  const stat = await fsp.lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!stat) {
    // The folders on the way may be links out of the repository as well.
    await resolveInside(repo.gitCommonDir, file);
    return undefined;
  }
  if (stat.isSymbolicLink()) return `${await fsp.readlink(file)} (a symbolic link)`;
  await resolveInside(repo.gitCommonDir, file);
  const head = await fsp.readFile(file, 'utf8');
  return head.startsWith('ref:') ? head.slice(4).trim() : undefined;
}

export interface TreeEntry {
  name: string;
  oid: string;
}

/**
 * Writes a commit. The message goes through stdin (see gitRunner.ts on argv
 * scanning). Signing is switched off twice: `commit.gpgsign=true` with a key
 * that is not there would otherwise fail every save, and no passphrase prompt
 * may appear for a private ref.
 */
export async function commitTree(
  git: GitRunner,
  tree: string,
  parent: string | undefined,
  message: string,
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const args = ['-c', 'commit.gpgsign=false', 'commit-tree', '--no-gpg-sign', ...(parent ? ['-p', parent] : []), tree];
  return firstLine(await git.run(args, { input: `${message}\n`, env }));
}

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/**
 * Resolves names (refs, `<commit>:<path>`, `<commit>^{tree}`) in one process;
 * `undefined` for each that does not exist. Always prints, so never silent.
 */
export async function batchCheck(git: GitRunner, names: readonly string[]): Promise<Array<ObjectInfo | undefined>> {
  const out = await git.run(['cat-file', '--batch-check'], { input: names.map((n) => `${n}\n`).join('') });
  return parseBatchCheck(out, names.length);
}

export function parseBatchCheck(out: string, expected: number): Array<ObjectInfo | undefined> {
  const lines = out.split('\n').slice(0, expected);
  if (lines.length !== expected) throw new Error(`cat-file --batch-check: expected ${expected} lines, got ${lines.length}`);
  return lines.map((line) => {
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(line);
    return m ? { oid: m[1]!, type: m[2]!, size: Number(m[3]) } : undefined;
  });
}

export interface BatchObject extends ObjectInfo {
  content: Buffer;
}

/** Reads objects by name in one process; `undefined` for missing ones. */
export async function batchRead(git: GitRunner, names: readonly string[]): Promise<Array<BatchObject | undefined>> {
  const out = await git.catFileBuffer(['--batch'], { input: names.map((n) => `${n}\n`).join('') });
  return parseBatch(out, names.length);
}

/** `cat-file --batch` output: a header line, then exactly `size` bytes and a newline, per object. */
export function parseBatch(out: Buffer, expected: number): Array<BatchObject | undefined> {
  const result: Array<BatchObject | undefined> = [];
  let at = 0;
  while (result.length < expected) {
    const eol = out.indexOf(10, at);
    if (eol < 0) throw new Error(`cat-file --batch: output ended after ${result.length} of ${expected} objects`);
    const header = out.subarray(at, eol).toString('utf8');
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
    if (!m) {
      // "<name> missing" (or "ambiguous"): no content follows.
      result.push(undefined);
      at = eol + 1;
      continue;
    }
    const size = Number(m[3]);
    const start = eol + 1;
    if (start + size > out.length) throw new Error('cat-file --batch: truncated object');
    result.push({ oid: m[1]!, type: m[2]!, size, content: out.subarray(start, start + size) });
    at = start + size + 1;
  }
  return result;
}

/** Number of commits on the first-parent chain ending at `tip` (the tip's revision number). */
export async function countFirstParent(git: GitRunner, tip: string): Promise<number> {
  return Number(firstLine(await git.run(['rev-list', '--first-parent', '--count', tip])));
}

export interface LogEntry {
  commit: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  subject: string;
}

/**
 * The first-parent chain ending at `tip`, oldest first, in one process.
 * rev-list rather than log: plumbing, so `log.showSignature` and other
 * porcelain settings cannot change the output. The `commit <id>` header lines
 * are parsed rather than dropped with --no-commit-header (git 2.33+).
 */
export async function firstParentLog(git: GitRunner, tip: string): Promise<LogEntry[]> {
  const out = await git.run(['rev-list', '--first-parent', '--reverse', '--format=%ct%x1f%s', tip]);
  return parseRevListFormat(out);
}

export function parseRevListFormat(out: string): LogEntry[] {
  const entries: LogEntry[] = [];
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^commit ([0-9a-f]{40,64})$/.exec(lines[i]!);
    if (!header) continue;
    const body = lines[i + 1] ?? '';
    const sep = body.indexOf('\x1f');
    if (sep < 0) throw new Error(`rev-list: unexpected line after commit ${header[1]}`);
    entries.push({ commit: header[1]!, time: Number(body.slice(0, sep)), subject: body.slice(sep + 1) });
    i++;
  }
  return entries;
}

/**
 * Refs under `prefix` (ending in '/') with the part after it. With no such ref
 * for-each-ref prints nothing, and simple-git then holds the call 50 ms (see
 * gitRunner.ts); accepted here, as listing is not on any per-save path.
 */
export async function listRefs(git: GitRunner, prefix: string): Promise<Array<{ name: string; oid: string }>> {
  const out = await git.run(['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
  return parseForEachRef(out, prefix);
}

export function parseForEachRef(out: string, prefix: string): Array<{ name: string; oid: string }> {
  const refs: Array<{ name: string; oid: string }> = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (.+)$/.exec(line);
    if (m && m[2]!.startsWith(prefix)) refs.push({ name: m[2]!.slice(prefix.length), oid: m[1]! });
  }
  return refs;
}

/**
 * Whether git has an author and a committer identity of its own (config,
 * GIT_* variables, or one it may derive). `git var` uses the same strict rules
 * as commit-tree, so false here means commit-tree would refuse.
 */
export async function hasIdentity(git: GitRunner): Promise<{ author: boolean; committer: boolean }> {
  const ok = (name: string) =>
    git.run(['var', name]).then(
      () => true,
      (error: unknown) => {
        if (error instanceof GitCommandError) return false;
        throw error;
      },
    );
  const [author, committer] = await Promise.all([ok('GIT_AUTHOR_IDENT'), ok('GIT_COMMITTER_IDENT')]);
  return { author, committer };
}

function firstLine(out: string): string {
  const line = out.split('\n', 1)[0]!.trim();
  if (!line) throw new GitCommandError([], 0, 'no output');
  return line;
}

/**
 * The write side of a save: blobs, trees and the ref update, each through a
 * long-running process (gitBatch.ts), so that a save starts one process
 * (commit-tree) instead of four.
 */
export class ObjectWriter {
  private readonly blobs: GitBatchProcess;
  private readonly trees: GitBatchProcess;
  private readonly refs: GitBatchProcess;
  private staging: Promise<string> | undefined;

  /**
   * `stagingDir`: where texts wait for hash-object to read them (created on
   * first use), a folder inside `stagingRoot` (the repository's own folder)
   * after symbolic links.
   */
  constructor(
    runner: GitRunner,
    private readonly stagingRoot: string,
    private readonly stagingDir: string,
  ) {
    const open = (args: string[]) => new GitBatchProcess(runner.cwd, runner.binary, args);
    // --no-filters: the bytes as given, whatever .gitattributes says about the staging path.
    this.blobs = open(['hash-object', '-w', '--no-filters', '--stdin-paths']);
    this.trees = open(['mktree', '--batch']);
    // update-ref is the one plumbing command that runs a hook (reference-transaction);
    // a user's hook has no business with these refs, so hooks point nowhere.
    // --no-deref: a symbolic ref planted at our name is replaced, never followed
    // to the branch it names (the store also refuses to read one: symbolicTarget).
    this.refs = open(['-c', 'core.hooksPath=/dev/null', 'update-ref', '--no-deref', '--stdin']);
  }

  /**
   * Writes blobs; returns their ids in order. hash-object reads paths, so each
   * text is staged in a temp file (mode 600: it may hold a conversation) that
   * is removed as soon as git has read it.
   */
  async hashBlobs(texts: readonly string[]): Promise<string[]> {
    // Proved once per writer: a repository folder that came in a tarball could link it elsewhere.
    this.staging ??= ensureFolderInside(this.stagingRoot, this.stagingDir).catch((error: unknown) => {
      this.staging = undefined;
      throw error;
    });
    const dir = await this.staging;
    const files = texts.map(() => path.join(dir, `blob-${process.pid}-${randomBytes(6).toString('hex')}.tmp`));
    try {
      await Promise.all(texts.map((text, i) => fsp.writeFile(files[i]!, text, { flag: 'wx', mode: 0o600 })));
      const oids = await this.blobs.request(files.map((f) => `${f}\n`).join(''), files.length);
      return oids.map(checkOid);
    } finally {
      await Promise.all(files.map((f) => fsp.unlink(f).catch(() => undefined)));
    }
  }

  /** Writes a flat tree of blobs (mktree sorts the entries itself). */
  async mkTree(entries: readonly TreeEntry[]): Promise<string> {
    const input = entries.map((e) => `100644 blob ${e.oid}\t${e.name}\n`).join('');
    const [oid] = await this.trees.request(`${input}\n`, 1);
    return checkOid(oid);
  }

  /**
   * Moves `ref` from `oldOid` (the zero id: "must not exist yet") to `newOid`,
   * or fails without changing it: git's own compare-and-swap under the ref
   * lock. Resolves once git printed "commit: ok", i.e. the ref has moved.
   */
  async updateRefCas(ref: string, newOid: string, oldOid: string): Promise<void> {
    const answer = await this.refs.request(`start\nupdate ${ref} ${newOid} ${oldOid}\nprepare\ncommit\n`, 3);
    if (answer[2] !== 'commit: ok') throw new GitCommandError(['update-ref'], 0, `unexpected output: ${answer.join(' / ')}`);
  }

  close(): void {
    for (const process of [this.blobs, this.trees, this.refs]) process.close();
  }
}

function checkOid(oid: string | undefined): string {
  if (!oid || !/^[0-9a-f]{40,64}$/.test(oid)) throw new GitCommandError([], 0, `expected an object id, got "${oid ?? ''}"`);
  return oid;
}
