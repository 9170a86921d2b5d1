#!/usr/bin/env node
/**
 * `npm run bench:build`: what a build costs before the agent starts, and what a loud build costs
 * the runner. Not a pass/fail test: prints medians, ratios and the targets of the Build issue.
 *
 * On a generated repository of 20,000 files, side by side in one run:
 *   - `git worktree add` of HEAD alone (the floor: checking out 20,000 files), against
 *   - `orchard build` from its start to the executor's first model request (the fake Anthropic
 *     server on loopback notes when it arrives): node start, blueprint, preflight, worktree,
 *     spec, memory, prompt. Target: at most 1.25 times the worktree alone.
 * Then one build whose test command prints 1,000,000 lines through the runner into the log:
 * the runner's peak memory (VmHWM of the `orchard` process, its children excluded; target at
 * most 150 MB) and the log's size. Last, a build printing 100,000 lines whose log is followed
 * with the extension host's own code (the operations bundle's followOperation,
 * applyEvent and the log document's formatting, as vscode/operations/operationsHost.ts does): the
 * longest block of that follower's event loop (test/bench/followProbe.ts, a process of its own;
 * target at most 50 ms). It is the host's code on the same Node, not VS Code's extension host
 * itself, which has other work of its own.
 *
 * Options: --runs N (default 5), --files N (default 20000).
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../support/bundleNode.mjs';
import { startFakeAnthropic } from '../support/fakeAnthropic.mjs';
import { READY_BLUEPRINT } from '../support/readyBlueprint.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const runs = option('--runs', 5);
const fileCount = option('--files', 20_000);

const scratch = fs.mkdtempSync(path.join(fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'orchard-bench-build-'));
const cli = path.join(repoRoot, 'dist-test', 'cli-bench-build.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const git = (cwd, ...a) => execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@localhost', ...a], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });

const BLUEPRINT = READY_BLUEPRINT;

function makeRepo(testScript) {
  const repo = fs.mkdtempSync(path.join(scratch, 'repo-'));
  git(repo, 'init', '-q', '-b', 'main');
  for (let i = 0; i < fileCount; i++) {
    const dir = path.join(repo, 'src', `m${Math.floor(i / 200)}`);
    if (i % 200 === 0) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}.ts`), `export const v${i} = ${i};\n`);
  }
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'bench', scripts: { test: testScript } }));
  fs.mkdirSync(path.join(repo, '.orchard', 'blueprints'), { recursive: true });
  fs.writeFileSync(path.join(repo, '.orchard', 'blueprints', 'greeting.json'), JSON.stringify(BLUEPRINT));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bench fixture');
  return repo;
}

function runOrchard(repo, state, fake, { untilFirstRequest, operationId }) {
  return new Promise((resolve, reject) => {
    const before = fake.requests.length;
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'build', 'greeting', '--state-dir', state, '--format', 'json', ...(operationId ? ['--operation-id', operationId] : [])], {
      cwd: repo,
      env: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-bench-key-000', ANTHROPIC_BASE_URL: fake.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let peakKb = 0;
    let err = '';
    let measured;
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(() => {
      if (untilFirstRequest && fake.requests.length > before) {
        clearInterval(poll);
        measured = fake.requests[before].receivedAt - started;
        child.kill('SIGKILL');
        return;
      }
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // Gone.
      }
    }, 5);
    child.once('close', (code) => {
      clearInterval(poll);
      if (untilFirstRequest) {
        return measured === undefined ? reject(new Error(`orchard ended (exit ${code}) before its first model request: ${err}`)) : resolve({ ms: measured });
      }
      resolve({ ms: Date.now() - started, peakMb: peakKb / 1024, code, err });
    });
  });
}

await bundleForNode({ entry: path.join(repoRoot, 'extension/src/cli.ts'), outfile: cli, banner: '#!/usr/bin/env node' });
const followProbe = path.join(repoRoot, 'dist-test', 'follow-probe-bench.cjs');
await bundleForNode({ entry: path.join(repoRoot, 'test/bench/followProbe.ts'), outfile: followProbe });
const fake = await startFakeAnthropic();
try {
  console.log(`bench:build — ${fileCount.toLocaleString('en-US')} files, ${runs} runs each, medians (${os.cpus().length} cores)`);
  const repo = makeRepo('node -e "process.exit(0)"');
  const worktreeMs = [];
  const parallelMs = [];
  const buildMs = [];
  for (let i = 0; i < runs; i++) {
    // Alternated, so that load from elsewhere on the machine falls on both alike.
    const where = path.join(scratch, `wt-${i}`);
    const t0 = performance.now();
    git(repo, 'worktree', 'add', '-q', '-b', `bench-${i}`, where, 'HEAD');
    worktreeMs.push(performance.now() - t0);
    git(repo, 'worktree', 'remove', '--force', where);
    // What Orchard runs: the same with git's parallel checkout (checkout.workers=0, one per core).
    const t1 = performance.now();
    git(repo, '-c', 'checkout.workers=0', 'worktree', 'add', '-q', '-b', `bench-p${i}`, where, 'HEAD');
    parallelMs.push(performance.now() - t1);
    git(repo, 'worktree', 'remove', '--force', where);
    const state = path.join(scratch, `state-${i}`);
    fake.script({ kind: 'slow', tokens: 1000, delayMs: 50 });
    buildMs.push((await runOrchard(repo, state, fake, { untilFirstRequest: true })).ms);
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
  }
  const w = median(worktreeMs);
  const b = median(buildMs);
  console.log(`  git worktree add alone           ${w.toFixed(0)} ms`);
  console.log(`  the same, parallel checkout      ${median(parallelMs).toFixed(0)} ms (what Orchard runs)`);
  console.log(`  orchard build -> first request   ${b.toFixed(0)} ms   ratio ${(b / w).toFixed(2)} (target <= 1.25)`);

  const loud = makeRepo('node -e "for (let i = 0; i < 1e6; i++) console.log(\'line \' + i + \' of the loud test suite\')"');
  const state = path.join(scratch, 'state-loud');
  fake.script(
    { kind: 'tool_use', name: 'write_file', input: { path: 'greeting.js', content: 'exports.greet = (n) => n;\n' } },
    { kind: 'tool_use', name: 'run_command', input: { command: 'npm test --silent' } },
    { kind: 'text', text: 'Done.' },
  );
  const result = await runOrchard(loud, state, fake, { untilFirstRequest: false });
  const logs = fs.readdirSync(path.join(state, 'operations')).filter((n) => n.endsWith('.jsonl'));
  const logBytes = logs.reduce((sum, n) => sum + fs.statSync(path.join(state, 'operations', n)).size, 0);
  console.log(`  1,000,000 output lines: runner peak ${result.peakMb.toFixed(0)} MB (target <= 150), ${(result.ms / 1000).toFixed(1)} s, log ${(logBytes / 1024 / 1024).toFixed(1)} MiB, exit ${result.code}`);

  // The window's side of a loud build, in a process of its own: follow the log as the Operations view does, time its longest stall.
  const followed = makeRepo('node -e "for (let i = 0; i < 1e5; i++) console.log(\'line \' + i + \' of the loud test suite\')"');
  const followState = path.join(scratch, 'state-followed');
  const id = 'op-00000001-0000000000000001';
  fake.script(
    { kind: 'tool_use', name: 'write_file', input: { path: 'greeting.js', content: 'exports.greet = (n) => n;\n' } },
    { kind: 'tool_use', name: 'run_command', input: { command: 'npm test --silent' } },
    { kind: 'text', text: 'Done.' },
  );
  const follower = spawn(process.execPath, [followProbe, followState, id], { stdio: ['ignore', 'pipe', 'inherit'] });
  let probeOut = '';
  follower.stdout.on('data', (d) => (probeOut += d));
  const followerDone = new Promise((resolve) => follower.once('close', resolve));
  await runOrchard(followed, followState, fake, { untilFirstRequest: false, operationId: id });
  await followerDone;
  const seen = JSON.parse(probeOut || '{}');
  console.log(`  100,000 lines followed as the window does: ${seen.events?.toLocaleString('en-US')} events, ${((seen.chars ?? 0) / 1024 / 1024).toFixed(1)} MiB of text, longest block ${seen.longestMs?.toFixed(1)} ms (target <= 50), status ${seen.status}`);
} finally {
  await fake.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}
