/** The live preview's dev server: real node processes in a temp folder, real ports, no mocks. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../../../extension/src/orchestration/preview/previewServer';

let worktree: string;
const started: PreviewServer[] = [];

beforeAll(() => {
  worktree = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-preview-')));
  const script = (name: string, body: string) => fs.writeFileSync(path.join(worktree, name), body);
  // Serves on PORT and says so the way Vite does, in two writes cut inside the address.
  script(
    'server.js',
    `const http = require('node:http');
const port = Number(process.env.PORT);
http.createServer((req, res) => res.end('hello from the worktree')).listen(port, () => {
  console.error('BROWSER=' + process.env.BROWSER + ' CI=' + process.env.CI);
  process.stdout.write('  VITE ready\\n  Local:   http://localhost:' + String(port).slice(0, 2));
  // stderr in between: it must not be read as the rest of the stdout line.
  setTimeout(() => console.error('ready in 42 ms'), 20);
  setTimeout(() => process.stdout.write(String(port).slice(2) + '/app/\\n'), 50);
});`,
  );
  // Listens on the port given in its arguments and prints nothing; ignores SIGTERM when asked to.
  script(
    'silent.js',
    `const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
if (process.argv.includes('--ignore-term')) process.on('SIGTERM', () => {});
require('node:http').createServer((req, res) => res.end('silent')).listen(port);`,
  );
  script('boom.js', `console.log('starting'); console.error('boom'); process.exit(3);`);
  // Never listens: for the timeout and the abort. Writes its pid so the test can see it is gone.
  script('stuck.js', `require('node:fs').writeFileSync(process.argv[2], String(process.pid)); console.log('compiling…'); setInterval(() => {}, 1000);`);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

afterAll(() => fs.rmSync(worktree, { recursive: true, force: true }));

async function start(argv: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal; onOutput?: (text: string) => void } = {}): Promise<PreviewServer> {
  const server = await startPreviewServer({ cwd: worktree, argv, ...options });
  started.push(server);
  return server;
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process with this pid exists (our children are reaped by Node, so a dead one is gone). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidWrittenTo(file: string): Promise<number> {
  for (let i = 0; i < 100 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  return Number(fs.readFileSync(file, 'utf8'));
}

describe('startPreviewServer', () => {
  it('starts the server on a free port, finds the address it printed, and stop() ends it', async () => {
    const chunks: string[] = [];
    const server = await start([process.execPath, 'server.js'], { env: { ...process.env, CI: '1' }, onOutput: (text) => chunks.push(text) });
    // The path says it was read from the output, not guessed from the port.
    expect(server.url).toBe(`http://localhost:${server.port}/app/`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.pid).toBeGreaterThan(0);
    const page = await fetch(server.url);
    expect(await page.text()).toBe('hello from the worktree');
    expect(server.output()).toContain(`Local:   http://localhost:${String(server.port).slice(0, 2)}ready in 42 ms\n${String(server.port).slice(2)}/app/\n`);
    expect(chunks.join('')).toBe(server.output());
    // Never CI (dev servers then act as in a pipeline); never a browser of their own.
    expect(server.output()).toContain('BROWSER=none CI=undefined');

    await server.stop();
    expect(await server.exited).toBeNull(); // ended by SIGTERM
    expect(isRunning(server.pid!)).toBe(false);
    expect(await portIsOpen(server.port)).toBe(false);
    await server.stop(); // twice is fine
  });

  it('a server that prints nothing is found by its port; $PORT in the arguments is the port', async () => {
    const server = await start([process.execPath, 'silent.js', '--port', '$PORT']);
    expect(server.url).toBe(`http://localhost:${server.port}/`);
    expect(server.output()).toBe('');
    expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe('silent');
  });

  it('a server that ignores SIGTERM is killed after the grace period', async () => {
    const server = await start([process.execPath, 'silent.js', '--port', '${PORT}', '--ignore-term']);
    const before = Date.now();
    await server.stop();
    expect(Date.now() - before).toBeGreaterThanOrEqual(2500);
    expect(await server.exited).toBeNull();
    expect(isRunning(server.pid!)).toBe(false);
  }, 10_000);

  it('a server that exits first: rejected with its exit code and its last output', async () => {
    const error = await start([process.execPath, 'boom.js']).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^The preview server \(.*boom\.js\) exited with code 3 before it served anything\.\nLast output:\n/);
    expect((error as Error).message).toContain('starting');
    expect((error as Error).message).toContain('boom');
  });

  it('a server that never serves: rejected at the timeout, and the process is gone', async () => {
    const pidFile = path.join(worktree, 'timeout.pid');
    const error = await start([process.execPath, 'stuck.js', pidFile], { timeoutMs: 1000 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/served nothing within 1 s and was stopped: it printed no localhost address and port \d+ did not answer\.\nLast output:\ncompiling…$/);
    expect(isRunning(await pidWrittenTo(pidFile))).toBe(false);
  });

  it('an abort ends the process and rejects; an aborted signal starts nothing', async () => {
    const pidFile = path.join(worktree, 'abort.pid');
    const controller = new AbortController();
    const starting = start([process.execPath, 'stuck.js', pidFile], { signal: controller.signal }).catch((e: Error) => e);
    const pid = await pidWrittenTo(pidFile);
    expect(isRunning(pid)).toBe(true);
    controller.abort();
    const error = (await starting) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.message).toMatch(/^The preview was cancelled before it served anything\./);
    expect(isRunning(pid)).toBe(false);

    await expect(start([process.execPath, 'stuck.js', pidFile], { signal: AbortSignal.abort() })).rejects.toThrow('cancelled before it started');
  });

  it('a program that is not there, or a folder that is not there: rejected, naming it', async () => {
    await expect(start(['orchard-no-such-dev-server', 'dev'])).rejects.toThrow('Could not start the preview: orchard-no-such-dev-server: not found in any absolute folder of PATH.');
    await expect(start(['./node_modules/.bin/vite'])).rejects.toThrow(/a relative path would depend on the working folder/);
    await expect(startPreviewServer({ cwd: path.join(worktree, 'missing'), argv: [process.execPath, 'server.js'] })).rejects.toThrow(/is not an existing folder/);
    await expect(start([])).rejects.toThrow('No command');
  });
});
