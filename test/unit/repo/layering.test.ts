import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The architecture map in CLAUDE.md, enforced on every import of every source
// file (type-only imports too: they still couple the layers). `checkLayering`
// is pure so the self-test at the bottom can prove each rule fails.

const RULES = {
  'core-pure': 'core/ is pure (no vscode, no Node I/O, nothing of ours outside core/)',
  'core-packages': 'core/ uses only the allow-listed packages (a new one is a conscious choice)',
  'webview-core-only': 'the webview imports only webview/src, extension/src/core and npm packages (no vscode)',
  'server-core-only': 'the language server imports only language-server/src, extension/src/core and npm packages (no vscode)',
  'no-vscode': 'only extension/src/vscode/ imports vscode',
  inward: 'dependencies point inward: vscode -> orchestration -> agents, store -> platform -> core',
  'folder-cycle': 'folders must not import each other in a loop',
} as const;
type RuleId = keyof typeof RULES;

/** `detail`: a folder cycle's chain of file edges. */
interface Violation { rule: RuleId; file: string; specifier: string; detail?: string }

// Exactly the specifiers core/ imports today (grep): zod/mini (schemas), zod/locales
// (`zodLocale.ts`: English messages only), jsonc-parser and yaml (file parsing),
// picomatch/posix (globs). Not `zod` (pulls every locale into the bundle) nor
// `picomatch` (its default entry reads `process`): see Pitfalls in CLAUDE.md.
const CORE_PACKAGES = new Set(['zod/mini', 'zod/locales', 'jsonc-parser', 'yaml', 'picomatch/posix']);
// Bare names too: any `node:` specifier is already forbidden in core.
const NODE_IO = new Set(['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'os', 'worker_threads',
  'dgram', 'tls', 'cluster', 'process', 'readline']);

type Layer = 'core' | 'platform' | 'agents' | 'store' | 'orchestration' | 'vscode' | 'cli' | 'webview' | 'server' | 'extension-other';
// Which layers each extension layer may import. The CLI today imports core and store only
// (`blueprintCommand.ts` reads history through the store); agents and orchestration are not
// needed, so they stay out until someone decides otherwise.
const INWARD: Partial<Record<Layer, readonly Layer[]>> = {
  core: ['core'],
  // platform/: the Node-side rules every writer and spawner shares (paths confined
  // after symlinks, executables by absolute path); below everything but core.
  platform: ['platform', 'core'],
  agents: ['agents', 'platform', 'core'],
  store: ['store', 'platform', 'core'],
  orchestration: ['orchestration', 'agents', 'store', 'platform', 'core'],
  vscode: ['vscode', 'orchestration', 'agents', 'store', 'platform', 'core'],
  // cli/: a composition root like vscode/ (orchard build runs the same use cases), never the editor.
  cli: ['cli', 'orchestration', 'agents', 'store', 'platform', 'core'],
};
const NO_VSCODE: readonly Layer[] = ['orchestration', 'agents', 'store', 'cli', 'platform'];

function layerOf(file: string): Layer | undefined {
  if (file.startsWith('webview/src/')) return 'webview';
  if (file.startsWith('language-server/src/')) return 'server';
  if (file === 'extension/src/cli.ts') return 'cli';
  const m = /^extension\/src\/([^/]+)\//.exec(file);
  if (m) return (['core', 'platform', 'agents', 'store', 'orchestration', 'vscode', 'cli'] as const).find((l) => l === m[1]) ?? 'extension-other';
  return file.startsWith('extension/src/') ? 'extension-other' : undefined;
}

/** Every import specifier as written: static, `import type`, `export … from`, `import()`, `require()`. */
function specifiersOf(file: string, text: string): string[] {
  // A Svelte file's imports live in its <script> blocks (instance and module).
  const code = file.endsWith('.svelte')
    ? [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
    : text;
  return ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier as a repo path: the source file it names, or its plain join if none matches (a .css). */
function resolve(from: string, specifier: string, files: Map<string, string>): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const suffix of ['', '.ts', '.svelte.ts', '.svelte', '/index.ts'])
    if (files.has(base + suffix)) return base + suffix;
  return base;
}

interface Edge { from: string; specifier: string; to: string }

function isVscodeOrNodeIo(specifier: string): boolean {
  const bare = specifier.replace(/^node:/, '');
  return specifier === 'vscode' || specifier.startsWith('node:') || NODE_IO.has(bare) || NODE_IO.has(bare.split('/')[0]!);
}

export function checkLayering(files: Map<string, string>): Violation[] {
  const violations: Violation[] = [];
  const edges: Edge[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const layer = layerOf(file);
    for (const specifier of specifiersOf(file, text)) {
      const flag = (rule: RuleId) => violations.push({ rule, file, specifier });
      const relative = specifier.startsWith('.');
      const target = relative ? resolve(file, specifier, files) : undefined;
      const targetLayer = target === undefined ? undefined : layerOf(target);
      if (target !== undefined && files.has(target)) edges.push({ from: file, specifier, to: target });

      if (layer === 'core') {
        if (target !== undefined ? !target.startsWith('extension/src/core/') : isVscodeOrNodeIo(specifier)) flag('core-pure');
        else if (target === undefined && !CORE_PACKAGES.has(specifier)) flag('core-packages');
      }
      // The webview and the server: their own files, core, and any package but vscode.
      const shell = layer === 'webview' ? 'webview-core-only' : layer === 'server' ? 'server-core-only' : undefined;
      if (shell && (specifier === 'vscode' || (target !== undefined && targetLayer !== layer && targetLayer !== 'core'))) flag(shell);
      if (layer !== undefined && NO_VSCODE.includes(layer) && specifier === 'vscode') flag('no-vscode');
      // core -> non-core is reported by core-pure too. Targets outside the source roots
      // (package.json, a prompt) are no layer's business here.
      const allowed = layer === undefined ? undefined : INWARD[layer];
      if (allowed && targetLayer !== undefined && !allowed.includes(targetLayer)) flag('inward');
    }
  }
  return [...violations, ...folderCycles(edges)];
}

/** Strongly connected components of the folder graph (Tarjan); each one with more than one folder is a cycle. */
function folderCycles(edges: Edge[]): Violation[] {
  // folder -> folder -> the first file edge that makes the link (files are visited sorted).
  const graph = new Map<string, Map<string, Edge>>();
  for (const e of edges) {
    const [a, b] = [path.posix.dirname(e.from), path.posix.dirname(e.to)];
    if (a === b) continue; // a folder importing itself is not a cycle
    // A folder and one nested in it are one house: `vscode/extension.ts` wires `vscode/chat/`,
    // which uses `vscode/log.ts`. Only folders side by side (or in other branches) must not loop.
    if (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, e);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string) => {
    low.set(v, index.size);
    index.set(v, index.size);
    stack.push(v);
    for (const w of graph.get(v)!.keys()) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = stack.splice(stack.indexOf(v));
    if (component.length > 1) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);

  // One shortest cycle per folder edge of the component not yet shown, so every link that
  // could be cut appears in some reported cycle (without enumerating every cycle).
  const violations: Violation[] = [];
  for (const component of components) {
    const inside = new Set(component);
    const shown = new Set<string>();
    for (const a of component)
      for (const b of [...graph.get(a)!.keys()].filter((x) => inside.has(x)).sort()) {
        if (shown.has(`${a}>${b}`)) continue;
        const loop = [a, ...shortestPath(graph, inside, b, a)];
        const steps = loop.slice(0, -1).map((x, i) => graph.get(x)!.get(loop[i + 1]!)!);
        loop.slice(0, -1).forEach((x, i) => shown.add(`${x}>${loop[i + 1]}`));
        violations.push({ rule: 'folder-cycle', file: steps[0]!.from, specifier: steps[0]!.specifier,
          detail: steps.map((s) => `${s.from} imports '${s.specifier}'`).join(' -> ') });
      }
  }
  return violations;
}

/** Breadth-first within one component: the folders from `start` to `goal`, both included. */
function shortestPath(graph: Map<string, Map<string, Edge>>, inside: Set<string>, start: string, goal: string): string[] {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...graph.get(v)!.keys()].sort())
      if (inside.has(w) && !previous.has(w)) { previous.set(w, v); queue.push(w); }
  }
  const result: string[] = [];
  for (let v: string | null = goal; v !== null; v = previous.get(v) ?? null) result.unshift(v);
  return result;
}

function formatViolation(v: Violation): string {
  return `${v.detail ?? `${v.file} imports '${v.specifier}'`} — ${v.rule}: ${RULES[v.rule]}`;
}

const root = path.resolve(__dirname, '../../..');

function readSources(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, extensions: string[]) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel, extensions);
      else if (extensions.some((e) => entry.name.endsWith(e))) files.set(rel, readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  walk('extension/src', ['.ts']);
  walk('language-server/src', ['.ts']);
  walk('webview/src', ['.ts', '.svelte']);
  return files;
}

describe('source layering (CLAUDE.md map)', () => {
  const sources = readSources();
  const violations = checkLayering(sources);

  // A walk of the wrong folder would pass every rule.
  it('reads the sources', () => expect(sources.size > 100 && sources.has('extension/src/vscode/extension.ts')).toBe(true));

  for (const rule of Object.keys(RULES) as RuleId[])
    it(rule, () => {
      const lines = violations.filter((v) => v.rule === rule).map(formatViolation);
      expect(lines, `${lines.length} violation(s):\n${lines.join('\n')}`).toEqual([]);
    });
});

describe('the checker itself', () => {
  const planted = new Map(Object.entries({
    'extension/src/core/x.ts': "import * as fs from 'node:fs';\nimport type { Log } from '../vscode/log';\nimport 'os';",
    'extension/src/core/y.ts': "import { z } from 'zod';\nexport { parse } from 'jsonc-parser';",
    'webview/src/lib/bad.svelte': "<script lang=\"ts\">\n  import { log } from '../../../extension/src/vscode/log';\n</script>\n<p>{log}</p>",
    'language-server/src/server.ts': "import * as vscode from 'vscode';\nimport { ok } from '../../extension/src/core/x';",
    'extension/src/agents/a.ts': "const vscode = require('vscode');",
    'extension/src/store/s.ts': "export type { Turn } from '../orchestration/chat/chatTurn';",
    'extension/src/orchestration/chat/chatTurn.ts': "export type Turn = string;",
    'extension/src/platform/p.ts': "import { s } from '../store/s';",
    'extension/src/cli.ts': "const m = await import('./vscode/log');",
    'extension/src/vscode/log.ts': "export const log = 1;",
    'extension/src/vscode/blueprints/historyService.ts': "import { store } from '../chat/conversationStore';",
    'extension/src/vscode/chat/conversationStore.ts': "import { history } from '../blueprints/historyService';",
  }));
  // Every rule id must appear below.
  const found = checkLayering(planted).map((v) => `${v.rule} ${v.file} ${v.specifier}`);

  it.each([
    'core-pure extension/src/core/x.ts node:fs',
    'core-pure extension/src/core/x.ts ../vscode/log',
    'core-pure extension/src/core/x.ts os',
    'core-packages extension/src/core/y.ts zod',
    'webview-core-only webview/src/lib/bad.svelte ../../../extension/src/vscode/log',
    'server-core-only language-server/src/server.ts vscode',
    'no-vscode extension/src/agents/a.ts vscode',
    'inward extension/src/store/s.ts ../orchestration/chat/chatTurn',
    'inward extension/src/cli.ts ./vscode/log',
    'folder-cycle extension/src/vscode/blueprints/historyService.ts ../chat/conversationStore',
  ])('reports %s', (expected) => expect(found).toContain(expected));

  it('names each step of a folder cycle and reports the cycle once', () => {
    const cycles = checkLayering(planted).filter((v) => v.rule === 'folder-cycle').map(formatViolation);
    expect(cycles).toEqual(["extension/src/vscode/blueprints/historyService.ts imports '../chat/conversationStore' -> "
      + "extension/src/vscode/chat/conversationStore.ts imports '../blueprints/historyService' — folder-cycle: " + RULES['folder-cycle']]);
  });

  it('lets a folder and its subfolder import each other, not two sibling folders', () => {
    const nested = new Map(Object.entries({
      'extension/src/vscode/extension.ts': "import { start } from './chat/chatService';",
      'extension/src/vscode/chat/chatService.ts': "import { log } from '../log';",
      'extension/src/vscode/log.ts': 'export const log = 1;',
    }));
    expect(checkLayering(nested)).toEqual([]);
  });

  it('accepts what the map allows', () => {
    const legal = new Map(Object.entries({
      'extension/src/core/a.ts': "import * as z from 'zod/mini';\nimport { b } from './sub/b';",
      'extension/src/core/sub/b.ts': "export const b = 1;",
      'webview/src/lib/state.svelte.ts': "import type { P } from '../../../extension/src/core/a';",
      'webview/src/App.svelte': "<script lang=\"ts\">import { s } from './lib/state.svelte'; import './styles/base.css';</script>",
      'language-server/src/s.ts': "import { c } from 'vscode-languageserver/node';\nimport '../../extension/src/core/a';",
      'extension/src/cli.ts': "import { open } from './store/s';",
      'extension/src/store/s.ts': "import * as fs from 'node:fs';\nimport '../core/a';",
      'extension/src/vscode/x.ts': "import * as vscode from 'vscode';\nimport '../store/s';",
    }));
    expect(checkLayering(legal).map(formatViolation)).toEqual([]);
  });
});
