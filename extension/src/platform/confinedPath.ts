/**
 * The one answer to "does this path stay inside the workspace (or worktree)?",
 * asked before Orchard reads or writes a file there.
 *
 * A repository is input from strangers: a clone can ship `.orchard/blueprints`
 * as a symbolic link to a folder in the user's home, or a blueprint file as a
 * link to a key, and a write that follows the link replaces a file outside the
 * workspace, a read that follows it carries that file to the model. So every
 * path is resolved the way the operating system will resolve it — each
 * symbolic link on the way, the last one included — and refused unless the
 * result is inside the root's own real path. For a path that does not exist
 * yet, the deepest part that does is resolved and the rest appended: what
 * `mkdir` creates below a real folder is a real folder. A link that leads
 * nowhere is refused too, since writing through it would create its target.
 *
 * What this cannot close: a link swapped in between the check and the use by
 * a process already running as the user (that process could write the file
 * itself). Callers write through the real path returned, so a check is never
 * about one path and the write about another.
 *
 * No `vscode` import: the store, the agents' tools and the CLI share it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** A path that leads, lexically or through a symbolic link, outside its root. */
export class OutsideRootError extends Error {
  constructor(
    /** The path as the caller gave it. */
    readonly target: string,
    readonly root: string,
    /** Where it really leads, when known. */
    readonly leadsTo: string | undefined,
  ) {
    const shown = path.isAbsolute(target) ? path.relative(root, target) || target : target;
    super(
      leadsTo === undefined
        ? `${shown} is outside ${root}; Orchard reads and writes only inside the workspace folder.`
        : `${shown} leads outside ${root} (a symbolic link to ${leadsTo}); Orchard reads and writes only inside the workspace folder.`,
    );
    this.name = 'OutsideRootError';
  }
}

/** Whether `candidate` is `root` or below it (both absolute, both resolved the same way). */
export function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '') return true;
  const first = relative.split(path.sep, 1)[0];
  return first !== '..' && !path.isAbsolute(relative);
}

/**
 * The real path of `target` (absolute, or relative to `root`) if it lies
 * inside `root` after every symbolic link; throws OutsideRootError if not.
 * Other file system errors (a permission refused) are thrown as they are.
 */
export async function resolveInside(root: string, target: string): Promise<string> {
  const absoluteRoot = path.resolve(root);
  const absolute = path.resolve(absoluteRoot, target);
  if (!isWithin(absoluteRoot, absolute)) throw new OutsideRootError(target, absoluteRoot, undefined);
  const realRoot = await fsp.realpath(absoluteRoot);
  const missing: string[] = [];
  let existing = absolute;
  let real: string;
  for (;;) {
    try {
      real = await fsp.realpath(existing);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // realpath says ENOENT for a dangling link as well as for nothing at all.
      const link = await fsp.readlink(existing).catch(() => undefined);
      if (link !== undefined) throw new OutsideRootError(target, absoluteRoot, path.resolve(path.dirname(existing), link));
      missing.unshift(path.basename(existing));
      const parent = path.dirname(existing);
      if (parent === existing) throw error;
      existing = parent;
    }
  }
  const resolved = path.join(real, ...missing);
  if (!isWithin(realRoot, resolved)) throw new OutsideRootError(target, absoluteRoot, real);
  return resolved;
}

/**
 * Makes folder `dir` (and its parents) inside `root` and returns its real
 * path; refuses, creating nothing, when any existing part of it leads out.
 * Checked again once created, in case a link appeared meanwhile.
 */
export async function ensureFolderInside(root: string, dir: string): Promise<string> {
  const planned = await resolveInside(root, dir);
  await fsp.mkdir(planned, { recursive: true });
  const created = await resolveInside(root, planned);
  if (created !== planned) throw new OutsideRootError(dir, path.resolve(root), created);
  return created;
}

/** Reads a file inside `root` (after symbolic links) as UTF-8; ENOENT passes through for the caller to word. */
export async function readFileInside(root: string, file: string): Promise<string> {
  return fsp.readFile(await resolveInside(root, file), 'utf8');
}
