/**
 * Several processes on one blueprint: compare-and-swap must never lose a
 * revision, and a process killed at any point must leave the ref on a complete
 * commit with every revision it reported saved still in the history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBlueprintText } from '../../../extension/src/core/blueprint/blueprintFile';
import { BlueprintStore } from '../../../extension/src/store/blueprintStore';
import { bundle, git, makeRepo, tempDir, tryGit, useIsolatedGit } from './gitFixture';

const REF = 'refs/orchard/blueprints/loop';
let saveLoop: string;

useIsolatedGit();

beforeAll(async () => {
  saveLoop = await bundle(path.join(__dirname, 'saveLoop.ts'), tempDir('orchard-bundle-'), 'saveLoop');
});

interface Run {
  child: ChildProcess;
  /** "saved <commit> <label>" lines printed so far. */
  saved: Array<{ commit: string; label: string }>;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  onLine?: () => void;
}

function startLoop(root: string, label: string, count: number): Run {
  const child = spawn(process.execPath, [saveLoop, root, 'loop', label, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { child, saved: [], stderr: '', exited: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))) };
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let eol: number;
    while ((eol = buffer.indexOf('\n')) >= 0) {
      const [, commit, name] = buffer.slice(0, eol).split(' ');
      buffer = buffer.slice(eol + 1);
      run.saved.push({ commit: commit!, label: name! });
      run.onLine?.();
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')));
  return run;
}

function chain(repo: string): string[] {
  const out = tryGit(repo, ['rev-list', '--first-parent', '--reverse', REF]);
  return out.ok ? out.out.split('\n').filter(Boolean) : [];
}

describe('concurrent saves', () => {
  it('two processes saving 50 revisions each at once: all 100 are in the history', async () => {
    const repo = makeRepo();
    const runs = [startLoop(repo, 'A', 50), startLoop(repo, 'B', 50)];
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const [i, result] of results.entries()) expect(result, runs[i]!.stderr).toEqual({ code: 0, signal: null });

    const history = await (await BlueprintStore.open(repo)).history('loop');
    expect(history).toHaveLength(100);
    expect(history.map((r) => r.rev)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const messages = history.map((r) => r.message);
    for (const label of ['A', 'B']) {
      // Each process's own saves appear once each, in the order it made them.
      expect(messages.filter((m) => m.startsWith(`${label}-`))).toEqual(Array.from({ length: 50 }, (_, i) => `${label}-${i + 1}`));
    }
    const reported = runs.flatMap((r) => r.saved.map((s) => s.commit));
    expect(new Set(reported)).toEqual(new Set(history.map((r) => r.commit)));
    expect(git(repo, ['fsck', '--no-progress', '--no-dangling']).trim()).toBe('');
  }, 60_000);
});

describe('a saving process killed at random points', () => {
  it('leaves the ref on a valid commit and keeps every revision it reported (35 kills)', async () => {
    const repo = makeRepo();
    const reported = new Set<string>();
    let kills = 0;
    for (let i = 0; i < 35; i++) {
      const run = startLoop(repo, `k${i}`, 0);
      // Kill after 0-3 reported saves plus 0-15 ms, so the kill lands anywhere
      // in a save: before the objects, between them, around the ref update.
      const afterLines = Math.floor(Math.random() * 4);
      await new Promise<void>((resolve) => {
        const go = () => setTimeout(resolve, Math.random() * 15);
        if (afterLines === 0) setTimeout(resolve, 40 + Math.random() * 120);
        else run.onLine = () => run.saved.length >= afterLines && go();
        void run.exited.then(() => resolve());
      });
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      expect(run.stderr).toBe('');
      if (signal === 'SIGKILL') kills++;
      for (const s of run.saved) reported.add(s.commit);

      const commits = chain(repo);
      if (reported.size > 0) expect(commits.length).toBeGreaterThan(0);
      if (commits.length > 0) {
        expect(git(repo, ['cat-file', '-t', REF]).trim()).toBe('commit');
        const parsed = parseBlueprintText(git(repo, ['cat-file', 'blob', `${REF}:blueprint.json`]));
        expect(parsed.ok).toBe(true);
      }
      const present = new Set(commits);
      for (const commit of reported) expect(present.has(commit), `reported ${commit} missing after kill ${i}`).toBe(true);
    }
    expect(kills).toBeGreaterThanOrEqual(30);
    expect(reported.size).toBeGreaterThan(30);
    // Orphaned git children of the killed processes may still be finishing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(git(repo, ['fsck', '--no-progress', '--no-dangling']).trim()).toBe('');
    const file = path.join(repo, '.orchard', 'blueprints', 'loop.json');
    expect(parseBlueprintText(fs.readFileSync(file, 'utf8')).ok).toBe(true);
  }, 60_000);
});
