#!/usr/bin/env node
/**
 * `npm run bench:store`: the blueprint store in a real git repository (a temp folder).
 *   - save: append 1,000 revisions one after another (an Architect turn each: blueprint +
 *     a two-message transcript), median ms per revision, git processes included;
 *   - first save of a store: open() + save() on a fresh store (what one CLI call or the first
 *     save in a window pays: repository check, identity check, tip read);
 *   - history: list all 1,000 revisions, median of several runs.
 * Not a pass/fail test: prints medians against the targets and exits 0.
 * `benchStore()` is exported so that other benchmarks (the studio DB) can share the script.
 *
 * Options: --revisions N (default 1000), --runs N (history runs, default 9).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STORE_TARGETS = { saveMs: 15, historyMs: 100 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

function blueprint(i) {
  return {
    featureName: 'Todo sharing',
    summary: `Share todo lists with other people (turn ${i}).`,
    sections: {
      dataModel: {
        status: 'partial',
        entities: [
          { name: 'User', fields: [{ name: 'id', type: 'uuid' }, { name: 'email', type: 'string' }] },
          { name: 'Todo', fields: [{ name: 'id', type: 'uuid' }, { name: 'title', type: 'string' }, { name: 'revision', type: 'int', description: String(i) }] },
        ],
      },
      apiEndpoints: { status: 'partial', endpoints: [{ method: 'GET', path: '/todos' }, { method: 'POST', path: '/todos/:id/share' }] },
    },
    openQuestions: [{ question: 'Can a shared list be re-shared?', blocking: i % 2 === 0 }],
  };
}

function turn(i) {
  const time = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
  return [
    { role: 'user', content: `Turn ${i}: add sharing by email`, time },
    { role: 'assistant', content: `Updated the data model and endpoints for turn ${i}.`, time },
  ];
}

/** Runs the benchmark; returns the figures (milliseconds). */
export async function benchStore({ revisions = 1000, historyRuns = 9, log = () => {} } = {}) {
  // The machine's git config (signing, hooks, identity) stays out of the figures.
  const savedEnv = { GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM };
  process.env.GIT_CONFIG_GLOBAL = os.devNull;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-bench-store-'));
  try {
    const bundle = path.join(work, 'store.cjs');
    await esbuild.build({
      entryPoints: [path.join(root, 'extension/src/store/storeBundle.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      outfile: bundle,
      logLevel: 'warning',
    });
    const { BlueprintStore } = createRequire(import.meta.url)(bundle);
    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    git('config', 'user.name', 'Bench');
    git('config', 'user.email', 'bench@example.com');

    const store = await BlueprintStore.open(repo);
    const saves = [];
    for (let i = 1; i <= revisions; i++) {
      const t = performance.now();
      await store.save('bench', blueprint(i), { transcript: turn(i) });
      saves.push(performance.now() - t);
      if (i % 250 === 0) log(`  ${i} revisions, median so far ${median(saves).toFixed(1)} ms`);
    }

    const firstSaves = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      const fresh = await BlueprintStore.open(repo);
      await fresh.save('bench', blueprint(revisions + i + 1), { transcript: turn(i) });
      firstSaves.push(performance.now() - t);
    }

    const histories = [];
    let length = 0;
    for (let i = 0; i < historyRuns; i++) {
      const t = performance.now();
      length = (await store.history('bench')).length;
      histories.push(performance.now() - t);
    }
    return {
      revisions,
      historyLength: length,
      saveMedianMs: median(saves),
      saveP95Ms: percentile(saves, 95),
      firstSaveMedianMs: median(firstSaves),
      historyMedianMs: median(histories),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The rows `printTable` prints for these figures. */
export function storeRows(r) {
  const ok = (value, target) => (value <= target ? 'ok' : 'OVER');
  return [
    [`save one revision (${r.revisions.toLocaleString('en')} appended)`, `${r.saveMedianMs.toFixed(1)} ms`, `<= ${STORE_TARGETS.saveMs} ms`, ok(r.saveMedianMs, STORE_TARGETS.saveMs)],
    ['  95th percentile', `${r.saveP95Ms.toFixed(1)} ms`, '', ''],
    ['first save of a fresh store (open + save)', `${r.firstSaveMedianMs.toFixed(1)} ms`, '', ''],
    [`history of ${r.historyLength.toLocaleString('en')} revisions`, `${r.historyMedianMs.toFixed(1)} ms`, `<= ${STORE_TARGETS.historyMs} ms`, ok(r.historyMedianMs, STORE_TARGETS.historyMs)],
  ];
}

export function printTable(rows, header = ['measure', 'median', 'target', '']) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  for (const [i, row] of all.entries()) {
    console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
  const revisions = option('--revisions', 1000);
  console.log(`Blueprint store: ${revisions} revisions in a temp repository (git ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim().replace('git version ', '')}, node ${process.versions.node}, ${os.cpus().length} cores)`);
  const result = await benchStore({ revisions, historyRuns: option('--runs', 9), log: console.log });
  printTable(storeRows(result));
}
