/**
 * The commit an operation leaves on its branch: everything the agent changed
 * in its worktree, staged and committed there, never in the user's checkout.
 * The repository's hooks do not run for it (`core.hooksPath=/dev/null`, as
 * for the store's refs): a pre-commit hook would run whatever it names with
 * the agent's files, and the project's checks are the gates' business. The
 * user's identity is used when git has one; otherwise Orchard's, so that a
 * machine without `user.name` can still build.
 */
import { GitRunner } from './gitRunner';
import { hasIdentity } from './gitPlumbing';
import { resolveExecutable } from '../platform/executables';

const FALLBACK_IDENTITY = { name: 'Orchard Studio', email: 'orchard@localhost' };
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

export interface WorktreeCommit {
  /** The new commit, or null when the worktree had no change to commit. */
  commit: string | null;
  /** Paths the commit changed, relative to the worktree, `/`-separated. */
  files: string[];
}

export interface CommitOptions {
  /** Paths never staged (the user's files copied in: `.env.local` and the like), `/`-separated, literal. */
  exclude?: readonly string[];
  gitBinary?: string;
}

/** Commits every change in `worktree` (new, modified and deleted files) with `message`, but the excluded paths. */
export async function commitWorktree(worktree: string, message: string, options: CommitOptions = {}): Promise<WorktreeCommit> {
  const git = new GitRunner(worktree, options.gitBinary ?? resolveExecutable('git'));
  const excluded = (options.exclude ?? []).map((p) => `:(exclude,literal)${p}`);
  await git.run([...NO_HOOKS, 'add', '--all', '--', '.', ...excluded]);
  const staged = await git.run(['diff', '--cached', '--name-only', '-z']);
  const files = staged.split('\0').filter((f) => f !== '');
  if (files.length === 0) return { commit: null, files };
  const { author, committer } = await hasIdentity(git);
  const env = {
    ...(author ? {} : { GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name, GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email }),
    ...(committer ? {} : { GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name, GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email }),
  };
  // The message goes through stdin: it is free text (gitRunner.ts on why never as an argument).
  await git.run([...NO_HOOKS, 'commit', '--quiet', '--no-verify', '--file=-'], { input: message.endsWith('\n') ? message : `${message}\n`, env });
  const head = (await git.run(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  return { commit: head, files };
}
