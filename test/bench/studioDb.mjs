#!/usr/bin/env node
/**
 * `node test/bench/studioDb.mjs`: the studio DB under load. Not a pass/fail test: prints
 * medians and maxima against the targets and exits 0.
 *
 *   - insert + persist 100,000 operation events the way an agent run streams them
 *     (200 appends per event-loop turn, the debounced batches doing the writing),
 *     then flush(): events per second, write batches, snapshots;
 *   - the longest block of the event loop meanwhile, two ways: the DB's own longest
 *     synchronous section (StudioDb times each: encode batch, export snapshot, replay...)
 *     and perf_hooks.monitorEventLoopDelay's maximum (which also includes the
 *     producer's own turns and GC); target <= 50 ms per write batch;
 *   - opening the database (100,000 events in the snapshot + 10,000 in the journal,
 *     which the open replays): wall time and longest synchronous section, in this
 *     (warm) process and as the first open of a new process (loading sql.js, V8
 *     compiling its wasm on first use).
 *
 * The TypeScript source is bundled with esbuild into a temp folder first (as the
 * extension bundles it). Options: --events N (100000), --runs N (3), --opens N (5).
 */
import { bundleForNode } from '../support/bundleNode.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasmPath = path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm');
const TARGET_BLOCK_MS = 50;
/** Appends per event-loop turn: a fast agent stream, small enough that the producer's own turn stays far below the target. */
const PER_TURN = 200;
/** Events left in the journal (not yet in a snapshot) when the open is measured. */
const JOURNAL_EVENTS = 10_000;

function bundleStudioDb(dir) {
  return bundleForNode({ entry: path.join(root, 'extension/src/store/studioDb.ts'), outfile: path.join(dir, 'studioDb.cjs') });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const tick = () => new Promise((resolve) => setImmediate(resolve));

function loopMonitor() {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram reports how late its 1 ms timer fired: about the longest block.
  return () => (h.disable(), h.max / 1e6);
}

async function insertRun(StudioDb, dir, events) {
  const file = path.join(dir, 'studio.db');
  const db = await StudioDb.open({ file, wasmPath });
  const op = db.createOperation({ kind: 'build', slug: 'bench' });
  const stop = loopMonitor();
  let longestTurn = 0;
  const started = performance.now();
  for (let i = 0; i < events; ) {
    const turn = performance.now();
    for (const end = Math.min(events, i + PER_TURN); i < end; i++) {
      db.appendEvent(op, { phase: 'build', type: 'tool_result', data: { tool: 'write_file', path: `src/components/File${i}.ts`, bytes: i * 7, ok: true } });
    }
    longestTurn = Math.max(longestTurn, performance.now() - turn);
    await tick();
  }
  await db.flush();
  const seconds = (performance.now() - started) / 1000;
  const loopMax = stop();
  const result = {
    eventsPerSecond: events / seconds,
    persists: db.stats.persists,
    compactions: db.stats.compactions,
    dbLongestSyncMs: db.stats.longestSyncMs,
    dbLongestSyncWhat: db.stats.longestSyncWhat,
    byWhat: db.stats.longestSyncByWhat,
    producerTurnMs: longestTurn,
    loopMaxMs: loopMax,
  };
  await db.close();
  return { file, ...result };
}

async function openRun(StudioDb, file) {
  const stop = loopMonitor();
  const started = performance.now();
  const db = await StudioDb.open({ file, wasmPath });
  const ms = performance.now() - started;
  const loopMax = stop();
  const result = { ms, dbLongestSyncMs: db.stats.longestSyncMs, dbLongestSyncWhat: db.stats.longestSyncWhat, byWhat: db.stats.longestSyncByWhat, loopMaxMs: loopMax, events: db.countEvents() };
  await db.close();
  return result;
}

/**
 * The first open in a fresh process (as when a window's Studio first needs the DB):
 * includes loading sql.js and V8 compiling its wasm on first use.
 */
function coldOpenRun(bundle, file) {
  const script = `
    const { monitorEventLoopDelay } = require('node:perf_hooks');
    const h = monitorEventLoopDelay({ resolution: 1 }); h.enable();
    const { StudioDb } = require(${JSON.stringify(bundle)});
    const started = performance.now();
    StudioDb.open({ file: ${JSON.stringify(file)}, wasmPath: ${JSON.stringify(wasmPath)} }).then(async (db) => {
      const ms = performance.now() - started;
      h.disable();
      const out = { ms, dbLongestSyncMs: db.stats.longestSyncMs, dbLongestSyncWhat: db.stats.longestSyncWhat, byWhat: db.stats.longestSyncByWhat, loopMaxMs: h.max / 1e6 };
      await db.close();
      process.stdout.write(JSON.stringify(out));
    });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

export async function benchStudioDb({ events = 100_000, runs = 3, opens = 5 } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'studiodb-bench-'));
  try {
    const bundle = await bundleStudioDb(tmp);
    const { StudioDb } = createRequire(import.meta.url)(bundle);
    const inserts = [];
    let file;
    for (let r = 0; r < runs; r++) {
      const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
      const res = await insertRun(StudioDb, dir, events);
      inserts.push(res);
      file = res.file;
    }
    // Leave exactly JOURNAL_EVENTS in the journal, as a window closed between two
    // snapshots does: one batch with a snapshot after it empties the journal, then
    // no snapshot while the events are written.
    const reset = await StudioDb.open({ file, wasmPath, compactAfterBytes: 1 });
    reset.upsertBlueprint({ slug: 'bench', featureName: 'Bench', status: 'draft', readyToBuild: false, headCommit: null, revisionCount: 1 });
    await reset.close();
    const last = await StudioDb.open({ file, wasmPath, compactAfterBytes: 1 << 30 });
    const op = last.createOperation({ kind: 'build', slug: 'bench' });
    for (let i = 0; i < JOURNAL_EVENTS; i++) {
      last.appendEvent(op, { phase: 'build', type: 'tool_result', data: { tool: 'read_file', path: `src/lib/util${i}.ts`, ok: true } });
      if (i % PER_TURN === 0) await tick();
    }
    await last.close();
    const openResults = [];
    for (let r = 0; r < opens; r++) openResults.push(await openRun(StudioDb, file));
    const coldResults = [];
    for (let r = 0; r < opens; r++) coldResults.push(coldOpenRun(bundle, file));
    return {
      events,
      snapshotBytes: fs.statSync(file).size,
      journalBytes: fs.statSync(`${file}.journal`).size,
      insert: inserts,
      open: openResults,
      coldOpen: coldResults,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function printTable(r) {
  const rows = [];
  const row = (what, values, fmt, target = '') => rows.push([what, fmt(median(values)), fmt(max(values)), target]);
  const ms = (v) => `${v.toFixed(1)} ms`;
  row('insert+persist: events/s', r.insert.map((x) => x.eventsPerSecond), (v) => Math.round(v).toLocaleString('en-US'));
  row('  write batches (journal appends)', r.insert.map((x) => x.persists), String);
  row('  snapshots written', r.insert.map((x) => x.compactions), String);
  row('  DB longest sync section', r.insert.map((x) => x.dbLongestSyncMs), ms, `<= ${TARGET_BLOCK_MS} ms`);
  row(`  producer turn (${PER_TURN} appends)`, r.insert.map((x) => x.producerTurnMs), ms);
  row('  event loop max delay', r.insert.map((x) => x.loopMaxMs), ms, `<= ${TARGET_BLOCK_MS} ms`);
  row(`open (${r.events / 1000}k + ${JOURNAL_EVENTS / 1000}k in journal): wall`, r.open.map((x) => x.ms), ms);
  row('  DB longest sync section', r.open.map((x) => x.dbLongestSyncMs), ms, `<= ${TARGET_BLOCK_MS} ms`);
  row('  event loop max delay', r.open.map((x) => x.loopMaxMs), ms);
  row('first open in a new process: wall', r.coldOpen.map((x) => x.ms), ms);
  row('  DB longest sync section', r.coldOpen.map((x) => x.dbLongestSyncMs), ms, `<= ${TARGET_BLOCK_MS} ms`);
  row('  event loop max delay', r.coldOpen.map((x) => x.loopMaxMs), ms);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['measure', 'median', 'max', 'target'], ...rows].map((x) => x[c].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(['measure', 'median', 'max', 'target']));
  for (const x of rows) console.log(line(x));
  // Per kind of synchronous section, the maximum over all runs.
  const byWhat = (xs) => {
    const worst = {};
    for (const x of xs) for (const [k, v] of Object.entries(x.byWhat)) worst[k] = Math.max(worst[k] ?? 0, v);
    return Object.entries(worst)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
  };
  console.log(`\nlongest DB sections (ms) during insert: ${byWhat(r.insert)}`);
  console.log(`longest DB sections (ms) during open: ${byWhat(r.open)}`);
  console.log(`longest DB sections (ms) during a first open: ${byWhat(r.coldOpen)}`);
  console.log(`snapshot ${(r.snapshotBytes / 1e6).toFixed(1)} MB, journal ${(r.journalBytes / 1e6).toFixed(2)} MB; ${r.insert.length} insert runs, ${r.open.length} opens of each kind`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const result = await benchStudioDb({ events: opt('--events', 100_000), runs: opt('--runs', 3), opens: opt('--opens', 5) });
  printTable(result);
}
