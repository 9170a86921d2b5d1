/**
 * Shared by the studio DB tests: temp folders (real files, no fakes), the wasm path,
 * and child processes that run the real StudioDb (bundled once with esbuild, since
 * Node 20 cannot run the TypeScript source itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForNode } from '../../support/bundleNode.mjs';
import { afterAll } from 'vitest';
import type { RebuiltBlueprint } from '../../../extension/src/store/studioDb';

export const wasmPath = path.resolve('node_modules/sql.js/dist/sql-wasm.wasm');

const dirs: string[] = [];
// Registered once per test file (each file imports this module afresh).
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studiodb-'));
  dirs.push(dir);
  return dir;
}

/** A log callback that keeps its lines for assertions. */
export function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** The rebuild source the extension will back with the git refs; here, plain data. */
export function fakeRefs(count: number): () => Generator<RebuiltBlueprint> {
  return function* () {
    for (let i = 0; i < count; i++) {
      yield {
        slug: `bp-${i}`,
        featureName: `Feature ${i}`,
        status: 'draft',
        readyToBuild: i % 2 === 0,
        headCommit: `c0ffee${i}`,
        revisionCount: 2,
        messages: [
          { rev: 1, role: 'user', content: `make feature ${i}`, time: '2025-01-01T00:00:00.000Z' },
          { rev: 1, role: 'assistant', content: 'draft ready', time: '2025-01-01T00:00:01.000Z' },
          { rev: 2, role: 'user', content: 'add a table', time: '2025-01-01T00:01:00.000Z' },
        ],
      };
    }
  };
}

let bundled: Promise<string> | undefined;

/** Bundles child.ts (with StudioDb and sql.js) into a temp .cjs once per test file. */
export function childScript(): Promise<string> {
  bundled ??= (async () => {
    return bundleForNode({ entry: path.resolve('test/unit/studioDb/child.ts'), outfile: path.join(tempDir(), 'child.cjs') });
  })();
  return bundled;
}

export interface Child {
  proc: ChildProcess;
  /** Complete stdout lines so far (a line is only counted once its newline arrived). */
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a line matching `re` arrives. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

export async function startChild(args: Record<string, unknown>): Promise<Child> {
  const script = await childScript();
  const proc = spawn(process.execPath, [script, JSON.stringify({ wasmPath, ...args })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const watchers: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of watchers.splice(0)) (w.re.test(line) ? w.resolve(line) : watchers.push(w));
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 15_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not print ${re} in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
        watchers.push({ re, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(() => setTimeout(() => reject(new Error(`child exited before printing ${re}; stderr:\n${err}`)), 50));
      });
    },
  };
}
