/**
 * Running an agent's shell command in its worktree, fenced where the system
 * allows it. On Linux with bubblewrap (Debian's `bubblewrap`), the command
 * sees the whole disk read-only except its worktree and a temporary folder,
 * no network unless allowed, its own process namespace (it cannot signal
 * anything else) and a new session (it cannot type into the user's
 * terminal). Where there is no sandbox the command still runs in the
 * worktree, and the result says `sandbox: 'none'` so the operation can tell
 * the user. Either way: the shell and bwrap are started by absolute path,
 * secrets are removed from the environment, the whole process tree is
 * killed on timeout or Stop, and output is streamed as it comes.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ExecutableNotFoundError, resolveExecutable } from './executables';
import { killTree } from './processTree';

export type SandboxKind = 'bubblewrap' | 'none';

export interface SandboxedCommand {
  /** A shell line, run by `/bin/sh -c`. */
  command: string;
  /** The worktree (a real path): the working folder, and writable. */
  cwd: string;
  /** A folder the command may write besides the worktree (TMPDIR, caches); made by the caller. */
  tempDir: string;
  timeoutMs: number;
  /** Whether the command may reach the network; default false. */
  network?: boolean;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** The environment to start from (default process.env); secrets are removed from it either way. */
  env?: NodeJS.ProcessEnv;
  /** Tests: run without a sandbox even where there is one. */
  sandbox?: 'auto' | 'none';
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stopped: boolean;
  sandbox: SandboxKind;
}

/** Variables that name a secret: never handed to a command an agent wrote. */
const SECRET_NAME = /(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|AUTH|COOKIE|SESSION)(?:_|$)|^(?:ANTHROPIC|OPENAI|AWS|AZURE|GOOGLE|GH|GITHUB|GITLAB|NPM|HF|HUGGINGFACE)_/i;

/** The environment without secrets and without git's redirections (GIT_DIR and friends). */
export function commandEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_NAME.test(name) || /^GIT_/i.test(name)) continue;
    out[name] = value;
  }
  return out;
}

let probed: { bwrap: string } | null | undefined;

/** bubblewrap's path when it is installed and works here (user namespaces may be off), checked once. */
export function availableSandbox(): { bwrap: string } | null {
  if (probed !== undefined) return probed;
  probed = null;
  if (process.platform !== 'linux') return probed;
  try {
    const bwrap = resolveExecutable('bwrap');
    const probe = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', '--', '/bin/true'], { timeout: 5000, stdio: 'ignore' });
    if (probe.status === 0) probed = { bwrap };
  } catch (error) {
    if (!(error instanceof ExecutableNotFoundError)) throw error;
  }
  return probed;
}

/** The bwrap arguments for a command in `cwd` (exported for the tests that read them). */
export function bubblewrapArgs(options: { cwd: string; tempDir: string; network: boolean }, shell: string, command: string): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--bind', options.cwd, options.cwd,
    // A worktree's .git names the repository's git folder; it stays as git wrote it.
    '--ro-bind-try', path.join(options.cwd, '.git'), path.join(options.cwd, '.git'),
    '--bind', options.tempDir, options.tempDir,
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    ...(options.network ? [] : ['--unshare-net']),
    '--die-with-parent',
    '--new-session',
    '--chdir', options.cwd,
    '--', shell, '-c', command,
  ];
}

export function runSandboxed(options: SandboxedCommand): Promise<CommandResult> {
  const shell = resolveExecutable('sh');
  const sandbox = options.sandbox === 'none' ? null : availableSandbox();
  // Caches go to the temporary folder: the home folder is read-only in the sandbox, and tools that
  // cannot write their cache (go, npm, pip) fail or warn on every run.
  const cache = path.join(options.tempDir, 'cache');
  const env = {
    ...commandEnvironment(options.env ?? process.env),
    TMPDIR: options.tempDir,
    XDG_CACHE_HOME: cache,
    GOCACHE: path.join(cache, 'go-build'),
    npm_config_cache: path.join(cache, 'npm'),
    PIP_CACHE_DIR: path.join(cache, 'pip'),
  };
  const [program, args] = sandbox
    ? [sandbox.bwrap, bubblewrapArgs({ cwd: options.cwd, tempDir: options.tempDir, network: options.network ?? false }, shell, options.command)]
    : [shell, ['-c', options.command]];
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, timedOut: false, stopped: true, sandbox: sandbox ? 'bubblewrap' : 'none' });
      return;
    }
    // Its own process group, so a kill reaches everything it started; no stdin, so nothing waits for input.
    const child = spawn(program, args, { cwd: options.cwd, env, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let timedOut = false;
    let stopped = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, options.timeoutMs);
    const onAbort = () => {
      stopped = true;
      killTree(child);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8');
      child[stream].on('data', (text: string) => options.onOutput?.(stream, text));
    }
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('exit', () => {
      // The shell is gone; what it left running in the background would hold the output open: end the group.
      if (process.platform !== 'win32' && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Nothing left.
        }
      }
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, timedOut, stopped, sandbox: sandbox ? 'bubblewrap' : 'none' });
    });
  });
}
