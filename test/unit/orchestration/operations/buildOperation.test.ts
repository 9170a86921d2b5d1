/**
 * A build from a ready blueprint to a commit waiting for approval, through
 * the real pieces: a git repository, a worktree on its own branch, the
 * executor on Orchard's agent loop talking to the fake Anthropic server over
 * HTTP (the only fake: the model), the sandboxed run_command, the commit.
 * The user's checkout must be byte-for-byte as it was; the events must fold
 * into an operation that reached `waiting`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExecutor } from '../../../../extension/src/agents/executor/executor';
import { createProvider } from '../../../../extension/src/agents/providers/createProvider';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import { newOperation, operationId, type Operation } from '../../../../extension/src/core/operations/operation';
import { replay, type NewOperationEvent, type OperationEvent } from '../../../../extension/src/core/operations/operationEvents';
import { detectProjectCommands } from '../../../../extension/src/core/operations/projectCommands';
import { commitMessage, runBuild, type BuildInput } from '../../../../extension/src/orchestration/operations/buildOperation';
import { commitWorktree } from '../../../../extension/src/store/worktreeCommit';
import { WorktreeManager } from '../../../../extension/src/store/worktrees/worktreeManager';
import { startFakeAnthropic } from '../../../support/fakeAnthropic.mjs';
import { READY_BLUEPRINT } from '../../../support/readyBlueprint.mjs';
import { git, makeRepo, removeTempDirs, tempDir, useIsolatedGit } from '../../store/gitFixture';

useIsolatedGit();
const PROMPTS = path.resolve(__dirname, '../../../../prompts');

let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => removeTempDirs());

const READY = Blueprint.parse(READY_BLUEPRINT);

/** The user's checkout as git and the disk see it. */
function checkout(repo: string) {
  return {
    head: git(repo, ['rev-parse', 'HEAD']),
    branch: git(repo, ['symbolic-ref', 'HEAD']),
    status: git(repo, ['status', '--porcelain=v1', '--untracked-files=all']),
    index: git(repo, ['ls-files', '-s']),
    branches: git(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']),
    stash: git(repo, ['stash', 'list']),
    files: fs.readdirSync(repo).sort(),
  };
}

async function setup() {
  const repo = makeRepo();
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'fixture', scripts: { test: 'node test.js' } }, null, 2));
  fs.writeFileSync(path.join(repo, 'test.js'), "require('node:fs').existsSync(__dirname + '/greeting.js') ? console.log('ok') : (console.log('greeting.js missing'), process.exit(1));\n");
  git(repo, ['add', '.']);
  git(repo, ['commit', '-q', '-m', 'fixture']);
  // Uncommitted work of the user's: not part of the build, and never touched by it.
  fs.writeFileSync(path.join(repo, 'notes.txt'), 'my uncommitted notes\n');
  const base = git(repo, ['rev-parse', 'HEAD']).trim();
  const managed = tempDir('orchard-managed-');
  const events: NewOperationEvent[] = [];
  const id = operationId(Date.now(), 'abcdef0123456789');
  let n = 0;
  const input: BuildInput = {
    operationId: id,
    slug: 'greeting',
    blueprint: READY,
    baseCommit: base,
    worktrees: await WorktreeManager.open({ repoRoot: repo, managedRoot: managed }),
    emit: (e) => void events.push(e),
    runExecutor: (i) => runExecutor({ ...i, provider: createProvider({ kind: 'anthropic', apiKey: 'sk-ant-unit-test-key-000', baseUrl: fake.url, model: 'claude-sonnet-5-5', maxRetries: 0 }) }),
    model: 'claude-sonnet-5-5',
    tempDir: tempDir('orchard-optmp-'),
    projectCommands: async (worktree) =>
      detectProjectCommands({ rootNames: new Set(fs.readdirSync(worktree)), packageJson: fs.readFileSync(path.join(worktree, 'package.json'), 'utf8') }),
    ask: async () => 'deny',
    commit: (worktree, message) => commitWorktree(worktree, message),
    budgetTokens: 1_000_000,
    promptsDir: PROMPTS,
    signal: new AbortController().signal,
    newCallId: () => `cmd-${++n}`,
  };
  return { repo, base, input, events, id };
}

function fold(id: string, base: string, events: NewOperationEvent[]): Operation {
  const start = newOperation({ id, kind: 'build', slug: 'greeting', backend: 'orchard', baseCommit: base, createdAt: '2026-12-07T10:00:00.000Z' });
  const numbered = events.map((e, i) => ({ ...e, seq: i + 1, time: new Date(Date.parse('2026-12-07T10:00:00.000Z') + i).toISOString() }) as OperationEvent);
  return replay(start, numbered);
}

describe('a build', () => {
  it('leaves a commit with the agent change on its own branch, and the user checkout as it was', async () => {
    const { repo, base, input, events, id } = await setup();
    const before = checkout(repo);
    fake.script(
      { kind: 'text_tool', text: 'Plan: add greeting.js with greet(name), then run npm test.', tool: { name: 'write_file', input: { path: 'greeting.js', content: "exports.greet = (name) => `Hello, ${name}!`;\n" } } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'npm test' } },
      { kind: 'text', text: 'Added greeting.js with greet(name); npm test passes.' },
    );
    const outcome = await runBuild(input);
    expect(outcome).toMatchObject({ status: 'waiting', branch: 'orchard/greeting-1' });
    if (outcome.status !== 'waiting') return;

    // The branch holds exactly the agent's change on top of the base commit.
    expect(git(repo, ['rev-parse', `${outcome.commit}^`]).trim()).toBe(base);
    expect(git(repo, ['diff', '--name-only', base, outcome.commit]).trim()).toBe('greeting.js');
    expect(git(repo, ['show', `${outcome.commit}:greeting.js`])).toContain('Hello, ${name}!');
    expect(git(repo, ['log', '-1', '--format=%B', outcome.commit])).toBe(`${commitMessage(READY, 'greeting', id, 'Added greeting.js with greet(name); npm test passes.')}\n\n`);
    expect(git(repo, ['rev-parse', 'refs/heads/orchard/greeting-1']).trim()).toBe(outcome.commit);
    // The worktree is clean after the commit; the user's notes never reached it.
    expect(git(outcome.worktree, ['status', '--porcelain']).trim()).toBe('');
    expect(fs.existsSync(path.join(outcome.worktree, 'notes.txt'))).toBe(false);

    const after = checkout(repo);
    expect({ ...after, branches: after.branches.replace(/^refs\/heads\/orchard\/.*\n/m, '') }).toEqual(before);
    expect(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('my uncommitted notes\n');

    // The events tell the story, and fold into an operation waiting for approval.
    const op = fold(id, base, events);
    expect(op).toMatchObject({ status: 'waiting', phase: 'commit', branch: 'orchard/greeting-1', worktree: outcome.worktree, headCommit: outcome.commit });
    expect(op.usage.outputTokens).toBeGreaterThan(0);
    const phases = events.filter((e) => e.type === 'phase-started').map((e) => (e as { phase: string }).phase);
    expect(phases).toEqual(['spec', 'design', 'implement', 'test', 'review', 'commit']);
    expect(events).toContainEqual({ type: 'agent-text', text: 'Plan: add greeting.js with greet(name), then run npm test.' });
    expect(events).toContainEqual({ type: 'command-exit', callId: 'cmd-1', exitCode: 0, signal: null, timedOut: false });
    expect(events.filter((e) => e.type === 'tool-result').map((e) => (e as { ok: boolean }).ok)).toEqual([true, true]);

    // The executor read the spec and its rules: the first request carries both.
    const first = JSON.stringify(fake.requests.at(-3)!.body);
    expect(first).toContain('Implement the feature \\"Greeting\\"');
    expect(first).toContain('A greet() function that says hello to a name.');
    expect(first).toContain('# Executor');
    expect(first).toContain('npm test');
  }, 60_000);

  it('fails with the reason when the agent changes nothing, and keeps the worktree', async () => {
    const { input, events, id, base } = await setup();
    fake.script({ kind: 'text', text: 'I could not find anything to change.' });
    const outcome = await runBuild(input);
    expect(outcome).toEqual({ status: 'failed', reason: 'The executor finished without changing any file: there is nothing to approve.' });
    expect(fold(id, base, events)).toMatchObject({ status: 'failed', reason: outcome.status === 'failed' ? outcome.reason : '' });
  }, 60_000);

  it('fails when the agent runs past its time budget, and says so', async () => {
    const { input, events, id, base } = await setup();
    // A reply that streams for half a minute.
    fake.script({ kind: 'slow', tokens: 600, delayMs: 50 });
    const started = Date.now();
    const outcome = await runBuild({ ...input, wallTimeMs: 800 });
    expect(outcome).toEqual({ status: 'failed', reason: 'The build ran out of its time budget (1 s) before the agent finished.' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fold(id, base, events)).toMatchObject({ status: 'failed' });
  }, 60_000);

  it('refuses a blueprint that is not ready, before making anything', async () => {
    const { input, events } = await setup();
    let made = false;
    const outcome = await runBuild({ ...input, blueprint: { ...READY, blockers: ['Needs a decision on i18n'] }, worktrees: { create: async () => ((made = true), { branch: 'x', path: '/nowhere' }) } });
    expect(outcome).toEqual({ status: 'failed', reason: 'The blueprint is not ready to build: Blocker: Needs a decision on i18n' });
    expect(made).toBe(false);
    expect(events).toEqual([{ type: 'status', status: 'failed', reason: outcome.status === 'failed' ? outcome.reason : '' }]);
  });
});
