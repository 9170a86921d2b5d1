#!/usr/bin/env node
/**
 * `npm run bench:lsp`: edit -> diagnostics over LSP, side by side in one run.
 *   - the Orchard language server (language-server/src/server.ts, bundled here like esbuild.mjs does)
 *   - yaml-language-server 1.25 (dev dependency) validating the same files with the tree JSON Schema
 *     (schemas/cookbook-tree.schema.json), which checks shapes only: no step graph, no templates
 * on generated cookbook trees of 200, 2,000 and 20,000 steps, plus a 2,000-line CLAUDE.md (ours only).
 * Each sample is one one-character edit sent as an incremental change, timed until the
 * publishDiagnostics that answers it (after a few warm-up edits). Prints medians, p95 and the ratios; asserts nothing except
 * that every server answers. Options: --sizes 200,2000  --edits N  --no-yaml-ls
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode } from '../support/bundleNode.mjs';
import { generateMemoryFile, generateTree, MEMORY_SUPPORT_FILES } from './lsp/generateFiles.mjs';
import { LspSession } from './lsp/lspSession.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (option('sizes') ?? '200,2000,20000').split(',').map(Number);
const withYamlLs = !args.includes('--no-yaml-ls');
const editsFor = (steps) => Number(option('edits') ?? (steps >= 20000 ? 7 : steps >= 2000 ? 15 : 25));
const TARGETS_MS = { 2000: 60, 20000: 600, memory: 20 };

const schemaFile = path.join(repoRoot, 'schemas', 'cookbook-tree.schema.json');
if (!fs.existsSync(schemaFile)) {
  console.error('schemas/cookbook-tree.schema.json is missing: run `npm run schemas` first');
  process.exit(1);
}

const work = path.join(repoRoot, '.cache', 'bench-lsp');
const workspace = path.join(work, `ws-${process.pid}`);
fs.mkdirSync(path.join(workspace, 'cookbooks', 'trees'), { recursive: true });
const serverJs = await bundleForNode({ entry: path.join(repoRoot, 'language-server/src/server.ts'), outfile: path.join(work, 'server.js') });
const rootUri = pathToFileURL(workspace).href;

const yamlSettings = {
  validate: true,
  hover: true,
  completion: true,
  format: { enable: false },
  // No network here, and the comparison is about our schema only.
  schemaStore: { enable: false },
  schemas: { [pathToFileURL(schemaFile).href]: ['**/cookbooks/trees/*.yaml'] },
};

const servers = [
  {
    name: 'orchard',
    start: () => LspSession.start({ name: 'orchard', command: process.execPath, args: [serverJs, '--stdio'], cwd: workspace, rootUri, settings: () => null }),
  },
  ...(withYamlLs
    ? [
        {
          name: 'yaml-language-server',
          start: async () => {
            const bin = path.join(repoRoot, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
            const settings = (section) => (section === 'yaml' ? yamlSettings : section === 'editor' ? { tabSize: 2 } : section === 'http' ? {} : null);
            const session = await LspSession.start({ name: 'yaml-language-server', command: process.execPath, args: [bin, '--stdio'], cwd: workspace, rootUri, settings });
            await session.notifyConfiguration({ yaml: yamlSettings, http: {}, editor: { tabSize: 2 } });
            return session;
          },
        },
      ]
    : []),
];

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

/** Opens the file, waits for its first diagnostics, then times `edits` one-character edits. */
async function measure(session, file, languageId, text, edits, editOffset) {
  const uri = pathToFileURL(file).href;
  const opened = performance.now();
  const first = session.nextDiagnostics(uri, 1, 120_000);
  await session.open(uri, languageId, text, 1);
  const initial = await first;
  const openMs = initial.at - opened;
  const samples = [];
  let last = initial.params;
  let version = 1;
  // The first edits after opening warm the JIT up (and yaml-language-server's caches); not counted.
  const warmup = text.length > 2_000_000 ? 1 : 3;
  for (let i = 0; i < edits + warmup; i++) {
    version++;
    // Alternate two letters so the file keeps its shape (and its diagnostics) from edit to edit.
    const letter = i % 2 === 0 ? 'q' : 'p';
    const answer = session.nextDiagnostics(uri, version, 120_000);
    const sent = session.edit(uri, version, editOffset, 1, letter);
    const result = await answer;
    if (i >= warmup) samples.push(result.at - sent);
    last = result.params;
  }
  await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { openMs, ...stats(samples), diagnostics: last.diagnostics.length };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(7);
const rows = [];
let failed = false;

for (const server of servers) {
  let session;
  try {
    session = await server.start();
  } catch (error) {
    console.error(`${server.name} did not start: ${error.message}`);
    failed = true;
    continue;
  }
  try {
    for (const steps of SIZES) {
      const text = generateTree(steps);
      const file = path.join(workspace, 'cookbooks', 'trees', `bench-${steps}.yaml`);
      fs.writeFileSync(file, text);
      // The "p" of "prepares" in the middle step's description.
      const middle = text.indexOf(`Step ${Math.floor(steps / 2)}: prepares`);
      const offset = middle + `Step ${Math.floor(steps / 2)}: `.length;
      const result = await measure(session, file, 'yaml', text, editsFor(steps), offset);
      rows.push({ server: server.name, what: `${steps} steps`, steps, bytes: text.length, ...result });
      console.log(`${server.name.padEnd(21)} ${`${steps} steps`.padEnd(12)} median ${fmt(result.median)} ms  p95 ${fmt(result.p95)} ms  (open ${fmt(result.openMs)} ms, ${result.diagnostics} diagnostics)`);
    }
    if (server.name === 'orchard') {
      for (const [rel, content] of Object.entries(MEMORY_SUPPORT_FILES)) {
        fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
        fs.writeFileSync(path.join(workspace, rel), content);
      }
      const text = generateMemoryFile(2000);
      const file = path.join(workspace, 'CLAUDE.md');
      fs.writeFileSync(file, text);
      const offset = text.indexOf('Rule ', Math.floor(text.length / 2));
      const result = await measure(session, file, 'markdown', text, Number(option('edits') ?? 25), offset);
      rows.push({ server: server.name, what: 'CLAUDE.md 2,000 lines', bytes: text.length, ...result });
      console.log(`${server.name.padEnd(21)} ${'memory 2000'.padEnd(12)} median ${fmt(result.median)} ms  p95 ${fmt(result.p95)} ms  (open ${fmt(result.openMs)} ms, ${result.diagnostics} diagnostics)`);
    }
  } catch (error) {
    console.error(`${server.name} gave no answer: ${error.message}`);
    failed = true;
  } finally {
    await session.close();
  }
}

console.log('\nEdit -> diagnostics over LSP (ms, median / p95)');
console.log(`${'file'.padEnd(24)}${'size'.padStart(9)}  ${'orchard'.padStart(17)}  ${'yaml-language-server'.padStart(20)}  ratio   target`);
const find = (server, what) => rows.find((r) => r.server === server && r.what === what);
for (const what of [...new Set(rows.map((r) => r.what))]) {
  const ours = find('orchard', what);
  const theirs = find('yaml-language-server', what);
  const size = `${((ours ?? theirs).bytes / 1024).toFixed(0)} KB`;
  const cell = (r) => (r ? `${fmt(r.median).trim()} / ${fmt(r.p95).trim()}` : '—');
  const ratio = ours && theirs ? `${(theirs.median / ours.median).toFixed(0)}x` : '—';
  const limit = ours?.steps ? TARGETS_MS[ours.steps] : what.startsWith('CLAUDE') ? TARGETS_MS.memory : undefined;
  const target = limit === undefined || !ours ? '' : `${ours.median <= limit ? 'met' : 'MISSED'} (<= ${limit} ms)`;
  console.log(`${what.padEnd(24)}${size.padStart(9)}  ${cell(ours).padStart(17)}  ${cell(theirs).padStart(20)}  ${ratio.padStart(5)}   ${target}`);
}
console.log('ratio = yaml-language-server median / orchard median; yaml-language-server checks the JSON Schema only, orchard also the step graph and templates.');

fs.rmSync(workspace, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
