/**
 * The pure part of the worktree manager: the names it makes (operation folders,
 * branches), the ownership marker's shape, and parsers for the two git outputs
 * it trusts (`worktree list --porcelain -z`, `status --porcelain=v1 -z`),
 * and the shapes the manager's public API hands out.
 * No I/O, so each rule is tested on its own and the manager only wires them.
 */
import * as path from 'node:path';
import { isValidSlug } from '../../core/blueprint/blueprint';

/** Every branch Orchard makes lives here, so "ours" is checkable from the name alone. */
export const BRANCH_PREFIX = 'orchard/';
export const MARKER_FILE = 'owner.json';
export const TREE_DIR = 'tree';
export const TRASH_DIR = '.trash';
export const LOCK_FILE = '.worktrees.lock';
export const MARKER_VERSION = 1;

/**
 * An operation id is used as a folder name under the managed root, so it must
 * be one plain path component: no separators, no `..`, no leading dot (that
 * would collide with `.trash` and the lock file). Operation ids of
 * core/operations (`op-<time>-<hex>`) match it.
 */
const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

export function isSafeOperationId(id: string): boolean {
  return OPERATION_ID.test(id);
}

/** A full object id (SHA-1 or SHA-256), never a revision expression git would interpret. */
export function isFullOid(value: string, objectFormat: 'sha1' | 'sha256'): boolean {
  return (objectFormat === 'sha256' ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{40}$/).test(value);
}

/**
 * A slug is a valid ref component by construction (lowercase, digits, `-`,
 * `_`, inner single dots, no `.lock` end: blueprint.ts), and `-<n>` after it
 * keeps it so.
 */
export function isValidBranchSlug(slug: string): boolean {
  return isValidSlug(slug);
}

export function branchName(slug: string, n: number): string {
  return `${BRANCH_PREFIX}${slug}-${n}`;
}

/**
 * The smallest n >= 1 whose branch `orchard/<slug>-<n>` is neither an existing
 * branch nor named by a marker (a marker whose branch was deleted by hand still
 * owns its number, so a later remove can never mistake a newer branch for it).
 * `taken` holds branch names without `refs/heads/`.
 */
export function nextBranchNumber(slug: string, taken: Iterable<string>): number {
  const used = new Set(taken);
  let n = 1;
  while (used.has(branchName(slug, n))) n++;
  return n;
}

/** The ownership marker, kept next to (never inside) the worktree so it is never committed. */
export interface OwnerMarker {
  version: typeof MARKER_VERSION;
  operationId: string;
  /** The repository's work tree, real path, for people reading the file. */
  repo: string;
  /** The repository's own folder (shared by all its worktrees), real path: what identifies the repository. */
  gitCommonDir: string;
  /** Without `refs/heads/`. */
  branch: string;
  baseCommit: string;
  /** ISO 8601. */
  createdAt: string;
}

/** The marker, or the reason it is not one (shown to the user, so it names the field). */
export function parseMarker(text: string): OwnerMarker | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `${MARKER_FILE} is not JSON` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: `${MARKER_FILE} is not an object` };
  const v = value as Record<string, unknown>;
  if (v.version !== MARKER_VERSION) return { problem: `${MARKER_FILE} has version ${JSON.stringify(v.version)}, expected ${MARKER_VERSION}` };
  for (const key of ['operationId', 'repo', 'gitCommonDir', 'branch', 'baseCommit', 'createdAt'] as const) {
    if (typeof v[key] !== 'string' || v[key] === '') return { problem: `${MARKER_FILE} has no ${key}` };
  }
  const marker = v as unknown as OwnerMarker;
  if (!isSafeOperationId(marker.operationId)) return { problem: `${MARKER_FILE} names an invalid operation id` };
  if (!marker.branch.startsWith(BRANCH_PREFIX)) return { problem: `${MARKER_FILE} names branch ${marker.branch}, not one under ${BRANCH_PREFIX}` };
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(marker.baseCommit)) return { problem: `${MARKER_FILE} has an invalid baseCommit` };
  return {
    version: MARKER_VERSION,
    operationId: marker.operationId,
    repo: marker.repo,
    gitCommonDir: marker.gitCommonDir,
    branch: marker.branch,
    baseCommit: marker.baseCommit,
    createdAt: marker.createdAt,
  };
}

export function serializeMarker(marker: OwnerMarker): string {
  return `${JSON.stringify(marker, null, 2)}\n`;
}

export interface GitWorktreeEntry {
  path: string;
  /** Absent for a bare entry or an unborn HEAD. */
  head?: string;
  /** Full ref name (`refs/heads/…`); absent when detached. */
  branch?: string;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

/**
 * `git worktree list --porcelain -z` (git 2.36+): attributes end in NUL, an
 * entry ends with an extra NUL. -z because a path may hold a newline.
 */
export function parseWorktreeList(out: string): GitWorktreeEntry[] {
  const entries: GitWorktreeEntry[] = [];
  let current: GitWorktreeEntry | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, bare: false, detached: false, locked: false, prunable: false };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value;
    else if (key === 'bare') current.bare = true;
    else if (key === 'detached') current.detached = true;
    else if (key === 'locked') current.locked = true;
    else if (key === 'prunable') current.prunable = true;
  }
  if (current) entries.push(current);
  return entries;
}

/** An entry's branch (without `refs/heads/`) and HEAD, for what list() reports. */
export function branchAndHead(entry: GitWorktreeEntry): { branch?: string; head?: string } {
  return { ...(entry.branch ? { branch: entry.branch.replace(/^refs\/heads\//, '') } : {}), ...(entry.head ? { head: entry.head } : {}) };
}

/**
 * The paths of `git status --porcelain=v1 -z`: `XY path` entries, and for a
 * rename or copy the source path as a second field (both paths are listed:
 * neither side of the move is in the build).
 */
export function parseStatusPaths(out: string): string[] {
  const fields = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    const xy = field.slice(0, 2);
    paths.push(field.slice(3));
    if (xy.includes('R') || xy.includes('C')) {
      const from = fields[++i];
      if (from) paths.push(from);
    }
  }
  return paths;
}

/**
 * Why `root` (a real path) cannot hold Orchard's worktrees, or undefined: inside
 * the repository's work tree or `.git` (worktrees there would show in the
 * user's status, or be committed), or containing the repository (a home folder
 * given by mistake, which a cleanup must never be near).
 */
export function managedRootProblem(root: string, repo: { topLevel: string; gitCommonDir: string }): string | undefined {
  const within = (parent: string, child: string) => {
    const relative = path.relative(parent, child);
    return relative === '' || (relative.split(path.sep, 1)[0] !== '..' && !path.isAbsolute(relative));
  };
  if (within(repo.gitCommonDir, root)) return `it is inside the repository's own folder (${repo.gitCommonDir})`;
  if (within(repo.topLevel, root)) return `it is inside the repository's work tree (${repo.topLevel})`;
  if (within(root, repo.topLevel) || within(root, repo.gitCommonDir)) return `it contains the repository (${repo.topLevel})`;
  return undefined;
}

export interface WorktreeManagerOptions {
  repoRoot: string;
  /** Where Orchard keeps its worktrees: outside the repository (the extension's storage area). */
  managedRoot: string;
  /** A program name looked up on absolute PATH folders, or an absolute path. */
  gitBinary?: string;
  /** Problems of the background trash removal (nothing else is logged). */
  log?: (line: string) => void;
}

export interface BuildBase {
  commit: string;
  /** Null on a detached HEAD (the build starts from that commit all the same). */
  branchName: string | null;
  subject: string;
  /** Changed, staged, untracked and submodule paths the build will NOT include (never stashed or touched). */
  uncommitted: string[];
}

export interface OwnedWorktree {
  operationId: string;
  /** Without `refs/heads/`. */
  branch: string;
  /** The worktree folder (real path). */
  path: string;
  baseCommit: string;
  createdAt: string;
}

export interface CreatedWorktree extends OwnedWorktree {
  /** What went wrong without spoiling the worktree (a failing post-checkout hook). */
  warnings: string[];
}

export type ListedWorktree =
  | (OwnedWorktree & { state: 'ok' | 'missing'; head?: string })
  | { state: 'unregistered' | 'invalid'; path: string; operationId?: string; branch?: string; head?: string; problem: string };

export interface RemoveOptions {
  deleteBranch: boolean;
  /** Remove even with uncommitted files, or (with deleteBranch) commits after the base. Default false. */
  discardChanges?: boolean;
}

export interface RemoveResult {
  branchDeleted: boolean;
  warnings: string[];
}

