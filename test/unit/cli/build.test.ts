/**
 * `orchard build` and `orchard operations` as a user runs them: the bundled
 * CLI in a child process, a real git repository with a ready blueprint, the
 * fake Anthropic server on loopback scripting the executor (the only fake).
 * Done when the branch holds the agent's change, the user's checkout is as it
 * was, and the operation can be listed, shown and replayed from its log.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeBinary } from '../../support/claudeCodeBinary.mjs';
import { startFakeAnthropic } from '../../support/fakeAnthropic.mjs';
import { bundleForNode } from '../../support/bundleNode.mjs';
import { READY_BLUEPRINT } from '../../support/readyBlueprint.mjs';
import { git, makeRepo, removeTempDirs, tempDir, useIsolatedGit } from '../store/gitFixture';

useIsolatedGit();
const repoRoot = path.resolve(__dirname, '..', '..', '..');
// In dist-test/ like dist/: the bundle finds prompts/ one folder up, as the shipped CLI does.
const cli = path.join(repoRoot, 'dist-test', 'cli-build-test.js');

let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
beforeAll(async () => {
  await bundleForNode({ entry: path.join(repoRoot, 'extension/src/cli.ts'), outfile: cli, banner: '#!/usr/bin/env node' });
  fake = await startFakeAnthropic();
}, 60_000);
afterAll(async () => {
  await fake?.close();
  removeTempDirs();
});

function orchard(cwd: string, args: string[], killAfterMs?: number, env: Record<string, string> = { ANTHROPIC_API_KEY: 'sk-ant-cli-test-key-000' }): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, ANTHROPIC_BASE_URL: fake.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const BLUEPRINT = READY_BLUEPRINT;

/** A repository whose one commit holds `files`, a package.json with `scripts` and the ready blueprint greeting. */
function projectRepo(scripts: Record<string, string>, files: Record<string, string> = {}): string {
  const repo = makeRepo();
  const all = { 'package.json': JSON.stringify({ name: 'fixture', scripts }), '.orchard/blueprints/greeting.json': JSON.stringify(BLUEPRINT, null, 2), ...files };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
    fs.writeFileSync(path.join(repo, name), text);
  }
  git(repo, ['add', '.']);
  git(repo, ['commit', '-q', '-m', 'fixture']);
  return repo;
}

describe('orchard build', () => {
  it('builds a ready blueprint to a commit on its own branch; operations list, show and log tell the story', async () => {
    const repo = projectRepo({ test: 'node -e "process.exit(0)"' });
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    const state = tempDir('orchard-state-');
    fake.script(
      { kind: 'text_tool', text: 'Plan: add greeting.js.', tool: { name: 'write_file', input: { path: 'greeting.js', content: 'exports.greet = (n) => `Hello, ${n}!`;\n' } } },
      // Not a project command: headless, it is refused (no --allow-commands), and the agent goes on.
      { kind: 'tool_use', name: 'run_command', input: { command: 'touch extra.txt' } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'npm test' } },
      { kind: 'text', text: 'Added greeting.js.' },
    );

    const r = await orchard(repo, ['build', 'greeting', '--state-dir', state, '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'waiting' });
    expect(r.err).toMatch(/operation op-\w+-\w+ builds from [0-9a-f]{12} \(main\)/);
    expect(r.err).toContain("orchard: refused (touch extra.txt is not one of the project's commands): touch extra.txt — --allow-commands would run it");
    const commit = events.find((e) => e.type === 'commit').commit;
    expect(git(repo, ['rev-parse', 'refs/heads/orchard/greeting-1']).trim()).toBe(commit);
    expect(git(repo, ['diff', '--name-only', head, commit]).trim()).toBe('greeting.js');
    // The user's checkout: same HEAD, no new file; only the blueprint (Orchard's file) says it is building,
    // as a revision of its own with the conversation kept.
    expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(git(repo, ['status', '--porcelain']).trim()).toBe('M .orchard/blueprints/greeting.json');
    expect(JSON.parse(fs.readFileSync(path.join(repo, '.orchard', 'blueprints', 'greeting.json'), 'utf8')).status).toBe('building');
    expect(git(repo, ['log', '-1', '--format=%s', 'refs/orchard/blueprints/greeting'])).toMatch(/^build started: operation op-/);
    expect(fs.existsSync(path.join(repo, 'greeting.js'))).toBe(false);

    const id = /operation (op-[\w-]+)/.exec(r.err)![1]!;
    const list = await orchard(repo, ['operations', 'list', '--state-dir', state]);
    expect(list.out).toMatch(new RegExp(`^${id}  waiting    build greeting  orchard/greeting-1  `));
    const show = JSON.parse((await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json'])).out);
    expect(show).toMatchObject({ id, status: 'waiting', phase: 'commit', branch: 'orchard/greeting-1', headCommit: commit, baseCommit: head, lastSeq: events.length });
    const log = await orchard(repo, ['operations', 'log', id, '--state-dir', state]);
    expect(log.out).toContain('[phase] implement');
    expect(log.out).toContain('[tool] write_file {"path":"greeting.js"');
    expect(log.out).toContain("[tool] refused: Not run: it was not allowed (touch extra.txt is not one of the project's commands).");
    expect(log.out).toMatch(/\[commit\] [0-9a-f]{12} 1 file changed/);
    expect(log.out.trimEnd().endsWith('[status] waiting')).toBe(true);
  }, 90_000);

  it("prepares the worktree with the project's .orchard/setup.sh first, and fails with its reason when it fails", async () => {
    const repo = projectRepo(
      { test: 'test -f node_modules/.installed' },
      { '.gitignore': 'node_modules/\n', '.orchard/setup.sh': 'mkdir -p node_modules && touch node_modules/.installed && echo installed\n' },
    );
    const state = tempDir('orchard-state-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    fake.script(
      { kind: 'tool_use', name: 'write_file', input: { path: 'greeting.js', content: 'exports.greet = (n) => n;\n' } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'npm test' } },
      { kind: 'text', text: 'Done.' },
    );
    const r = await orchard(repo, ['build', 'greeting', '--state-dir', state]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('[tool] setup sh .orchard/setup.sh\ninstalled\n');
    // The test script found what setup installed: the command succeeded (no exit line), and node_modules is not committed.
    expect(r.out).not.toMatch(/\[command\] exit/);
    const commit = /commit ([0-9a-f]{12})/.exec(r.err)![1]!;
    expect(git(repo, ['show', '--name-only', '--format=', commit]).trim()).toBe('greeting.js');

    fs.writeFileSync(path.join(repo, '.orchard', 'setup.sh'), 'echo "npm ERR! network" >&2; exit 3\n');
    git(repo, ['commit', '-q', '-am', 'broken setup']);
    const failed = await orchard(repo, ['build', 'greeting', '--state-dir', state]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('npm ERR! network');
    expect(failed.err).toMatch(/failed: \.orchard\/setup\.sh failed \(exit 3\): the worktree could not be prepared/);
  }, 60_000);

  it('orchard operations cancel stops a running build through its runner; the worktree stays', async () => {
    const repo = projectRepo({});
    const state = tempDir('orchard-state-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    // A reply that streams for a minute: the build is surely running when it is cancelled.
    fake.script({ kind: 'slow', tokens: 1200, delayMs: 50 });
    const build = orchard(repo, ['build', 'greeting', '--state-dir', state]);
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const list = await orchard(repo, ['operations', 'list', '--state-dir', state, '--format', 'json']);
      id = JSON.parse(list.out || '[]').find((op: { status: string }) => op.status === 'running' && fake.requests.length > 0)?.id;
    }
    expect(id, 'the build never started running').toBeDefined();
    const cancel = await orchard(repo, ['operations', 'cancel', id!, '--state-dir', state]);
    expect(cancel).toMatchObject({ code: 0, out: `${id}: stopped by its runner\n` });
    const ended = await build;
    expect(ended.code).toBe(1);
    expect(ended.err).toContain(`${id} cancelled: Stopped by the user.`);
    const show = JSON.parse((await orchard(repo, ['operations', 'show', id!, '--state-dir', state, '--format', 'json'])).out);
    expect(show).toMatchObject({ status: 'cancelled', reason: 'Stopped by the user.' });
    expect(fs.existsSync(show.worktree)).toBe(true);
    expect((await orchard(repo, ['operations', 'cancel', id!, '--state-dir', state])).out).toBe(`${id}: had already ended\n`);
    // Back to draft: the build did not finish.
    expect(JSON.parse(fs.readFileSync(path.join(repo, '.orchard', 'blueprints', 'greeting.json'), 'utf8')).status).toBe('draft');
  }, 60_000);

  it('says what is wrong, and makes nothing, for a blueprint that is missing, invalid or not ready', async () => {
    const repo = makeRepo();
    const state = tempDir('orchard-state-');
    expect(await orchard(repo, ['build', 'nope', '--state-dir', state])).toMatchObject({ code: 1, err: 'orchard: there is no blueprint .orchard/blueprints/nope.json\n' });
    fs.mkdirSync(path.join(repo, '.orchard', 'blueprints'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.orchard', 'blueprints', 'draft.json'), JSON.stringify({ ...BLUEPRINT, readyToBuild: false }));
    const draft = await orchard(repo, ['build', 'draft', '--state-dir', state]);
    expect(draft.code).toBe(1);
    expect(draft.err).toMatch(/failed: The blueprint is not ready to build: it is not marked ready to build\n$/);
    expect(git(repo, ['for-each-ref', 'refs/heads/orchard']).trim()).toBe('');
    expect(fs.existsSync(path.join(state, 'worktrees')) ? fs.readdirSync(path.join(state, 'worktrees')).filter((n) => !n.startsWith('.')) : []).toEqual([]);
    expect((await orchard(repo, ['build'])).code).toBe(2);
    expect((await orchard(repo, ['build', 'a', '--backend', 'nope'])).err).toMatch(/--backend must be orchard or claude-code, not "nope"/);
  }, 60_000);

  it('a runner killed mid-operation, 20 times: each log reads, each operation is lost with its worktree kept', async () => {
    // The test script runs for seconds, so a kill lands while a command, a request or a write is under way.
    const repo = projectRepo({ test: 'node -e "setTimeout(() => {}, 1500)"' });
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    const state = tempDir('orchard-state-');
    for (let i = 0; i < 20; i++) {
      await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
      fake.script(
        { kind: 'text_tool', text: 'Plan: add greeting.js.', delayMs: 15, tool: { name: 'write_file', input: { path: `greeting-${i}.js`, content: 'x\n'.repeat(2000) } } },
        { kind: 'tool_use', name: 'run_command', input: { command: 'npm test' } },
        { kind: 'text', text: 'Done.' },
      );
      const r = await orchard(repo, ['build', 'greeting', '--state-dir', state], 400 + ((i * 137) % 1600));
      expect(r.code, `run ${i}: ${r.err}`).toBeNull();
    }
    const ops = JSON.parse((await orchard(repo, ['operations', 'list', '--state-dir', state, '--format', 'json'])).out);
    // A kill before the runner got as far as recording its operation leaves nothing at all.
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const op of ops) {
      // Killed before it ended: lost, with its log whole up to the kill (the list folded it).
      expect(['lost', 'waiting']).toContain(op.status);
      if (op.status === 'lost') expect(op.reason).toMatch(/runner stopped/);
      if (op.worktree) expect(fs.existsSync(op.worktree), op.worktree).toBe(true);
      const log = await orchard(repo, ['operations', 'log', op.id, '--state-dir', state, '--format', 'json']);
      const seqs = log.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).seq);
      expect(seqs).toEqual(seqs.map((_: number, k: number) => k + 1));
    }
    expect(ops.filter((op: { status: string }) => op.status === 'lost').length).toBeGreaterThanOrEqual(ops.length - 3);
    // Asked again, nothing changes: lost is recorded once.
    const again = JSON.parse((await orchard(repo, ['operations', 'list', '--state-dir', state, '--format', 'json'])).out);
    expect(again.map((op: { lastSeq: number }) => op.lastSeq)).toEqual(ops.map((op: { lastSeq: number }) => op.lastSeq));
    // And the user's checkout never moved. A run killed while saving the blueprint's status leaves its
    // temporary file; the next use of the store removes it, its writer being gone.
    await orchard(repo, ['blueprint', 'list']);
    expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all']).trim()).toMatch(/^(M \.orchard\/blueprints\/greeting\.json)?$/);
  }, 180_000);
});

describe('orchard build and operations: questions, discard, slots, resume, Claude Code', () => {
  /** Polls `operations show` until `check` holds for the record; the record. */
  async function waitForRecord(repo: string, state: string, id: string, check: (op: any) => boolean, what: string) {
    for (let i = 0; i < 300; i++) {
      const shown = await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json']);
      const op = shown.code === 0 ? JSON.parse(shown.out) : undefined;
      if (op && check(op)) return op;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`operation ${id} never ${what}`);
  }

  it('--ask-in-log: the agent waits for the answer written by orchard operations answer; discard then removes worktree and branch only', async () => {
    const repo = projectRepo({});
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    const state = tempDir('orchard-state-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    fake.script(
      { kind: 'tool_use', name: 'write_file', input: { path: 'greeting.js', content: 'exports.greet = (n) => n;\n' } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'touch asked.txt' } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'touch denied.txt' } },
      { kind: 'text', text: 'Done.' },
    );
    const id = 'op-00000001-0123456789abcdef';
    // A file git does not hold, copied in for the agent's checks and never committed.
    fs.writeFileSync(path.join(repo, '.env.local'), 'TOKEN=local-only\n');
    const build = orchard(repo, ['build', 'greeting', '--state-dir', state, '--ask-in-log', '--operation-id', id, '--copy', '.env*']);
    const asking = await waitForRecord(repo, state, id, (op) => op.question !== null && op.question !== undefined, 'asked');
    expect(asking.question).toMatchObject({ command: 'touch asked.txt' });
    // Named by the seq of the question's event, so a resumed run never reuses one.
    const q1 = asking.question.id;
    expect(q1).toBe(`q${asking.lastSeq}`);
    // An answer to a question nobody asks is refused, naming it; a wrong answer is a usage error.
    expect((await orchard(repo, ['operations', 'answer', id, 'q7', 'once', '--state-dir', state])).err).toContain(`operation ${id} does not wait for an answer to q7`);
    expect((await orchard(repo, ['operations', 'answer', id, q1, 'always', '--state-dir', state])).code).toBe(2);
    expect(await orchard(repo, ['operations', 'answer', id, q1, 'once', '--state-dir', state])).toMatchObject({ code: 0, out: `${id}: ${q1} answered once\n` });
    const q2 = (await waitForRecord(repo, state, id, (op) => op.question && op.question.id !== q1, 'asked again')).question.id;
    await orchard(repo, ['operations', 'answer', id, q2, 'deny', '--state-dir', state]);
    const ended = await build;
    expect(ended.code, ended.err).toBe(0);
    expect(git(repo, ['show', '--name-only', '--format=', 'orchard/greeting-1']).trim().split('\n').sort()).toEqual(['asked.txt', 'greeting.js']);
    const log = (await orchard(repo, ['operations', 'log', id, '--state-dir', state])).out;
    expect(log).toContain(`[asks] ${q1}: may it run \`touch asked.txt\`?`);
    expect(log).toContain(`[answer] ${q1}: allowed once`);
    expect(log).toContain(`[answer] ${q2}: denied`);
    expect(log).toContain('[tool] copy-files [".env*"]');
    expect(log).toMatch(/\[commit\] [0-9a-f]{12} 2 files changed; not committed \(copied in, orchard\.build\.copyFiles\): \.env\.local/);

    const worktree = JSON.parse((await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json'])).out).worktree;
    expect(fs.readFileSync(path.join(worktree, '.env.local'), 'utf8')).toBe('TOKEN=local-only\n');
    expect((await orchard(repo, ['build', 'greeting', '--copy', 'apps/*/.env'])).err).toContain('--copy: "apps/*/.env": only the file name may hold wildcards');
    const discarded = await orchard(repo, ['operations', 'discard', id, '--state-dir', state]);
    expect(discarded, discarded.err).toMatchObject({ code: 0, out: `${id}: discarded; worktree removed, branch deleted\n` });
    expect(fs.existsSync(worktree)).toBe(false);
    expect(git(repo, ['worktree', 'list', '--porcelain']).trim().split('\n\n')).toHaveLength(1);
    expect(git(repo, ['for-each-ref', 'refs/heads/orchard']).trim()).toBe('');
    expect(fs.existsSync(path.join(state, 'tmp', id))).toBe(false);
    const shown = JSON.parse((await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json'])).out);
    expect(shown).toMatchObject({ status: 'cancelled', discarded: true, worktree: null, branch: null });
    // The user's checkout as it was; the blueprint back to draft, as a revision.
    expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(JSON.parse(fs.readFileSync(path.join(repo, '.orchard', 'blueprints', 'greeting.json'), 'utf8')).status).toBe('draft');
    expect(git(repo, ['log', '-1', '--format=%s', 'refs/orchard/blueprints/greeting'])).toMatch(/^build (cancelled|discarded): operation /);
  }, 90_000);

  it('--max-parallel 1: a second build waits, pending, until the first ends, then runs', async () => {
    const repo = projectRepo({});
    const state = tempDir('orchard-state-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    fake.script(
      { kind: 'text_tool', text: Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '), delayMs: 60, tool: { name: 'write_file', input: { path: 'a.js', content: 'a\n' } } },
      { kind: 'text', text: 'First done.' },
      { kind: 'tool_use', name: 'write_file', input: { path: 'b.js', content: 'b\n' } },
      { kind: 'text', text: 'Second done.' },
    );
    const first = orchard(repo, ['build', 'greeting', '--state-dir', state, '--max-parallel', '1', '--operation-id', 'op-00000001-aaaaaaaaaaaaaaaa']);
    await waitForRecord(repo, state, 'op-00000001-aaaaaaaaaaaaaaaa', (op) => op.status === 'running', 'ran');
    const second = orchard(repo, ['build', 'greeting', '--state-dir', state, '--max-parallel', '1', '--operation-id', 'op-00000002-bbbbbbbbbbbbbbbb']);
    const queued = await waitForRecord(repo, state, 'op-00000002-bbbbbbbbbbbbbbbb', () => true, 'appeared');
    await new Promise((r) => setTimeout(r, 500));
    expect((await waitForRecord(repo, state, 'op-00000002-bbbbbbbbbbbbbbbb', () => true, 'stayed')).status).toBe('pending');
    expect(queued.status).toBe('pending');
    expect((await first).code).toBe(0);
    const next = await second;
    expect(next.code, next.err).toBe(0);
    expect(git(repo, ['show', '--name-only', '--format=', 'orchard/greeting-2']).trim()).toBe('b.js');
    expect((await orchard(repo, ['build', 'greeting', '--max-parallel', '0'])).code).toBe(2);
  }, 90_000);

  it('--resume runs a lost build again in the worktree its killed runner left, telling the agent; only a lost build resumes', async () => {
    const repo = projectRepo({});
    const state = tempDir('orchard-state-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    const id = 'op-00000001-cccccccccccccccc';
    fake.script(
      { kind: 'tool_use', name: 'write_file', input: { path: 'first.js', content: 'first\n' } },
      // A reply that streams for a minute: the runner is killed during it.
      { kind: 'slow', tokens: 1200, delayMs: 50 },
    );
    const killed = orchard(repo, ['build', 'greeting', '--state-dir', state, '--operation-id', id]);
    const worktree = (await waitForRecord(repo, state, id, (op) => op.phase === 'implement' && fake.requests.length >= 2, 'implemented')).worktree;
    await waitForRecord(repo, state, id, () => fs.existsSync(path.join(worktree, 'first.js')), 'wrote first.js');
    const runner = JSON.parse(fs.readFileSync(path.join(state, 'operations', `${id}.jsonl.lock`), 'utf8')).pid;
    process.kill(runner, 'SIGKILL');
    await killed;
    expect((await waitForRecord(repo, state, id, (op) => op.status === 'lost', 'was lost')).worktree).toBe(worktree);

    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    fake.script({ kind: 'tool_use', name: 'write_file', input: { path: 'second.js', content: 'second\n' } }, { kind: 'text', text: 'Finished what the first run began.' });
    const resumed = await orchard(repo, ['build', '--resume', id, '--state-dir', state]);
    expect(resumed.code, resumed.err).toBe(0);
    expect(JSON.stringify(fake.requests[0]!.body.messages[0])).toContain('An earlier run of this build was interrupted');
    expect(git(repo, ['show', '--name-only', '--format=', 'orchard/greeting-1']).trim().split('\n').sort()).toEqual(['first.js', 'second.js']);
    const shown = JSON.parse((await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json'])).out);
    expect(shown).toMatchObject({ status: 'waiting', worktree, branch: 'orchard/greeting-1' });
    const log = (await orchard(repo, ['operations', 'log', id, '--state-dir', state])).out;
    expect(log.match(/\[status\] running/g)).toHaveLength(2);
    expect(log).toContain('[status] lost');

    const again = await orchard(repo, ['build', '--resume', id, '--state-dir', state]);
    expect(again).toMatchObject({ code: 1, err: `orchard: operation ${id} is waiting: only a lost build resumes\n` });
    expect((await orchard(repo, ['build', 'greeting', '--resume', id])).code).toBe(2);
  }, 90_000);

  it('--backend claude-code: the real Claude Code CLI builds in the worktree to the same kind of commit, its events the same', async () => {
    const claude = claudeCodeBinary();
    const repo = projectRepo({});
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    const state = fs.realpathSync(tempDir('orchard-state-'));
    const home = tempDir('orchard-cc-home-');
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    const id = 'op-00000001-dddddddddddddddd';
    const worktree = path.join(state, 'worktrees', id, 'tree');
    fake.script(
      { kind: 'text_tool', text: 'Plan: write greeting.js.', tool: { name: 'Write', input: { file_path: path.join(worktree, 'greeting.js'), content: 'exports.greet = (n) => `Hello, ${n}!`;\n' } } },
      { kind: 'text', text: 'Wrote greeting.js.' },
    );
    const env = { HOME: home, CLAUDE_CONFIG_DIR: path.join(home, '.claude'), ANTHROPIC_AUTH_TOKEN: 'sk-ant-cli-test-key-000', ANTHROPIC_API_KEY: '' };
    const r = await orchard(repo, ['build', 'greeting', '--backend', 'claude-code', '--claude', claude, '--model', 'claude-sonnet-4-5', '--state-dir', state, '--operation-id', id, '--format', 'json'], undefined, env);
    expect(r.code, r.err).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'tool-call')).toMatchObject({ tool: 'write_file' });
    expect(events.filter((e) => e.type === 'phase-started').map((e) => e.phase)).toEqual(['spec', 'design', 'implement', 'review', 'commit']);
    expect(git(repo, ['show', 'orchard/greeting-1:greeting.js'])).toBe('exports.greet = (n) => `Hello, ${n}!`;\n');
    expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(fs.existsSync(path.join(repo, 'greeting.js'))).toBe(false);
    const shown = JSON.parse((await orchard(repo, ['operations', 'show', id, '--state-dir', state, '--format', 'json'])).out);
    expect(shown).toMatchObject({ status: 'waiting', backend: 'claude-code', branch: 'orchard/greeting-1' });
    expect(fake.requests.every((req) => req.headers.authorization === 'Bearer sk-ant-cli-test-key-000')).toBe(true);
    expect((await orchard(repo, ['build', 'greeting', '--backend', 'codex'])).err).toMatch(/--backend must be orchard or claude-code/);
  }, 120_000);
});
