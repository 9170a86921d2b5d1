/**
 * The worktree manager's typed errors. Each message is meant to be shown as is
 * (a notification, CLI stderr): it names the folder, the operation or the step
 * that failed, and says what to do where there is something to do.
 */

/** The folder is not inside a git work tree (or git refuses it, e.g. dubious ownership). */
export class NotAGitRepositoryError extends Error {
  readonly code = 'ENOTGIT';
  constructor(
    readonly folder: string,
    readonly reason?: string,
  ) {
    super(`${folder} is not inside a git repository, so Orchard cannot build there. Run "git init" and commit something first.${reason ? ` (git: ${reason})` : ''}`);
    this.name = 'NotAGitRepositoryError';
  }
}

/** A bare repository, or a folder inside a repository's own `.git`: there is no work tree to build from. */
export class NoWorkTreeError extends Error {
  readonly code = 'ENOWORKTREE';
  constructor(
    readonly folder: string,
    readonly bare: boolean,
  ) {
    super(
      bare
        ? `${folder} is a bare git repository (it has no work tree); Orchard builds only in a clone with a work tree.`
        : `${folder} is inside a git repository's own folder (.git); open the repository's work tree instead.`,
    );
    this.name = 'NoWorkTreeError';
  }
}

/** HEAD names a branch with no commit yet: there is nothing to build from. */
export class UnbornHeadError extends Error {
  readonly code = 'EUNBORN';
  constructor(readonly folder: string) {
    super(`${folder} has no commits yet; commit something first, then start the build (it starts from a commit).`);
    this.name = 'UnbornHeadError';
  }
}

/** git could not be found or started. */
export class GitUnavailableError extends Error {
  readonly code = 'ENOGIT';
  constructor(
    readonly binary: string,
    reason: string,
  ) {
    super(`git could not be started ("${binary}"): ${reason}. Install git, or set git.path to its absolute path.`);
    this.name = 'GitUnavailableError';
  }
}

/** The folder given for Orchard's worktrees cannot be used (inside the repository, containing it, a link out). */
export class ManagedRootError extends Error {
  readonly code = 'EMANAGEDROOT';
  constructor(
    readonly managedRoot: string,
    reason: string,
  ) {
    super(`${managedRoot} cannot hold Orchard's worktrees: ${reason}`);
    this.name = 'ManagedRootError';
  }
}

/** An operation id, slug or base commit that is not of the expected form; nothing was done. */
export class InvalidWorktreeInputError extends Error {
  readonly code = 'EINVALIDINPUT';
  constructor(
    readonly field: 'operationId' | 'slug' | 'baseCommit',
    readonly value: string,
    expected: string,
  ) {
    super(`${field} ${JSON.stringify(value)} is not valid: ${expected}; nothing was created or removed.`);
    this.name = 'InvalidWorktreeInputError';
  }
}

/** A folder for this operation already exists; it is left as it is. */
export class OperationExistsError extends Error {
  readonly code = 'EOPEXISTS';
  constructor(
    readonly operationId: string,
    readonly folder: string,
  ) {
    super(`operation ${operationId} already has a folder (${folder}); it was left untouched.`);
    this.name = 'OperationExistsError';
  }
}

/**
 * Making the worktree failed at `step`. Everything made on the way was removed,
 * except what `leftBehind` lists (each entry says what and why).
 */
export class WorktreeCreateError extends Error {
  readonly code = 'ECREATEWORKTREE';
  constructor(
    readonly operationId: string,
    readonly step: string,
    readonly detail: string,
    readonly leftBehind: readonly string[],
  ) {
    super(
      `could not make the worktree for operation ${operationId}: ${step} failed: ${detail}. ` +
        (leftBehind.length === 0 ? 'Nothing was left behind.' : `Left behind, to remove by hand: ${leftBehind.join('; ')}.`),
    );
    this.name = 'WorktreeCreateError';
  }
}

/**
 * A folder Orchard will not remove, because it cannot prove the folder is one
 * it made for this repository: nothing was touched.
 */
export class NotOwnedError extends Error {
  readonly code = 'ENOTOWNED';
  constructor(
    readonly folder: string,
    readonly reason: string,
  ) {
    super(`${folder} was not removed: ${reason}. Orchard removes only worktrees it made; nothing was touched.`);
    this.name = 'NotOwnedError';
  }
}

/** The worktree holds uncommitted work and the caller did not say to discard it: nothing was touched. */
export class WorktreeDirtyError extends Error {
  readonly code = 'EDIRTY';
  constructor(
    readonly folder: string,
    readonly paths: readonly string[],
  ) {
    const shown = paths.slice(0, 10).join(', ') + (paths.length > 10 ? `, and ${paths.length - 10} more` : '');
    super(`${folder} has uncommitted work (${shown}); it was not removed. Pass discardChanges to remove it anyway.`);
    this.name = 'WorktreeDirtyError';
  }
}
