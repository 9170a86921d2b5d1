#!/usr/bin/env node
/**
 * `npm run bench:agents`: the Agent Grid under load, in a real VS Code (code-server 4.96.4 +
 * Chromium, the e2e harness). Not a pass/fail test: prints medians and percentiles next to the
 * targets of the issue, and exits 0 unless nothing could be measured.
 *
 * One session on a fresh copy of the fixture workspace, the grid open (Orchard: Show Agents):
 *   1. Four builds stream command output at once, written by test/bench/agentsWriter.mjs through
 *      the real OperationLogWriter into the window's own state folder (lock, record, log: what
 *      `orchard build` does), so the window follows them as real builds. Default: a chunk of 20
 *      lines every 20 ms per build (1,000 lines/s each) until 250,000 lines each, a million in all.
 *      Output lag = when the webview applied an event minus when the writer logged it (the
 *      webview's `window.__orchardOperationEvents[id].lagMs`, drained every few seconds because it
 *      keeps only its last 5,000); the webview's JS heap after the million lines (Chromium runs
 *      with --enable-precise-memory-info and --expose-gc, so the figure is exact and after a GC);
 *      the extension host's longest event-loop block while streaming, from its own
 *      monitorEventLoopDelay (extension/src/vscode/operations/loopProbe.ts, on only when
 *      ORCHARD_LOOP_PROBE names a file; reset when streaming starts).
 *   2. A finished build whose log holds 100,000 mixed events (notes, tool calls and results,
 *      command output): the streamed builds are removed, Reload Window, then the grid is opened
 *      1 + N times (the first in a fresh extension host, then closed and reopened): its replay to
 *      first paint (`paintedAt - watchedAt`), the replay's arrival (`replayedAt - watchedAt`), and
 *      the whole Show Agents -> painted card as the user meets it.
 *
 * Options: --lines N (per build, default 250000), --rate N (lines/s per build, default 1000),
 * --chunk-ms N (default 20), --events N (replay log, default 100000), --repeats N (default 5).
 * ORCHARD_E2E_VSIX=<file> benchmarks another package; default dist/orchard-studio.vsix as built.
 * The probe also profiles the extension host's CPU while streaming: the longest block is then put to
 * its owner (test/bench/longestBlock.mjs), and the target is held against Orchard's own code, since
 * VS Code's extensions (JSON language features activating, git spawning) block the same thread.
 * The profile is kept in .cache/bench-agents.cpuprofile for `node test/bench/longestBlock.mjs`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { vsixForSpec, workspaceForSpec } from '../e2e/fixtures.mjs';
import { EXTENSION_ID, reloadWindow, repoRoot, runCommand, startVsCode, webviewFrame } from '../e2e/harness.mjs';
import { blocksOf, describeOwners, longestRunOf } from './longestBlock.mjs';
import { CHROMIUM_ARGS, sleep } from '../e2e/sessionBasics.mjs';
import { bundleForNode } from '../support/bundleNode.mjs';

const TARGETS = { lagP95Ms: 100, heapMb: 200, replayPaintMs: 500, hostBlockMs: 50 };
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LINES = option('--lines', 250_000);
const RATE = option('--rate', 1000);
const CHUNK_MS = option('--chunk-ms', 20);
const EVENTS = option('--events', 100_000);
const REPEATS = option('--repeats', 5);
const BUILDS = 4;
const linesPerChunk = Math.max(1, Math.round((RATE * CHUNK_MS) / 1000));

// The harness's Chromium flags are a shared array: two more for this process's session only, so the
// webview's heap is exact (without the flag Chromium quantises it and refreshes it every 20 minutes)
// and can be read after a full GC.
CHROMIUM_ARGS.push('--enable-precise-memory-info', '--js-flags=--expose-gc');

process.env.TMPDIR = path.join(repoRoot, '.cache', 'tmp');
fs.mkdirSync(process.env.TMPDIR, { recursive: true });
const scratch = fs.mkdtempSync(path.join(process.env.TMPDIR, 'bench-agents-'));
const probeFile = path.join(scratch, 'loop.json');
const writerJs = path.join(repoRoot, 'dist-test', 'agents-writer-bench.cjs');

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (s, q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null);
const median = (xs) => pct(sorted(xs), 0.5);
const mb = (b) => (b == null ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MB`);
const ms = (x) => (x == null ? 'n/a' : `${Math.round(x)} ms`);

/** The writer process, its JSON lines as a queue the bench waits on. */
function startWriter(mode, opts, stateHome) {
  const child = spawn(process.execPath, [writerJs, mode, JSON.stringify(opts)], { env: { ...process.env, XDG_STATE_HOME: stateHome }, stdio: ['pipe', 'pipe', 'inherit'] });
  const seen = [];
  const waiters = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line);
    seen.push(msg);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    latest: () => seen.at(-1),
    send: (word) => child.stdin.write(`${word}\n`),
    /** The first message `pred` accepts; rejects if the writer exits first. */
    async next(pred, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = seen.find(pred);
        if (hit) return hit;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`writer ${mode}: no awaited message (exit ${child.exitCode})`);
        await Promise.race([new Promise((r) => waiters.push(r)), exited, sleep(1000)]);
      }
    },
  };
}

/** The grid's traces; `drain` takes the lag samples out, so none is lost to the webview's cap. */
const traces = (frame, ids, drain) =>
  frame.locator('body').evaluate((_, [ids, drain]) => {
    const all = window.__orchardOperationEvents ?? {};
    return Object.fromEntries(ids.map((id) => {
      const t = all[id];
      if (!t) return [id, null];
      const { lagMs, applied, ...rest } = t;
      return [id, { ...rest, lag: drain ? lagMs.splice(0) : [], hasLag: Array.isArray(lagMs) }];
    }));
  }, [ids, drain]);

/** The JS heap of a document's isolate after a full GC (the workbench's too, to tell whether they share one). */
const heapOf = (target) => target.evaluate(() => {
  globalThis.gc?.();
  return performance.memory ? performance.memory.usedJSHeapSize : null;
});

/** CPU seconds a process has used (user + system), from /proc: the extension host's pid is in the probe's file. */
const cpuSeconds = (pid) => {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100 on Linux)
  } catch {
    return null;
  }
};

const readProbe = () => {
  try {
    return JSON.parse(fs.readFileSync(probeFile, 'utf8'));
  } catch {
    return null;
  }
};

/** Stops the probe's CPU profile of the streaming window and puts its longest blocks to their owners. */
async function hostProfileBlocks() {
  const out = `${probeFile}.cpuprofile`;
  fs.writeFileSync(`${probeFile}.stop`, '');
  for (const t = Date.now(); !fs.existsSync(out); await sleep(250)) if (Date.now() - t > 30_000) return undefined;
  const kept = path.join(repoRoot, '.cache', 'bench-agents.cpuprofile');
  fs.copyFileSync(out, kept);
  const blocks = blocksOf(JSON.parse(fs.readFileSync(out, 'utf8')));
  const longest = blocks[0];
  return {
    longestOwners: longest ? `${ms(longest.ms)}: ${describeOwners(longest)}` : 'n/a',
    orchardMs: longestRunOf(blocks, EXTENSION_ID),
    kept: path.relative(repoRoot, kept),
  };
}

async function streaming(vs, results) {
  const { page } = vs;
  await runCommand(page, 'Orchard: Show Agents');
  const frame = await webviewFrame(page, { testId: 'agent-grid', kind: 'panel', timeout: 45_000 });
  const writer = startWriter('stream', { repo: vs.workspace, count: BUILDS, lines: LINES, linesPerChunk, chunkMs: CHUNK_MS }, vs.stateHome);
  try {
    const { ready: ids } = await writer.next((m) => m.ready, 60_000);
    // The four cards, each replayed, before a line streams: lag then measures streaming alone.
    for (const id of ids) await frame.locator(`[data-testid="agent-card"][data-operation="${id}"][data-status="running"]`).waitFor({ timeout: 60_000 });
    if (!Object.values(await traces(frame, ids, false)).every((x) => x?.hasLag)) throw new Error('this .vsix predates lagMs in the grid trace: rebuild it (npm run package)');
    for (let t = Date.now(); Object.values(await traces(frame, ids, false)).some((x) => !x?.replayedAt); ) {
      if (Date.now() - t > 30_000) throw new Error('the grid did not replay the four builds');
      await sleep(200);
    }
    results.heapBefore = await heapOf(frame.locator('body'));
    const resetAt = Date.now();
    fs.writeFileSync(`${probeFile}.reset`, '');
    while (!(readProbe()?.since >= resetAt)) await sleep(250);
    writer.send('go');
    const hostPid = readProbe()?.pid;
    const cpuAtGo = cpuSeconds(hostPid);
    const goAt = Date.now();
    let cpuMark = { cpu: cpuAtGo, at: goAt };
    console.log(`streaming: ${BUILDS} builds x ${LINES.toLocaleString('en-US')} lines, ${linesPerChunk} lines every ${CHUNK_MS} ms each (${RATE} lines/s per build)`);

    const lag = [];
    const heapSamples = [];
    let lastPrint = Date.now();
    let done;
    while (!(done = writer.latest()?.done ? writer.latest() : undefined)) {
      await sleep(3000);
      for (const t of Object.values(await traces(frame, ids, true))) lag.push(...t.lag);
      if (Date.now() - lastPrint >= 30_000) {
        lastPrint = Date.now();
        const heap = await frame.locator('body').evaluate(() => performance.memory?.usedJSHeapSize ?? null);
        heapSamples.push(heap);
        const p = readProbe();
        const w = writer.latest();
        const cpu = cpuSeconds(hostPid);
        const busy = cpu !== null && cpuMark.cpu !== null ? `${Math.round((100 * (cpu - cpuMark.cpu) * 1000) / (Date.now() - cpuMark.at))}%` : 'n/a';
        cpuMark = { cpu, at: Date.now() };
        console.log(`  ${w?.seconds?.toFixed(0) ?? '?'} s: ${w?.linesPerOp?.toLocaleString('en-US') ?? '?'} lines/build, lag p95 so far ${ms(pct(sorted(lag), 0.95))}, webview heap ${mb(heap)} (no GC), host block max ${ms(p?.maxMs)}, host CPU ${busy} of a core (last 30 s)`);
      }
    }
    // How far behind the grid is when the last line is written: until it has applied every event.
    const doneAt = Date.now();
    let final;
    for (;;) {
      final = await traces(frame, ids, true);
      for (const t of Object.values(final)) lag.push(...t.lag);
      if (ids.every((id) => final[id]?.lastSeq >= done.lastSeq[id]) || Date.now() - doneAt > 60_000) break;
      await sleep(250);
    }
    results.catchUpMs = ids.every((id) => final[id]?.lastSeq >= done.lastSeq[id]) ? Date.now() - doneAt : null;
    results.behind = ids.map((id) => done.lastSeq[id] - (final[id]?.lastSeq ?? 0));
    await sleep(1200); // one more probe sample covering the catch-up
    results.probe = readProbe();
    results.blocks = await hostProfileBlocks();
    const cpuNow = cpuSeconds(hostPid);
    results.hostCpuPct = cpuNow !== null && cpuAtGo !== null ? (100 * (cpuNow - cpuAtGo) * 1000) / (Date.now() - goAt) : null;
    results.lag = sorted(lag);
    results.streamSeconds = done.seconds;
    results.writerLateMs = done.worstTimerLateMs;
    results.lines = done.linesPerOp * BUILDS;
    results.duplicates = Object.values(final).reduce((n, t) => n + (t?.duplicates ?? 0), 0);
    results.gaps = Object.values(final).reduce((n, t) => n + (t?.gaps ?? 0), 0);
    results.replays = Object.values(final).map((t) => t?.replays ?? 0);
    results.heapSamples = heapSamples;
    results.heapAfter = await heapOf(frame.locator('body'));
    results.workbenchHeap = await heapOf(page);
    results.cards = await frame.locator('[data-testid="agent-card"]').count();
    // Each card's terminal should end with its build's last line.
    const lastLine = `renders row ${done.linesPerOp - 1} `;
    results.terminalsCurrent = 0;
    for (const id of ids) {
      const text = await frame.locator(`[data-testid="agent-card"][data-operation="${id}"] .xterm-rows`).innerText().catch(() => '');
      // xterm wraps long lines into rows of the card's width: join the rows before looking.
      if (text.replace(/\u00a0/g, ' ').replace(/\n/g, '').includes(lastLine)) results.terminalsCurrent++;
    }
    writer.send('end');
    await writer.next((m) => m.ended, 30_000);
    await writer.exited;
    return ids;
  } finally {
    writer.child.kill('SIGKILL');
  }
}

async function replayToPaint(vs, streamedIds, results) {
  const { page } = vs;
  await runCommand(page, 'View: Close All Editors');
  const dir = path.join(vs.stateHome, 'orchard', 'repos');
  // Only the 100,000-event build in the grid: the streamed ones would replay alongside it.
  for (const repo of fs.readdirSync(dir)) {
    for (const id of streamedIds) for (const ext of ['.json', '.jsonl', '.jsonl.lock']) fs.rmSync(path.join(dir, repo, 'operations', id + ext), { force: true });
  }
  const writer = startWriter('replay', { repo: vs.workspace, events: EVENTS }, vs.stateHome);
  const made = await writer.next((m) => m.id, 120_000);
  await writer.exited;
  results.replayLog = made;
  await reloadWindow(page);
  results.replay = [];
  for (let i = 0; i <= REPEATS; i++) {
    const t0 = Date.now();
    await runCommand(page, 'Orchard: Show Agents');
    const frame = await webviewFrame(page, { testId: 'agent-grid', kind: 'panel', timeout: 60_000 });
    let t;
    for (const until = Date.now() + 60_000; !(t = (await traces(frame, [made.id], false))[made.id])?.paintedAt && Date.now() < until; ) await sleep(50);
    const card = await frame.locator(`[data-testid="agent-card"][data-operation="${made.id}"]`).count();
    const run = t?.paintedAt ? { paint: t.paintedAt - t.watchedAt, arrive: t.replayedAt - t.watchedAt, command: t.paintedAt - t0, seq: t.lastSeq, card } : null;
    results.replay.push(run);
    console.log(`replay ${i === 0 ? 'cold (after Reload Window)' : `${i}/${REPEATS} (grid reopened)`}: ${run ? `watch -> replay ${ms(run.arrive)}, -> paint ${ms(run.paint)}, Show Agents -> paint ${ms(run.command)}, seq ${run.seq}, card ${run.card ? 'shown' : 'MISSING'}` : 'no paint within 60 s'}`);
    await runCommand(page, 'View: Close All Editors');
    await sleep(1000);
  }
}

function report(results) {
  const lag = results.lag ?? [];
  const warm = (results.replay ?? []).slice(1).filter(Boolean);
  const cold = results.replay?.[0];
  const rows = [
    ['output lag p50', ms(pct(lag, 0.5)), ''],
    ['output lag p95', ms(pct(lag, 0.95)), `<= ${TARGETS.lagP95Ms} ms`],
    ['output lag max', ms(lag.at(-1)), ''],
    [`webview JS heap after ${(results.lines ?? 0).toLocaleString('en-US')} lines`, mb(results.heapAfter), `<= ${TARGETS.heapMb} MB`],
    ['extension host longest block (streaming)', ms(results.probe?.maxMs), ''],
    ...(results.blocks
      ? [
          ['  whose code (CPU profile)', results.blocks.longestOwners, ''],
          ['  Orchard code, longest without a break', ms(results.blocks.orchardMs), `<= ${TARGETS.hostBlockMs} ms`],
        ]
      : []),
    ['extension host p99 delay (streaming)', ms(results.probe?.p99Ms), ''],
    ['extension host CPU (streaming, of one core)', results.hostCpuPct == null ? 'n/a' : `${Math.round(results.hostCpuPct)}%`, ''],
    [`replay ${EVENTS.toLocaleString('en-US')} events -> paint (median of ${warm.length})`, ms(median(warm.map((r) => r.paint))), `<= ${TARGETS.replayPaintMs} ms`],
    ['  watch -> replay arrived (median)', ms(median(warm.map((r) => r.arrive))), ''],
    ['  Show Agents -> painted card (median)', ms(median(warm.map((r) => r.command))), ''],
    ['  cold, after Reload Window: -> paint', ms(cold?.paint), ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('\nmetric'.padEnd(w0 + 1) + '  ' + 'value'.padEnd(w1) + '  target');
  for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
  const written = Math.ceil(LINES / linesPerChunk) * BUILDS;
  if (results.blocks) console.log(`\nthe extension host's CPU profile while streaming: ${results.blocks.kept} (node test/bench/longestBlock.mjs ${results.blocks.kept})`);
  console.log(`${lag.length.toLocaleString('en-US')} of ${written.toLocaleString('en-US')} output events timed (the rest reached the grid inside a resync's replay, untimed); streamed ${results.streamSeconds?.toFixed(0)} s (writer's timer at worst ${ms(results.writerLateMs)} late); grid caught up ${ms(results.catchUpMs)} after the last line (events behind then: ${results.behind?.join(', ')})`);
  console.log(`cards ${results.cards}/${BUILDS}, terminals ending with their last line ${results.terminalsCurrent}/${BUILDS}, duplicates ${results.duplicates}, gaps ${results.gaps}, replays per card [${results.replays?.join(', ')}]`);
  console.log(`webview heap: ${mb(results.heapBefore)} before streaming, ${mb(results.heapAfter)} after (both after GC); samples while streaming (no GC) [${(results.heapSamples ?? []).map(mb).join(', ')}]; workbench ${mb(results.workbenchHeap)}${results.workbenchHeap === results.heapAfter ? ' (same isolate as the webview: the heap figure includes the workbench)' : ' (a separate isolate)'}`);
  if (results.replayLog) console.log(`replay log: ${results.replayLog.lastSeq.toLocaleString('en-US')} events, ${mb(results.replayLog.bytes)}; all runs -> paint [${(results.replay ?? []).map((r) => (r ? Math.round(r.paint) : 'n/a')).join(', ')}] ms (first is cold)`);
}

await bundleForNode({ entry: path.join(repoRoot, 'test', 'bench', 'agentsWriter.mjs'), outfile: writerJs });
const loadBefore = os.loadavg()[0];
const workspace = workspaceForSpec();
const results = {};
let vs;
try {
  vs = await startVsCode({ workspace, vsix: vsixForSpec(), env: { ORCHARD_LOOP_PROBE: probeFile } });
  vs.workspace = workspace;
  const ids = await streaming(vs, results);
  await replayToPaint(vs, ids, results);
} catch (error) {
  console.log(`benchmark stopped: ${error.stack ?? error}`);
} finally {
  await vs?.close();
  // The session's logs stay in .cache/e2e-runs/ (pruned by the harness); the ~100 MB of logs the writer made do not.
  if (vs) fs.rmSync(path.join(vs.stateHome, 'orchard'), { recursive: true, force: true });
  fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
}
report(results);
const cores = os.availableParallelism?.() ?? os.cpus().length;
const loadAfter = os.loadavg()[0];
console.log(`\nload average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${cores} cores: 2 busy cores double these timings; the writer, VS Code's server, its extension host and Chromium share them`);
process.exit(results.lag?.length ? 0 : 1);
