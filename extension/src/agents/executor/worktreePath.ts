/**
 * Where an executor agent's path leads, decided before any file is touched.
 * The model names paths relative to its worktree; the answer is the real path
 * inside the worktree (platform/confinedPath.ts resolves every symlink, the
 * last one included) or a refusal whose words go back to the model, so it can
 * pick another path instead of failing the operation.
 *
 * Refused: empty paths and NUL bytes; absolute paths outside the worktree;
 * `..` that leaves it; Windows spellings (`C:\…`, `\\server\…`, backslashes),
 * which on Linux would silently be file names with backslashes in them; links
 * that lead out; and anything in a `.git` folder or file, where a hook or a
 * config written by the agent would run on the user's next git command.
 */
import * as path from 'node:path';
import { OutsideRootError, resolveInside } from '../../platform/confinedPath';

export class WorktreePathError extends Error {
  constructor(
    readonly requested: string,
    reason: string,
  ) {
    super(`${JSON.stringify(requested.slice(0, 200))}: ${reason}`);
    this.name = 'WorktreePathError';
  }
}

export interface WorktreePath {
  /** The real absolute path, inside the worktree after every link. */
  real: string;
  /** The same, relative to the worktree's real root, with `/`: what the model and the events are shown. */
  relative: string;
}

const MAX_PATH_LENGTH = 4096;

/** A problem with the path as written, before the file system is asked; undefined when it may be looked up. */
export function pathSpellingProblem(requested: string): string | undefined {
  if (requested.trim() === '') return 'the path is empty';
  if (requested.length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  if (requested.includes('\0')) return 'the path contains a NUL byte';
  if (requested.includes('\\')) return 'use "/" between folders (a backslash is not a separator here)';
  if (/^[A-Za-z]:/.test(requested)) return 'a Windows drive path is not inside the worktree; use a path relative to it';
  if (requested.split('/').some((part) => part.toLowerCase() === '.git')) return 'files under .git are not the project: they are not read or written';
  return undefined;
}

/**
 * Resolves `requested` (relative to the worktree, or absolute inside it) to
 * a real path inside `worktreeRoot`. A path that does not exist yet resolves
 * through its nearest existing folder, so `write_file` may create it.
 */
export async function resolveWorktreePath(worktreeRoot: string, requested: string): Promise<WorktreePath> {
  const problem = pathSpellingProblem(requested);
  if (problem) throw new WorktreePathError(requested, problem);
  // Resolved against the root's real path, so an absolute path the model saw in an earlier answer works too.
  const realRoot = await resolveInside(worktreeRoot, '.');
  let real: string;
  try {
    real = await resolveInside(realRoot, requested);
  } catch (error) {
    if (error instanceof OutsideRootError) {
      throw new WorktreePathError(requested, 'it leads outside the worktree (after following links); only files of this worktree can be used');
    }
    throw error;
  }
  const relative = path.relative(realRoot, real).split(path.sep).join('/');
  // A link inside the worktree may point into its own .git (a worktree's .git is a file naming the real one).
  if (relative.split('/').some((part) => part.toLowerCase() === '.git')) {
    throw new WorktreePathError(requested, 'it leads into .git, which is not the project: it is not read or written');
  }
  return { real, relative: relative === '' ? '.' : relative };
}
