/**
 * How the blueprint store runs one git command: simple-git with argument
 * arrays (never a shell), so user text can only ever be an argument or stdin.
 * (The three processes a save keeps open are gitBatch.ts.) No `vscode`
 * import: the extension host and the `orchard` CLI share it.
 *
 * simple-git 4 behaviours this module exists to contain (each one measured):
 * - stdin is an instance option (`input`), not a per-call one, so a call with
 *   stdin gets its own short-lived instance (about 0.02 ms to create);
 * - an empty `input` is silently not written and stdin never closes, so git
 *   waits until the block timeout: empty stdin is refused here (callers never
 *   need it);
 * - a command that prints nothing is held for 50 ms after it exits (its
 *   "completion detection"), so the store uses forms that always print
 *   (`cat-file --batch-check` to read a ref rather than `rev-parse -q`);
 * - its argv scanner rejects harmless text that looks like an option
 *   (a commit message "-c core.sshCommand=x" fails the call), so free text
 *   always goes through stdin;
 * - ambient GIT_* variables are dropped unless listed in `allowEnvironment`,
 *   which is what keeps a GIT_DIR or GIT_INDEX_FILE inherited from a hook or
 *   a terminal from redirecting the store; the ones git users rely on to pick
 *   config and identity are kept (PASSED_ENV).
 */
import { GitError, simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';

/** Ambient variables git itself honours that the store keeps passing on. */
const PASSED_ENV = [
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
];
const PASSED = new Set(PASSED_ENV);
/** Non-GIT_ names simple-git's environment guard also rejects when given explicitly. */
const GUARDED_OTHER = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

// Both errors extend simple-git's GitError: it passes those through from its
// `errors` hook and wraps anything else in a GitError of its own.

/** A git command that ran and failed; `stderr` is git's own words. */
export class GitCommandError extends GitError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(undefined, `git ${subcommand(args)} failed (exit ${exitCode}): ${stderr.trim() || 'no message'}`);
    this.name = 'GitCommandError';
  }
}

/** git could not be started at all (not installed, not on PATH). */
export class GitNotFoundError extends GitError {
  constructor(
    readonly binary: string,
    cause: string,
  ) {
    super(undefined, `git could not be started ("${binary}"): ${cause}`);
    this.name = 'GitNotFoundError';
  }
}

export interface RunOptions {
  /** Written to git's stdin; must not be empty (see the module comment). */
  input?: string | Buffer;
  /** Extra environment for this call only (the fallback identity, commit dates). */
  env?: Readonly<Record<string, string>>;
}

export class GitRunner {
  private readonly shared: SimpleGit;

  constructor(
    readonly cwd: string,
    readonly binary = 'git',
  ) {
    this.shared = this.instance({});
  }

  /** Runs `git <args>` in `cwd` and returns stdout as UTF-8 text. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return this.forCall(args, options).raw([...args]).catch(withArgs(args));
  }

  /** `git cat-file <args>` with stdout as bytes (batch output counts bytes, not characters). */
  async catFileBuffer(args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
    return this.forCall(['cat-file', ...args], options).binaryCatFile([...args]).catch(withArgs(['cat-file', ...args]));
  }

  private forCall(args: readonly string[], { input, env }: RunOptions): SimpleGit {
    if (input !== undefined && input.length === 0) {
      throw new Error(`git ${args[0]}: empty stdin is not supported (simple-git would never close it)`);
    }
    if (input === undefined && env === undefined) return this.shared;
    const git = this.instance(input === undefined ? {} : { input: () => input });
    return env === undefined ? git : git.env(childEnv(env));
  }

  private instance(extra: Partial<SimpleGitOptions>): SimpleGit {
    return simpleGit({
      baseDir: this.cwd,
      binary: this.binary,
      maxConcurrentProcesses: 6,
      trimmed: false,
      allowEnvironment: PASSED_ENV,
      unsafe: {
        // The store sets core.hooksPath only to /dev/null (a constant) so that no
        // user hook runs on its refs; config paths only come from the user's own
        // GIT_CONFIG_GLOBAL/SYSTEM, passed on unchanged.
        allowUnsafeHooksPath: true,
        allowUnsafeConfigPaths: true,
        // `binary` is the caller's setting (VS Code's git.path), never user input;
        // simple-git would otherwise refuse "C:\Program Files\Git\cmd\git.exe".
        allowUnsafeCustomBinary: true,
      },
      // A hung git (a stuck lock on a network drive) must not hang a save forever.
      timeout: { block: 60_000 },
      errors: (error, result) => {
        if (result.exitCode === 0 && !error) return undefined;
        const stderr = Buffer.concat(result.stdErr).toString('utf8');
        const message = stderr || (error instanceof Error ? error.message : '');
        if (result.exitCode < 0 || /\bspawn\b.*\bENOENT\b/.test(message)) return new GitNotFoundError(this.binary, message.split('\n')[0] ?? '');
        return new GitCommandError([], result.exitCode, message);
      },
      ...extra,
    });
  }
}

/** The subcommand named in messages: the first argument after any `-c key=value` pairs. */
function subcommand(args: readonly string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? '';
}

/** The errors hook does not know the arguments; the caller does. */
function withArgs(args: readonly string[]) {
  return (error: unknown): never => {
    if (error instanceof GitCommandError) throw new GitCommandError(args, error.exitCode, error.stderr);
    throw error;
  };
}

/**
 * The environment for a call that adds variables, and for the long-running
 * processes of gitBatch.ts. simple-git treats every variable of an explicit
 * environment as chosen and refuses guarded ones, so the ambient ones it would
 * have dropped are dropped here first (the same rule for both paths).
 */
export function childEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower.startsWith('git_') ? !PASSED.has(key.toUpperCase()) : GUARDED_OTHER.has(lower)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
