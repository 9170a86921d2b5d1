/**
 * Blueprints and their history (ARCHITECTURE.md, "Data"): the current blueprint
 * is the file `.orchard/blueprints/<slug>.json`; every revision is a commit on
 * the private ref `refs/orchard/blueprints/<slug>` whose tree holds
 * `blueprint.json` and, when there is a conversation, `messages.jsonl`.
 *
 * Written with plumbing only (hash-object, mktree, commit-tree, update-ref), so
 * HEAD, the index, branches and the working tree are never touched, whatever
 * state they are in (detached, no commits yet, a linked worktree). The ref moves
 * by compare-and-swap: two processes saving at once both land, one re-parented
 * onto the other, and a save is reported only after its ref update returned.
 * Revision N is the N-th commit of the ref's first-parent chain.
 *
 * No `vscode` import: the extension host (dist/store.js) and the CLI use it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Blueprint, type BlueprintInput, isValidSlug } from '../core/blueprint/blueprint';
import { diffBlueprints, type BlueprintDiff } from '../core/blueprint/blueprintDiff';
import { BLUEPRINTS_DIR, parseBlueprintText, problemsFromZod, serializeBlueprint, slugOfFileName } from '../core/blueprint/blueprintFile';
import { toJsonl, type TranscriptMessage } from '../core/chat/transcript';
import { ensureFolderInside, readFileInside, resolveInside } from '../platform/confinedPath';
import { ExecutableNotFoundError, resolveExecutable } from '../platform/executables';
import { prepareFile, removeStaleTempFiles } from './blueprintFileWrites';
import {
  BlueprintFileNotFoundError,
  BlueprintValidationError,
  CorruptRevisionError,
  InvalidSlugError,
  NotAGitRepositoryError,
  NoWorkTreeError,
  RefUpdateConflictError,
  RevisionNotFoundError,
  SymbolicRefError,
} from './blueprintStoreErrors';
import * as git from './gitPlumbing';
import {
  BLUEPRINT_ENTRY,
  checkTranscript,
  describeProblems,
  MESSAGES_ENTRY,
  parseMessages,
  revisionMessage,
  toRevision,
  treeEntries,
  type Revision,
} from './revisionContent';
import { GitCommandError, GitNotFoundError, GitRunner } from './gitRunner';

export const REF_PREFIX = 'refs/orchard/blueprints/';
/** Used only for a role git has no identity for (no user.name/email anywhere). */
const FALLBACK_IDENTITY = { name: 'Orchard Studio', email: 'orchard@localhost' };
/** Compare-and-swap attempts before giving up; each lost race costs ~4 git calls. */
const MAX_ATTEMPTS = 40;

export type { Revision } from './revisionContent';
export { revisionMessage } from './revisionContent';

export interface RevisionContent {
  revision: Revision;
  blueprint: Blueprint;
  messages: TranscriptMessage[];
}

export interface SaveOptions {
  /** The revision's message; its first line is kept. Default: the first line of the last user message, else "save". */
  message?: string;
  /** The conversation as of this revision, stored as messages.jsonl. */
  transcript?: readonly TranscriptMessage[];
  /** Keep the newest revision's conversation instead (a change that is not an Architect turn: a build's status). */
  keepConversation?: boolean;
}

export interface SaveResult {
  slug: string;
  /** Absolute path of the blueprint file. */
  file: string;
  /** The revision recorded, or the unchanged newest one; undefined outside a git work tree. */
  revision: Revision | undefined;
  /** Whether a new revision was recorded. */
  created: boolean;
}

interface Tip {
  oid: string;
  /** The tip's revision number. */
  count: number;
}

export class BlueprintStore {
  /** Last known tip per slug: only a guess for the compare-and-swap, which re-reads when it is wrong. */
  private readonly tips = new Map<string, Tip | undefined>();
  private identity: Promise<Record<string, string>> | undefined;
  private writer: git.ObjectWriter | undefined;
  /** Writes of one slug in this process, one after another (see `serialized`). */
  private readonly writes = new Map<string, Promise<unknown>>();

  private constructor(
    readonly workspaceRoot: string,
    private readonly runner: GitRunner | undefined,
    private readonly repo: git.RepoInfo | undefined,
    /** Why git is not available, in git's words (when it is not). */
    readonly gitUnavailableReason: string | undefined,
  ) {}

  /**
   * Throws NoWorkTreeError for a bare repository or a folder inside `.git`
   * (nothing may be written there). `gitBinary`: a program name looked up on
   * PATH, or an absolute path; git is always started by its absolute path.
   */
  static async open(workspaceRoot: string, options: { gitBinary?: string } = {}): Promise<BlueprintStore> {
    const root = path.resolve(workspaceRoot);
    if (!(await fsp.stat(root)).isDirectory()) throw new Error(`${root} is not a folder`);
    let runner: GitRunner | undefined;
    let repo: git.RepoInfo | undefined;
    let reason: string | undefined;
    try {
      runner = new GitRunner(root, resolveExecutable(options.gitBinary ?? 'git'));
      repo = await git.repoInfo(runner);
    } catch (error) {
      if (!(error instanceof GitCommandError || error instanceof GitNotFoundError || error instanceof ExecutableNotFoundError)) throw error;
      reason = (error instanceof GitCommandError ? error.stderr : error.message).trim().split('\n')[0];
      if (runner && error instanceof GitCommandError) {
        const where = await git.gitDirState(runner).catch(() => undefined);
        if (where?.bare || where?.insideGitDir) throw new NoWorkTreeError(root, where.bare);
      }
    }
    const store = new BlueprintStore(root, repo && runner, repo, reason);
    // Only where they are ours to remove: a linked-out folder is not swept.
    const blueprints = await resolveInside(root, BLUEPRINTS_DIR).catch(() => undefined);
    if (blueprints) await removeStaleTempFiles(blueprints);
    const staging = repo && (await resolveInside(repo.gitCommonDir, stagingDir(repo)).catch(() => undefined));
    if (staging) await removeStaleTempFiles(staging);
    return store;
  }

  /**
   * Ends the git processes kept open between saves now rather than after a few
   * idle seconds (they never keep a process alive; this is for tidy shutdowns).
   */
  dispose(): void {
    this.writer?.close();
    this.writer = undefined;
  }

  get gitAvailable(): boolean {
    return this.runner !== undefined;
  }

  fileOf(slug: string): string {
    return path.join(this.workspaceRoot, BLUEPRINTS_DIR, `${slug}.json`);
  }

  refOf(slug: string): string {
    return REF_PREFIX + slug;
  }

  /** Slugs with a file, a history or both, sorted. Throws OutsideRootError when the blueprints folder links out. */
  async list(): Promise<string[]> {
    const slugs = new Set<string>();
    const dir = await resolveInside(this.workspaceRoot, BLUEPRINTS_DIR);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const slug = slugOfFileName(name);
      if (slug !== undefined && isValidSlug(slug)) slugs.add(slug);
    }
    if (this.runner) for (const ref of await git.listRefs(this.runner, REF_PREFIX)) if (isValidSlug(ref.name)) slugs.add(ref.name);
    return [...slugs].sort();
  }

  /**
   * Writes the blueprint file and records a revision (an Architect turn).
   * Invalid input throws before anything is written.
   */
  async save(slug: string, blueprint: Blueprint | BlueprintInput, options: SaveOptions = {}): Promise<SaveResult> {
    return this.serialized(slug, () => this.saveNow(slug, blueprint, options));
  }

  private async saveNow(slug: string, blueprint: Blueprint | BlueprintInput, options: SaveOptions): Promise<SaveResult> {
    this.checkSlug(slug);
    const parsed = Blueprint.safeParse(blueprint);
    if (!parsed.success) throw new BlueprintValidationError('the blueprint', problemsFromZod(parsed.error));
    const transcript = checkTranscript(options.transcript ?? []);
    const text = serializeBlueprint(parsed.data);
    const messages = toJsonl(transcript);
    const message = revisionMessage(options.message, transcript);
    return this.writeAndRecord(slug, text, message, async (writer) => {
      const [bp, msgs] = await writer.hashBlobs(messages ? [text, messages] : [text]);
      if (options.keepConversation && this.runner) {
        const runner = this.runner;
        // Read from the tip the commit is parented on, as restore does.
        return async (tip) => {
          const [kept] = tip ? await git.batchCheck(runner, [`${tip.oid}:${MESSAGES_ENTRY}`]) : [undefined];
          return writer.mkTree(treeEntries(bp!, kept?.oid));
        };
      }
      const tree = await writer.mkTree(treeEntries(bp!, msgs));
      return () => Promise.resolve(tree);
    });
  }

  /**
   * Records the file as it is on disk (a hand edit) as a revision, carrying the
   * conversation of the newest revision forward. Does nothing when the file
   * already matches the newest revision. The file itself is not rewritten.
   */
  async saveCurrentFile(slug: string, message = 'save'): Promise<SaveResult> {
    return this.serialized(slug, () => this.saveCurrentFileNow(slug, message));
  }

  private async saveCurrentFileNow(slug: string, message: string): Promise<SaveResult> {
    this.checkSlug(slug);
    const file = this.fileOf(slug);
    const relative = path.posix.join(BLUEPRINTS_DIR, `${slug}.json`);
    // A blueprint file that links out of the workspace is refused, not read.
    const text = await readFileInside(this.workspaceRoot, file).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BlueprintFileNotFoundError(relative) : error;
    });
    const parsed = parseBlueprintText(text);
    if (!parsed.ok) throw new BlueprintValidationError(relative, parsed.problems);
    if (!this.runner) return { slug, file, revision: undefined, created: false };
    const [runner, writer] = [this.runner, this.objectWriter()];
    const [bp] = await writer.hashBlobs([serializeBlueprint(parsed.blueprint)]);
    const result = await this.record(slug, revisionMessage(message), true, async (tip) => {
      if (!tip) return writer.mkTree(treeEntries(bp!, undefined));
      const [previous, messages] = await git.batchCheck(runner, [`${tip.oid}:${BLUEPRINT_ENTRY}`, `${tip.oid}:${MESSAGES_ENTRY}`]);
      return previous?.oid === bp ? undefined : writer.mkTree(treeEntries(bp!, messages?.oid));
    });
    return { slug, file, ...result };
  }

  /**
   * Makes revision `rev`'s blueprint current again and records "restore rN" (history is never
   * rewritten). The conversation goes on: the newest revision's messages.jsonl is kept, not rN's.
   */
  async restore(slug: string, rev: number): Promise<SaveResult> {
    return this.serialized(slug, () => this.restoreNow(slug, rev));
  }

  private async restoreNow(slug: string, rev: number): Promise<SaveResult> {
    this.checkSlug(slug);
    const runner = this.requireGit();
    const target = (await this.revisionsOf(slug, [rev]))[0]!;
    const [blob] = await git.batchRead(runner, [`${target.commit}:${BLUEPRINT_ENTRY}`]);
    if (!blob) throw new CorruptRevisionError(slug, rev, `its tree has no ${BLUEPRINT_ENTRY}`);
    const text = blob.content.toString('utf8');
    const parsed = parseBlueprintText(text);
    if (!parsed.ok) throw new CorruptRevisionError(slug, rev, describeProblems(parsed.problems));
    const normalized = serializeBlueprint(parsed.blueprint);
    return this.writeAndRecord(slug, normalized, `restore r${rev}`, async (writer) => {
      // Reuse rN's blob unless an older writer serialized it differently from today's format.
      const bp = normalized === text ? blob.oid : (await writer.hashBlobs([normalized]))[0]!;
      // The conversation is read from the tip the commit is parented on: after
      // a lost race that is the other writer's, with its newer messages.
      return async (tip) => {
        const [messages] = tip ? await git.batchCheck(runner, [`${tip.oid}:${MESSAGES_ENTRY}`]) : [undefined];
        return writer.mkTree(treeEntries(bp, messages?.oid));
      };
    });
  }

  /** All revisions, oldest first (two git calls whatever the length). */
  async history(slug: string): Promise<Revision[]> {
    this.checkSlug(slug);
    return (await this.log(slug)).map((entry, i) => toRevision(i + 1, entry));
  }

  async show(slug: string, rev: number): Promise<RevisionContent> {
    this.checkSlug(slug);
    const revision = (await this.revisionsOf(slug, [rev]))[0]!;
    const [bp, messages] = await git.batchRead(this.requireGit(), [`${revision.commit}:${BLUEPRINT_ENTRY}`, `${revision.commit}:${MESSAGES_ENTRY}`]);
    return { revision, blueprint: this.parseRevision(slug, revision.rev, bp?.content), messages: parseMessages(slug, revision.rev, messages?.content) };
  }

  async diff(slug: string, revA: number, revB: number): Promise<BlueprintDiff> {
    this.checkSlug(slug);
    const [a, b] = await this.revisionsOf(slug, [revA, revB]);
    const [bpA, bpB] = await git.batchRead(this.requireGit(), [`${a!.commit}:${BLUEPRINT_ENTRY}`, `${b!.commit}:${BLUEPRINT_ENTRY}`]);
    return diffBlueprints(this.parseRevision(slug, revA, bpA?.content), this.parseRevision(slug, revB, bpB?.content));
  }

  // --- internals -------------------------------------------------------------

  /**
   * Two saves of one blueprint started together in this process would both
   * land (compare-and-swap), but their renames could finish in either order
   * and leave the file on the older one; so they take turns. Across processes
   * the last rename wins, whichever revision it belongs to.
   */
  private serialized<T>(slug: string, write: () => Promise<T>): Promise<T> {
    const previous = this.writes.get(slug) ?? Promise.resolve();
    const next = previous.then(write, write);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.writes.set(slug, settled);
    void settled.then(() => {
      if (this.writes.get(slug) === settled) this.writes.delete(slug);
    });
    return next;
  }

  /**
   * The save path shared by save and restore: temp file first (a full disk or
   * a read-only folder fails before the ref moves), objects, ref, then the
   * rename. `prepare` writes the objects once and gives the tree to commit on
   * a tip (asked again for the new tip after a lost race). Killed half-way, the
   * ref still names a complete commit and the file is the old or the new one; a
   * leftover temp file is removed by a later open().
   */
  private async writeAndRecord(
    slug: string,
    text: string,
    message: string,
    prepare: (writer: git.ObjectWriter) => Promise<(tip: Tip | undefined) => Promise<string>>,
  ): Promise<SaveResult> {
    const file = this.fileOf(slug);
    // The folder is proved inside the workspace after symlinks (a clone may link
    // `.orchard/blueprints` anywhere) and the file written through its real path;
    // the rename replaces a link at the file's own name rather than following it.
    const dir = await ensureFolderInside(this.workspaceRoot, path.dirname(file));
    const pending = await prepareFile(path.join(dir, path.basename(file)), text);
    try {
      let result: Pick<SaveResult, 'revision' | 'created'> = { revision: undefined, created: false };
      if (this.runner) {
        const treeFor = await prepare(this.objectWriter());
        result = await this.record(slug, message, false, treeFor);
      }
      await pending.commit();
      return { slug, file, ...result };
    } catch (error) {
      await pending.discard();
      throw error;
    }
  }

  /**
   * Commits the tree `prepare` gives for the current tip and moves the ref by
   * compare-and-swap; on a lost race re-reads the tip, re-parents, retries.
   * `prepare` returning undefined means "nothing to record".
   */
  private async record(
    slug: string,
    message: string,
    freshTip: boolean,
    prepare: (tip: Tip | undefined) => Promise<string | undefined>,
  ): Promise<Pick<SaveResult, 'revision' | 'created'>> {
    const runner = this.requireGit();
    const ref = this.refOf(slug);
    const identity = this.identityEnv();
    let tip = !freshTip && this.tips.has(slug) ? this.tips.get(slug) : await this.readTip(slug);
    let failuresOnSameTip = 0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const tree = await prepare(tip);
      if (tree === undefined) return { revision: (await this.history(slug)).at(-1), created: false };
      // Dates are set rather than left to git so that the returned time is the commit's own.
      const seconds = Math.floor(Date.now() / 1000);
      const env = { ...(await identity), GIT_AUTHOR_DATE: `@${seconds} +0000`, GIT_COMMITTER_DATE: `@${seconds} +0000` };
      const commit = await git.commitTree(runner, tree, tip?.oid, message, env);
      try {
        await this.objectWriter().updateRefCas(ref, commit, tip?.oid ?? this.repo!.zeroOid);
      } catch (error) {
        if (!(error instanceof GitCommandError)) throw error;
        const fresh = await this.readTip(slug);
        // The ref did not move, so the failure was not a lost race: a held lock
        // gets a few more tries, anything else is reported as git said it.
        failuresOnSameTip = fresh?.oid === tip?.oid ? failuresOnSameTip + 1 : 0;
        if (failuresOnSameTip >= 3) throw error;
        tip = fresh;
        await sleep(Math.random() * Math.min(40, 2 * attempt));
        continue;
      }
      const count = (tip?.count ?? 0) + 1;
      this.tips.set(slug, { oid: commit, count });
      return { revision: { rev: count, commit, time: new Date(seconds * 1000).toISOString(), message }, created: true };
    }
    throw new RefUpdateConflictError(ref, MAX_ATTEMPTS);
  }

  private async readTip(slug: string): Promise<Tip | undefined> {
    const runner = this.requireGit();
    await this.refuseSymbolicRef(slug);
    const [info] = await git.batchCheck(runner, [this.refOf(slug)]);
    const tip = info ? { oid: info.oid, count: await git.countFirstParent(runner, info.oid) } : undefined;
    this.tips.set(slug, tip);
    return tip;
  }

  private async log(slug: string): Promise<git.LogEntry[]> {
    const runner = this.requireGit();
    await this.refuseSymbolicRef(slug);
    const [info] = await git.batchCheck(runner, [this.refOf(slug)]);
    if (!info) return [];
    const entries = await git.firstParentLog(runner, info.oid);
    this.tips.set(slug, { oid: info.oid, count: entries.length });
    return entries;
  }

  private async revisionsOf(slug: string, revs: readonly number[]): Promise<Revision[]> {
    for (const rev of revs) if (!Number.isInteger(rev) || rev < 1) throw new RangeError(`revision numbers start at 1 (got ${rev})`);
    const entries = await this.log(slug);
    return revs.map((rev) => {
      const entry = entries[rev - 1];
      if (!entry) throw new RevisionNotFoundError(slug, rev, entries.length);
      return toRevision(rev, entry);
    });
  }

  private parseRevision(slug: string, rev: number, content: Buffer | undefined): Blueprint {
    if (!content) throw new CorruptRevisionError(slug, rev, `its tree has no ${BLUEPRINT_ENTRY}`);
    const parsed = parseBlueprintText(content.toString('utf8'));
    if (!parsed.ok) throw new CorruptRevisionError(slug, rev, describeProblems(parsed.problems));
    return parsed.blueprint;
  }

  /** GIT_AUTHOR_* and GIT_COMMITTER_* variables for a role git has no identity for; empty when it has both. Asked once per store. */
  private identityEnv(): Promise<Record<string, string>> {
    if (!this.identity) {
      const asked = git.hasIdentity(this.requireGit()).then(({ author, committer }) => ({
        ...(author ? {} : { GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name, GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email }),
        ...(committer ? {} : { GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name, GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email }),
      }));
      // Asked while the tip is read: a failure must neither go unhandled in the
      // meantime nor be remembered for the next save.
      asked.catch(() => {
        this.identity = undefined;
      });
      this.identity = asked;
    }
    return this.identity;
  }

  private async refuseSymbolicRef(slug: string): Promise<void> {
    const ref = this.refOf(slug);
    const target = await git.symbolicTarget(this.requireGit(), this.repo!, ref);
    if (target !== undefined) throw new SymbolicRefError(ref, target);
  }

  private objectWriter(): git.ObjectWriter {
    this.writer ??= new git.ObjectWriter(this.requireGit(), this.repo!.gitCommonDir, stagingDir(this.repo!));
    return this.writer;
  }

  private requireGit(): GitRunner {
    if (!this.runner) throw new NotAGitRepositoryError(this.workspaceRoot, this.gitUnavailableReason);
    return this.runner;
  }

  private checkSlug(slug: string): void {
    if (!isValidSlug(slug)) throw new InvalidSlugError(slug);
  }
}

/** Where blob contents wait for hash-object: inside the repository, so they never leave it. */
function stagingDir(repo: git.RepoInfo): string {
  return path.join(repo.gitCommonDir, 'orchard', 'staging');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
