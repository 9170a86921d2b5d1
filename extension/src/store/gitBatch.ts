/**
 * A long-running git plumbing process that answers one request at a time over
 * its pipes (`hash-object --stdin-paths`, `mktree --batch`, `update-ref
 * --stdin`). Why not simple-git: it runs a command to completion and hands
 * back its whole output, so it cannot keep a process open between requests.
 * Why keep one open: starting a process costs ~2.5-3.5 ms on the machines we
 * measured (even `true`), and a save needs four git steps; through open pipes
 * three of them take ~0.1-0.5 ms each (`npm run bench:store`).
 *
 * The process is started on the first request and ends itself after `idleMs`
 * without one (its stdin is closed, git exits), so an idle window holds no git
 * process and a CLI run is not kept alive by it (handles are unref'd while
 * idle). A request that makes git exit (update-ref refusing a stale old
 * value dies with "fatal: ...") rejects with GitCommandError; the next request
 * starts a fresh process. Same environment rules as gitRunner.ts.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { childEnv, GitCommandError, GitNotFoundError } from './gitRunner';

export class GitBatchProcess {
  private running: Running | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cwd: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    private readonly idleMs = 3000,
  ) {}

  /** Writes `input` and resolves with the next `lines` lines of output. Requests run one after another. */
  request(input: string, lines: number): Promise<string[]> {
    const result = this.queue.then(() => {
      if (!this.running?.alive) this.running = new Running(this.cwd, this.binary, this.args, this.idleMs);
      return this.running.ask(input, lines);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the process now (it would end by itself after idleMs). */
  close(): void {
    this.running?.close();
    this.running = undefined;
  }
}

class Running {
  alive = true;
  private readonly child: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private waiter: { lines: number; resolve: (lines: string[]) => void; reject: (error: Error) => void } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    cwd: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    private readonly idleMs: number,
  ) {
    this.child = spawn(binary, [...args], { cwd, env: childEnv({}), stdio: 'pipe', windowsHide: true });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.out += chunk;
      this.deliver();
    });
    this.child.stderr.on('data', (chunk: string) => {
      // Enough to report why git stopped; never grows without bound.
      if (this.err.length < 16_384) this.err += chunk;
    });
    // Writing to a git that already died fails with EPIPE; 'close' reports why it died.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (error) => this.gone(new GitNotFoundError(this.binary, error.message)));
    this.child.on('close', (code) => this.gone(new GitCommandError(this.args, code ?? -1, this.err || 'git exited')));
  }

  ask(input: string, lines: number): Promise<string[]> {
    if (!this.alive) return Promise.reject(new GitCommandError(this.args, -1, this.err || 'git exited'));
    clearTimeout(this.idleTimer);
    this.setRef(true);
    return new Promise<string[]>((resolve, reject) => {
      this.waiter = { lines, resolve, reject };
      this.child.stdin.write(input);
    }).finally(() => {
      if (!this.alive) return;
      this.setRef(false);
      this.idleTimer = setTimeout(() => this.close(), this.idleMs);
      this.idleTimer.unref();
    });
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.alive = false;
    this.child.stdin.end();
  }

  private deliver(): void {
    if (!this.waiter) return;
    let end = -1;
    for (let i = 0; i < this.waiter.lines; i++) {
      end = this.out.indexOf('\n', end + 1);
      if (end < 0) return;
    }
    const answer = this.out.slice(0, end).split('\n');
    this.out = this.out.slice(end + 1);
    const { resolve } = this.waiter;
    this.waiter = undefined;
    resolve(answer);
  }

  private gone(error: Error): void {
    this.alive = false;
    clearTimeout(this.idleTimer);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  /** While a request is out the process keeps node alive; while idle it does not. */
  private setRef(on: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{ ref?(): void; unref?(): void }>) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }
}
