/**
 * The blueprint store's typed errors. Each message is meant to be shown as is
 * (CLI stderr, a VS Code notification): it names the file, field, value or
 * revision, and says what to do where there is something to do.
 */
import type { BlueprintProblem } from '../core/blueprint/blueprintFile';
import { MAX_SLUG_LENGTH } from '../core/blueprint/blueprint';

export class NotAGitRepositoryError extends Error {
  readonly code = 'ENOTGIT';
  constructor(
    readonly folder: string,
    readonly reason?: string,
  ) {
    super(
      `${folder} is not inside a git work tree, so blueprint history is off (blueprint files still save). ` +
        `Run "git init" in that folder to record a revision on every save.` +
        (reason ? ` (git: ${reason})` : ''),
    );
    this.name = 'NotAGitRepositoryError';
  }
}

export class InvalidSlugError extends Error {
  readonly code = 'EINVALIDSLUG';
  constructor(readonly slug: string) {
    super(
      `"${slug}" is not a valid blueprint name: use lowercase letters, digits, "-", "_" and inner "." ` +
        `(starting with a letter or digit, at most ${MAX_SLUG_LENGTH} characters)`,
    );
    this.name = 'InvalidSlugError';
  }
}

/** A blueprint (a file, or a value handed to save) that breaks the schema; nothing was written. */
export class BlueprintValidationError extends Error {
  readonly code = 'EINVALIDBLUEPRINT';
  constructor(
    /** What was validated, for the message: a workspace-relative path or "the blueprint". */
    readonly source: string,
    readonly problems: readonly BlueprintProblem[],
  ) {
    super(`${source} is not a valid blueprint: ${problems.map(formatProblem).join('; ')}`);
    this.name = 'BlueprintValidationError';
  }
}

function formatProblem(p: BlueprintProblem): string {
  const at = p.line !== undefined ? ` (line ${p.line}, column ${p.column})` : '';
  return `${p.path}: ${p.message}${at}`;
}

export class BlueprintFileNotFoundError extends Error {
  readonly code = 'ENOBLUEPRINT';
  constructor(readonly file: string) {
    super(`there is no blueprint file ${file}`);
    this.name = 'BlueprintFileNotFoundError';
  }
}

export class RevisionNotFoundError extends Error {
  readonly code = 'ENOREVISION';
  constructor(
    readonly slug: string,
    readonly rev: number,
    readonly count: number,
  ) {
    super(
      count === 0
        ? `blueprint "${slug}" has no revisions yet`
        : `blueprint "${slug}" has no revision r${rev}: its revisions are r1 to r${count}`,
    );
    this.name = 'RevisionNotFoundError';
  }
}

/** A stored revision that cannot be read back (written by another tool, or damaged). */
export class CorruptRevisionError extends Error {
  readonly code = 'ECORRUPTREVISION';
  constructor(
    readonly slug: string,
    readonly rev: number,
    detail: string,
  ) {
    super(`revision r${rev} of "${slug}" cannot be read: ${detail}`);
    this.name = 'CorruptRevisionError';
  }
}

/** Other writers kept moving the ref for every attempt; the save did not happen. */
export class RefUpdateConflictError extends Error {
  readonly code = 'ECONFLICT';
  constructor(
    readonly ref: string,
    readonly attempts: number,
  ) {
    super(`could not record the revision: ${ref} kept changing under ${attempts} attempts (other saves running); nothing was changed, try again`);
    this.name = 'RefUpdateConflictError';
  }
}

/**
 * A blueprint ref that is a symbolic ref, or a loose ref file that is a link:
 * git would follow it to whatever it names (a branch), so the store neither
 * reads that history nor writes through it.
 */
export class SymbolicRefError extends Error {
  readonly code = 'ESYMBOLICREF';
  constructor(
    readonly ref: string,
    readonly target: string,
  ) {
    super(
      `${ref} is a symbolic ref to ${target}; Orchard never follows one, so this blueprint's history is not read or written. ` +
        `Remove it with "git update-ref -d --no-deref ${ref}" (this deletes only the link, not what it points at).`,
    );
    this.name = 'SymbolicRefError';
  }
}

/** A bare repository, or a folder inside a repository's own `.git`: there is no work tree to keep blueprints in. */
export class NoWorkTreeError extends Error {
  readonly code = 'ENOWORKTREE';
  constructor(
    readonly folder: string,
    readonly bare: boolean,
  ) {
    super(
      bare
        ? `${folder} is a bare git repository (it has no work tree); Orchard writes nothing there. Open a clone of it, or a worktree ("git worktree add"), instead.`
        : `${folder} is inside a git repository's own folder (.git); Orchard writes nothing there. Open the repository's work tree instead.`,
    );
    this.name = 'NoWorkTreeError';
  }
}
