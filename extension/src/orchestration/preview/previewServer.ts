/**
 * The live preview of a build: the app's dev server, started in the
 * operation's worktree, until it serves an address the Preview pane can open.
 *
 * Why it runs outside the sandbox (platform/sandboxedCommand.ts): a dev
 * server has to listen on loopback for the preview to reach it, and the
 * bubblewrap sandbox has no network. It is not an agent's command: it runs
 * only when the user clicks Preview, in a trusted workspace, in the worktree,
 * the command the project declares (core/preview/previewCommand.ts) — what
 * `npm run dev` would do in their terminal. It still gets what every spawn
 * here gets: the program by absolute path, an argument array, no shell.
 *
 * The vscode side (a Preview command, or the Studio's Preview pane) reads
 * `orchard.preview.command` and the worktree's package.json, calls
 * `previewCommand`, then `startPreviewServer` with the worktree as `cwd`,
 * opens `url` through `asExternalUri`, and calls `stop()` when the preview
 * closes, the operation is discarded or the window goes.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import { findServedUrl, previewCommand, stripAnsi, withPort, type PreviewCommand } from '../../core/preview/previewCommand';
import { readFileInside } from '../../platform/confinedPath';
import { resolveExecutable } from '../../platform/executables';
import { killTree } from '../../platform/processTree';

export interface PreviewServerOptions {
  /** The worktree: an existing folder. */
  cwd: string;
  /** The program and its arguments; `$PORT` / `${PORT}` become the port chosen here. */
  argv: string[];
  /** Default `process.env`; PORT and BROWSER are set over it. */
  env?: NodeJS.ProcessEnv;
  /** How long the server has to serve something; default 60 s (a first `npm run dev` compiles). */
  timeoutMs?: number;
  /** Cancels the start (and ends the process); once started, `stop()` does. */
  signal?: AbortSignal;
  /** Every piece of output, stdout and stderr as they arrive. */
  onOutput?: (text: string) => void;
}

export interface PreviewServer {
  /** What to open: the loopback address it printed, else `http://localhost:<port>/`. */
  url: string;
  port: number;
  pid: number | undefined;
  /** The last 64 KiB of its output. */
  output(): string;
  /** Its exit code when it ends (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Ends it and everything it started; resolves once it has exited. */
  stop(): Promise<void>;
}

export const DEFAULT_PREVIEW_TIMEOUT_MS = 60_000;
/** Output kept for `output()` and the error messages. */
export const PREVIEW_OUTPUT_CHARS = 64 * 1024;
/** How long a server that ignores SIGTERM has before SIGKILL. */
const STOP_GRACE_MS = 3000;
const PROBE_INTERVAL_MS = 250;
/** The port answers: this long for the address line that usually follows, before the plain port is used. */
const URL_AFTER_PORT_MS = 200;
/** After the process exits, this long for its last output (a grandchild may hold the pipes open). */
const LAST_OUTPUT_MS = 500;
const ERROR_TAIL_LINES = 40;

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const [name] = options.argv;
  if (name === undefined || name === '') throw new Error('No command to start the preview with.');
  const folder = await fsp.stat(options.cwd).catch(() => undefined);
  if (!folder?.isDirectory()) throw new Error(`Could not start the preview: ${options.cwd} is not an existing folder.`);
  if (options.signal?.aborted) throw abortError('The preview was cancelled before it started.');
  const port = await freePort();
  const argv = withPort(options.argv, port);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PORT: String(port), BROWSER: 'none' };
  // Inherited from wherever the editor was started: dev servers that see CI behave as in a
  // pipeline (no watching, no prompts, some exit), which a preview is not.
  delete env.CI;
  let program: string;
  try {
    program = resolveExecutable(name, env.PATH !== undefined ? { pathEnv: env.PATH } : {});
  } catch (error) {
    throw new Error(`Could not start the preview: ${error instanceof Error ? error.message : String(error)}.`);
  }

  // Its own process group, so stop() reaches what it started (npm -> sh -> vite -> esbuild).
  // stdin is a pipe left open: some servers stop when their stdin ends (esbuild's serve and watch).
  const child = spawn(program, argv.slice(1), { cwd: options.cwd, env, detached: process.platform !== 'win32', stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  child.stdin.on('error', () => {}); // EPIPE when it closed its stdin: nothing is written there.
  let output = '';
  // Per stream: a line of stdout is not continued by what stderr says meanwhile.
  const partialLine = { stdout: '', stderr: '' };
  let servedUrl: string | undefined;
  let exitedNow = false;
  let outputClosed = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      exitedNow = true;
      // Whatever it left running in its group would keep the port and the pipes: end it too.
      if (process.platform !== 'win32' && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Nothing left.
        }
      }
      resolve(code);
    });
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => ((outputClosed = true), resolve())));
  let served: (() => void) | undefined;
  const onText = (stream: 'stdout' | 'stderr', text: string) => {
    output = (output + text).slice(-PREVIEW_OUTPUT_CHARS);
    options.onOutput?.(text);
    if (servedUrl !== undefined) return;
    // Only whole lines: a URL cut between two chunks (`http://localhost:51` + `73/`) would be read short.
    const lines = partialLine[stream] + text;
    const end = Math.max(lines.lastIndexOf('\n'), lines.lastIndexOf('\r'));
    partialLine[stream] = lines.slice(end + 1).slice(-PREVIEW_OUTPUT_CHARS);
    if (end < 0) return;
    servedUrl = findServedUrl(lines.slice(0, end + 1));
    if (servedUrl !== undefined) served?.();
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8');
    child[stream].on('data', (text: string) => onText(stream, text));
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      child.stdin.destroy();
      if (!exitedNow) killTree(child, STOP_GRACE_MS);
      await exited;
    })();
    return stopping;
  };
  const command = argv.join(' ');

  // Nothing is awaited between the spawn and here: no output or exit can be missed.
  return new Promise<PreviewServer>((resolve, reject) => {
    // Set once the outcome is decided, even when the rejection waits for the process to end.
    let settled = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, run: () => void) => {
      const timer = setTimeout(() => (timers.delete(timer), run()), ms);
      timers.add(timer);
    };
    const decide = (): boolean => {
      if (settled) return false;
      settled = true;
      served = undefined;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const serve = (url: string) => {
      if (decide()) resolve({ url, port: portOf(url) ?? port, pid: child.pid, output: () => output, exited, stop });
    };
    /** Ends the process first, so a rejected start leaves nothing running; the message has its last words. */
    const failAfterStop = (error: () => Error) => {
      if (decide()) void stop().then(() => reject(error()));
    };
    const onAbort = () => failAfterStop(() => abortError(`The preview was cancelled before it served anything.${outputTail(output)}`));

    served = () => serve(servedUrl!);
    child.on('error', (error) => {
      // Spawning failed (ENOENT, EACCES): there is no process to stop.
      if (decide()) reject(new Error(`Could not start ${name} for the preview: ${error.message}${outputTail(output)}`));
    });
    child.on('exit', (code, signal) => {
      if (!decide()) return;
      const how = code !== null ? `with code ${code}` : `on ${signal ?? 'a signal'}`;
      const said = () => reject(new Error(`The preview server (${command}) exited ${how} before it served anything.${outputTail(output)}`));
      // Its last words may come after 'exit'; wait for them, but not for a grandchild that holds the pipes open.
      if (outputClosed) return said();
      void Promise.race([closed, new Promise((wait) => setTimeout(wait, LAST_OUTPUT_MS).unref())]).then(said);
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort(); // while the port was being found
    const timeoutMs = options.timeoutMs ?? DEFAULT_PREVIEW_TIMEOUT_MS;
    later(timeoutMs, () =>
      failAfterStop(
        () =>
          new Error(
            `The preview server (${command}) served nothing within ${formatSeconds(timeoutMs)} and was stopped: it printed no localhost address and port ${port} did not answer.${outputTail(output)}`,
          ),
      ),
    );

    // A server that prints no address but listens on the PORT it was given.
    const probe = () =>
      later(PROBE_INTERVAL_MS, () => {
        void portAnswers(port).then((answers) => {
          if (settled) return;
          if (!answers) return probe();
          // The address line usually follows the listen at once: it has a path the plain port lacks.
          later(URL_AFTER_PORT_MS, () => serve(servedUrl ?? `http://localhost:${port}/`));
        });
      });
    probe();
  });
}

/** A port nothing listens on now: the system picks one for a moment's listener on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('Could not find a free port for the preview.'))));
    });
  });
}

/** Whether something accepts a connection on the port, over IPv4 or IPv6 loopback (`localhost` may be either). */
async function portAnswers(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '::1']) if (await connects(host, port)) return true;
  return false;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(PROBE_INTERVAL_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function portOf(url: string): number | undefined {
  const match = /^https?:\/\/[^/]*:(\d+)\//.exec(url);
  return match ? Number(match[1]) : undefined;
}

/** The end of the output for an error message: what the server said last is usually why. */
function outputTail(output: string): string {
  const lines = stripAnsi(output).replace(/\r\n?/g, '\n').trimEnd().split('\n');
  if (lines.length === 1 && lines[0] === '') return '\nIt printed nothing.';
  return `\nLast output:\n${lines.slice(-ERROR_TAIL_LINES).join('\n')}`;
}

function abortError(message: string): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** What serves the app of a build's worktree: the setting, else its package.json's dev or start script. */
export async function worktreePreviewCommand(worktree: string, setting: string): Promise<PreviewCommand | { problem: string }> {
  const rootNames = new Set(await fsp.readdir(worktree));
  const packageJson = rootNames.has('package.json') ? await readFileInside(worktree, 'package.json').catch(() => undefined) : undefined;
  return previewCommand({ setting: setting === '' ? undefined : setting, rootNames, packageJson });
}
