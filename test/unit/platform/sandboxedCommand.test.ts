/**
 * An agent's command, run for real: output streamed, secrets kept out of its
 * environment, its whole process tree ended by a timeout or Stop, and — where
 * bubblewrap is installed (Debian's `bubblewrap`; the e2e setup installs it)
 * — no write outside its worktree, no network unless allowed, no signal to
 * anything outside.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { availableSandbox, commandEnvironment, runSandboxed, type SandboxedCommand } from '../../../extension/src/platform/sandboxedCommand';

let base: string;
let tree: string;
let temp: string;
let outside: string;

beforeEach(() => {
  // Not under /tmp: the sandbox puts an empty /tmp over it, which would hide a write outside instead of refusing it.
  const parent = fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir();
  base = fs.realpathSync(fs.mkdtempSync(path.join(parent, 'orchard-cmd-')));
  tree = path.join(base, 'tree');
  temp = path.join(base, 'tmp');
  outside = path.join(base, 'outside');
  for (const dir of [tree, temp, outside]) fs.mkdirSync(dir);
  fs.writeFileSync(path.join(outside, 'keep.txt'), 'untouched\n');
  fs.writeFileSync(path.join(tree, '.git'), 'gitdir: /somewhere/.git/worktrees/x\n');
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

async function run(command: string, extra: Partial<SandboxedCommand> = {}) {
  let stdout = '';
  let stderr = '';
  const result = await runSandboxed({
    command,
    cwd: tree,
    tempDir: temp,
    timeoutMs: 20_000,
    onOutput: (stream, text) => (stream === 'stdout' ? (stdout += text) : (stderr += text)),
    ...extra,
  });
  return { ...result, stdout, stderr };
}

/** Live (not zombie) processes whose command line contains `marker`. */
function running(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe.each(['none', 'auto'] as const)('a command (sandbox: %s)', (sandbox) => {
  it.skipIf(sandbox === 'auto' && !availableSandbox())('streams output and returns the exit code', async () => {
    const r = await run('echo out; echo err >&2; exit 3', { sandbox });
    expect(r).toMatchObject({ exitCode: 3, timedOut: false, stopped: false, stdout: 'out\n', stderr: 'err\n', sandbox: sandbox === 'none' ? 'none' : 'bubblewrap' });
  });

  it.skipIf(sandbox === 'auto' && !availableSandbox())('never sees secrets or git redirections in its environment', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ANTHROPIC_API_KEY: 'sk-ant-x', MY_SERVICE_TOKEN: 'tok', DB_PASSWORD: 'pw', GIT_DIR: '/elsewhere', KEYBOARD: 'us' };
    const r = await run('env', { sandbox, env });
    expect(r.stdout).not.toMatch(/ANTHROPIC_API_KEY|MY_SERVICE_TOKEN|DB_PASSWORD|GIT_DIR/);
    expect(r.stdout).toMatch(/^KEYBOARD=us$/m);
    expect(r.stdout).toContain(`TMPDIR=${temp}`);
  });

  it.skipIf(sandbox === 'auto' && !availableSandbox())('a timeout ends the whole tree, background children included', async () => {
    const marker = `31.${process.pid}${sandbox === 'none' ? 1 : 2}`;
    const started = Date.now();
    const r = await run(`sleep ${marker} & echo started; sleep ${marker}`, { sandbox, timeoutMs: 800 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await eventually(() => running(marker).length === 0), `still running: ${running(marker)}`).toBe(true);
  });

  it.skipIf(sandbox === 'auto' && !availableSandbox())('Stop ends it too', async () => {
    const controller = new AbortController();
    const marker = `32.${process.pid}${sandbox === 'none' ? 1 : 2}`;
    setTimeout(() => controller.abort(), 300);
    const r = await run(`sleep ${marker}`, { sandbox, signal: controller.signal });
    expect(r).toMatchObject({ stopped: true, timedOut: false });
    expect(await eventually(() => running(marker).length === 0)).toBe(true);
  });
});

describe.skipIf(!availableSandbox())('inside bubblewrap', () => {
  it('writes in its worktree and temporary folder only; the .git file stays as git wrote it', async () => {
    const r = await run(`echo a > made.txt && echo b > "$TMPDIR/t.txt" && { echo x > ${outside}/keep.txt; echo "outside: $?"; } ; { echo y > .git; echo "git: $?"; }; touch ${outside}/new.txt; echo "new: $?"; touch /tmp/inside-tmpfs && echo "tmp: ok"`);
    expect(fs.readFileSync(path.join(tree, 'made.txt'), 'utf8')).toBe('a\n');
    expect(fs.readFileSync(path.join(temp, 't.txt'), 'utf8')).toBe('b\n');
    expect(r.stdout).toMatch(/outside: [1-9]/);
    expect(r.stdout).toMatch(/git: [1-9]/);
    expect(r.stdout).toMatch(/new: [1-9]/);
    expect(r.stdout).toContain('tmp: ok');
    expect(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('untouched\n');
    expect(fs.readdirSync(outside)).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(tree, '.git'), 'utf8')).toBe('gitdir: /somewhere/.git/worktrees/x\n');
  });

  it('reaches no network unless allowed', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const probe = `"${process.execPath}" -e "require('net').connect(${port},'127.0.0.1').on('connect',()=>{console.log('connected');process.exit(0)}).on('error',e=>{console.log('refused '+e.code);process.exit(1)})"`;
    try {
      expect((await run(probe)).stdout).toMatch(/^refused E/);
      expect((await run(probe, { network: true })).stdout).toBe('connected\n');
    } finally {
      server.close();
    }
  });

  it('cannot signal processes outside it', async () => {
    const r = await run(`kill -0 ${process.pid}; echo "kill: $?"`);
    expect(r.stdout).toMatch(/kill: [1-9]/);
  });
});

describe('the environment', () => {
  it('keeps ordinary variables and drops secret-looking ones', () => {
    expect(commandEnvironment({ PATH: '/bin', NODE_ENV: 'test', KEYBOARD: 'us', API_KEY: 'x', OPENAI_BASE: 'y', GITHUB_TOKEN: 'z', GIT_INDEX_FILE: 'i', SESSION_ID: 's' })).toEqual({
      PATH: '/bin',
      NODE_ENV: 'test',
      KEYBOARD: 'us',
    });
  });
});
