/**
 * The language server as an editor sees it: the real bundle started over stdio,
 * driven with LSP messages on workspaces written to a temp folder. Covers the
 * mapping to LSP shapes, quick fixes as WorkspaceEdits, diagnostics that follow
 * other files, nonsense settings, and bursts of edits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LspSession } from '../../bench/lsp/lspSession.mjs';
import { bundleForNode } from '../../support/bundleNode.mjs';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-lsp-'));
const serverJs = path.join(scratch, 'server.js');

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  source: string;
  message: string;
  tags?: number[];
  relatedInformation?: { location: { uri: string }; message: string }[];
}

beforeAll(async () => {
  await bundleForNode({ entry: path.join(repoRoot, 'language-server/src/server.ts'), outfile: serverJs });
}, 60_000);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const sessions: LspSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

let counter = 0;
function workspace(files: Record<string, string>): string {
  const dir = path.join(scratch, `ws-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) write(dir, rel, text);
  return dir;
}

function write(dir: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

async function start(dir: string, settings: (section: string) => unknown = () => null): Promise<LspSession> {
  const session = await LspSession.start({
    name: 'orchard',
    command: process.execPath,
    args: [serverJs, '--stdio'],
    cwd: dir,
    rootUri: pathToFileURL(dir).href,
    settings,
  });
  sessions.push(session);
  return session;
}

const uriOf = (dir: string, rel: string) => pathToFileURL(path.join(dir, rel)).href;

/** Opens a file and resolves to its first diagnostics. */
async function open(session: LspSession, dir: string, rel: string, text: string, languageId = 'yaml'): Promise<Diagnostic[]> {
  const uri = uriOf(dir, rel);
  const published = session.nextDiagnostics(uri, 1, 20_000);
  await session.open(uri, languageId, text, 1);
  return (await published).params.diagnostics as Diagnostic[];
}

const request = <T>(session: LspSession, method: string, params: object) => session.connection.sendRequest(method, params) as Promise<T>;

const BROKEN_TREE = `name: nightly
vars:
  port: "3000"
steps:
  build:
    action: shell
    run: npm test
    outputs:
      - report: .stdout
  smoke:
    depends_on: [biuld]
    action: shell
    run: "curl localhost:{{ .vars.port }}"
  notify:
    depends_on: [smoke]
    action: agent
    prompt: "Summarise {{ .outputs.build.report }}"
`;

describe('the Orchard language server over LSP', () => {
  it('publishes tree diagnostics with code, source and range, and answers the editor features', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const uri = uriOf(dir, 'cookbooks/trees/nightly.yaml');
    const diagnostics = await open(session, dir, 'cookbooks/trees/nightly.yaml', BROKEN_TREE);
    const unknown = diagnostics.find((d) => d.code === 'tree/unknown-dependency');
    expect(unknown).toMatchObject({ source: 'orchard', severity: 1, range: { start: { line: 10, character: 17 }, end: { line: 10, character: 22 } } });

    const actions = await request<{ title: string; edit: { documentChanges: { textDocument: { uri: string; version: number | null }; edits: { newText: string }[] }[] } }[]>(
      session,
      'textDocument/codeAction',
      { textDocument: { uri }, range: unknown!.range, context: { diagnostics: [unknown] } },
    );
    const replace = actions.find((a) => a.edit.documentChanges.some((c) => c.edits?.some((e) => e.newText === 'build')));
    expect(replace, JSON.stringify(actions)).toBeDefined();
    expect(replace!.edit.documentChanges[0]!.textDocument).toEqual({ uri, version: 1 });

    const completion = await request<{ label: string; kind: number }[] | { items: { label: string }[] }>(session, 'textDocument/completion', {
      textDocument: { uri },
      position: { line: 14, character: 18 },
    });
    const labels = (Array.isArray(completion) ? completion : completion.items).map((c) => c.label);
    expect(labels).toContain('build');

    type LspSymbol = { name: string; children?: LspSymbol[] };
    const symbols = await request<LspSymbol[]>(session, 'textDocument/documentSymbol', { textDocument: { uri } });
    const names = (list: LspSymbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children ?? [])]);
    expect(names(symbols)).toEqual(expect.arrayContaining(['steps', 'build', 'smoke', 'notify']));

    // "{{ .outputs.build.report }}" -> the step "build".
    const definition = await request<{ uri: string; range: { start: { line: number } } } | null>(session, 'textDocument/definition', {
      textDocument: { uri },
      position: { line: 16, character: BROKEN_TREE.split('\n')[16]!.indexOf('build') + 1 },
    });
    expect(definition).toMatchObject({ uri });
    expect([4, 8]).toContain(definition!.range.start.line);

    const references = await request<{ uri: string }[]>(session, 'textDocument/references', {
      textDocument: { uri },
      position: { line: 4, character: 3 },
      context: { includeDeclaration: true },
    });
    expect(references.length).toBeGreaterThanOrEqual(2);

    const hover = await request<{ contents: { kind: string; value: string } } | null>(session, 'textDocument/hover', {
      textDocument: { uri },
      position: { line: 14, character: 18 },
    });
    expect(hover?.contents.kind).toBe('markdown');
    expect(hover?.contents.value).toMatch(/smoke/);
  });

  it('follows edits: the fixed version gets its own diagnostics, and a burst publishes the last version', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const uri = uriOf(dir, 'cookbooks/trees/nightly.yaml');
    await open(session, dir, 'cookbooks/trees/nightly.yaml', BROKEN_TREE);
    const offset = BROKEN_TREE.indexOf('biuld');
    const fixed = session.nextDiagnostics(uri, 2);
    session.edit(uri, 2, offset, 5, 'build');
    const after = await fixed;
    expect(after.params.version).toBe(2);
    expect((after.params.diagnostics as Diagnostic[]).map((d) => d.code)).not.toContain('tree/unknown-dependency');

    const before = session.published.length;
    const last = session.nextDiagnostics(uri, 12);
    for (let v = 3; v <= 12; v++) session.edit(uri, v, offset, 5, v % 2 ? 'biuld' : 'build');
    const final = await last;
    expect(final.params.version).toBe(12);
    expect((final.params.diagnostics as Diagnostic[]).map((d) => d.code)).not.toContain('tree/unknown-dependency');
    // Versions only go forward: a stale result is never published after a newer one.
    const published = session.published.slice(before).map((p) => p.version!);
    expect(published).toEqual([...published].sort((a, b) => a - b));
    expect(published.at(-1)).toBe(12);
  });

  it('keeps validating blueprint files', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const diagnostics = await open(session, dir, '.orchard/blueprints/todo.json', '{ "featureName": "Todo", "status": "done" }', 'json');
    expect(diagnostics.map((d) => d.code)).toEqual(['blueprint/schema']);
    expect(diagnostics[0]!.message).toMatch(/^\$\.status: /);
  });

  it('offers to create a missing import, and notices when the file appears', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const uri = uriOf(dir, 'CLAUDE.md');
    const diagnostics = await open(session, dir, 'CLAUDE.md', '# App\n\n@docs/conventions.md\n', 'markdown');
    const missing = diagnostics.find((d) => d.code === 'memory/import-not-found');
    expect(missing).toBeDefined();
    const actions = await request<{ title: string; isPreferred?: boolean; edit: { documentChanges: { kind?: string; uri?: string }[] } }[]>(
      session,
      'textDocument/codeAction',
      { textDocument: { uri }, range: missing!.range, context: { diagnostics: [missing] } },
    );
    const create = actions.find((a) => a.edit.documentChanges[0]?.kind === 'create');
    expect(create).toMatchObject({ isPreferred: true });
    expect(create!.edit.documentChanges[0]!.uri).toBe(uriOf(dir, 'docs/conventions.md'));

    write(dir, 'docs/conventions.md', '# Conventions\n');
    const again = session.nextDiagnostics(uri, 1);
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(dir, 'docs/conventions.md'), type: 1 }] });
    expect(((await again).params.diagnostics as Diagnostic[]).map((d) => d.code)).not.toContain('memory/import-not-found');
  });

  it('answers hover, definition, outline and import completion in memory files', async () => {
    const dir = workspace({ 'docs/api.md': '# API conventions\n\nEvery route answers JSON.\n' });
    const session = await start(dir);
    const uri = uriOf(dir, 'CLAUDE.md');
    const text = '# App\n\n## Map\n\n@docs/api.md\n\n## Commands\n\n@docs/\n';
    await open(session, dir, 'CLAUDE.md', text, 'markdown');
    const hover = await request<{ contents: { value: string } } | null>(session, 'textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 5 } });
    expect(hover?.contents.value).toMatch(/API conventions/);
    const definition = await request<{ uri: string } | null>(session, 'textDocument/definition', { textDocument: { uri }, position: { line: 4, character: 5 } });
    expect(definition?.uri).toBe(uriOf(dir, 'docs/api.md'));
    type LspSymbol = { name: string; children?: LspSymbol[] };
    const symbols = await request<LspSymbol[]>(session, 'textDocument/documentSymbol', { textDocument: { uri } });
    const names = (list: LspSymbol[]): string[] => list.flatMap((sym) => [sym.name, ...names(sym.children ?? [])]);
    expect(names(symbols)).toEqual(expect.arrayContaining(['App', 'Map', 'Commands']));
    const completion = await request<{ label: string }[] | { items: { label: string }[] }>(session, 'textDocument/completion', {
      textDocument: { uri },
      position: { line: 8, character: 6 },
    });
    expect((Array.isArray(completion) ? completion : completion.items).map((c) => c.label)).toContain('api.md');
  });

  it('follows package.json: a renamed script is reported in the memory file that runs it', async () => {
    const dir = workspace({ 'package.json': JSON.stringify({ scripts: { dev: 'node .' } }) });
    const session = await start(dir);
    const uri = uriOf(dir, 'AGENTS.md');
    expect(await open(session, dir, 'AGENTS.md', '# Agents\n\nStart with `npm run dev`.\n', 'markdown')).toEqual([]);
    // Dependencies are worked out just after the diagnostics go out.
    await new Promise((r) => setTimeout(r, 100));
    write(dir, 'package.json', JSON.stringify({ scripts: { develop: 'node .' } }));
    const again = session.nextDiagnostics(uri, 1);
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(dir, 'package.json'), type: 2 }] });
    expect(((await again).params.diagnostics as Diagnostic[]).map((d) => d.code)).toEqual(['memory/unknown-script']);
  });

  it('reads open documents before the disk: an unsaved import that closes a cycle is reported', async () => {
    const dir = workspace({ 'docs/a.md': '# A\n' });
    const session = await start(dir);
    const claude = uriOf(dir, 'CLAUDE.md');
    expect(await open(session, dir, 'CLAUDE.md', '# App\n\n@docs/a.md\n', 'markdown')).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    const again = session.nextDiagnostics(claude, 1);
    await session.open(uriOf(dir, 'docs/a.md'), 'markdown', '# A\n\n@../CLAUDE.md\n', 1);
    expect(((await again).params.diagnostics as Diagnostic[]).map((d) => d.code)).toContain('memory/import-cycle');
  });

  it('survives nonsense settings: logs them and falls back to the defaults', async () => {
    const dir = workspace({});
    const session = await start(dir, (section) => (section === 'orchard' ? { memory: { globs: 'CLAUDE.md' }, trees: { globs: [42, 'flows/*.yaml', '[unclosed'] } } : null));
    const tree = await open(session, dir, 'flows/x.yaml', BROKEN_TREE);
    expect(tree.map((d) => d.code)).toContain('tree/unknown-dependency');
    const memory = await open(session, dir, 'CLAUDE.md', '@missing.md\n', 'markdown');
    expect(memory.map((d) => d.code)).toContain('memory/import-not-found');
    expect(session.logs.join('\n')).toMatch(/orchard\.memory\.globs must be a list of globs, not the string "CLAUDE\.md"; using the defaults/);
    expect(session.logs.join('\n')).toMatch(/orchard\.trees\.globs\[0\] must be a non-empty glob string, not a number; ignored/);
  });
});

describe('large and hostile documents', () => {
  type LspSymbol = { name: string; children?: LspSymbol[] };
  const names = (list: LspSymbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children ?? [])]);
  /** Just under the 1 MiB limit for memory files: one line of links and code spans, once quadratic to scan (20 s at half a megabyte). */
  const LARGE = '# Notes\n' + '[a](b) `c` '.repeat(94_000) + '\n';

  it('a file over its size limit gets one diagnostic saying why, and editor features do not read it', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const uri = uriOf(dir, 'CLAUDE.md');
    const text = '# Notes\n' + '[a](b) `c` @d.md\n'.repeat(80_000);
    expect(await open(session, dir, 'CLAUDE.md', text, 'markdown')).toEqual([
      expect.objectContaining({
        code: 'orchard/file-too-large',
        severity: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: 'not checked: this memory file is 1.3 MiB, more than the 1 MiB Orchard checks (a larger one would hold up the editor on every edit)',
      }),
    ]);
    expect(await request(session, 'textDocument/documentSymbol', { textDocument: { uri } })).toEqual([]);
  }, 20_000);

  it('answers a small document while a large one is being validated, and sends at most 1,000 problems', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const small = uriOf(dir, 'AGENTS.md');
    await open(session, dir, 'AGENTS.md', '# Agents\n\n## Build\n', 'markdown');
    const large = uriOf(dir, 'CLAUDE.md');
    let largePublishedAt = Infinity;
    const largeDiagnostics = session.nextDiagnostics(large, 1).then((published) => ((largePublishedAt = published.at), published));
    await session.open(large, 'markdown', LARGE, 1);
    const asked = performance.now();
    const symbols = await request<LspSymbol[]>(session, 'textDocument/documentSymbol', { textDocument: { uri: small } });
    const answered = performance.now();
    expect(names(symbols)).toEqual(['Agents', 'Build']);
    // Answered between two slices of the large validation, not after it.
    expect(answered, `answered ${(answered - asked).toFixed(0)} ms after asking`).toBeLessThan(largePublishedAt);
    expect(answered - asked).toBeLessThan(1000);
    const diagnostics = (await largeDiagnostics).params.diagnostics as Diagnostic[];
    expect(diagnostics).toHaveLength(1000);
    expect(diagnostics.at(-1)).toMatchObject({ code: 'orchard/more-problems', severity: 3 });
    expect(diagnostics.at(-1)!.message).toMatch(/^93,001 more problems in this file are not shown \(the editor gets the first 1,000, errors first\)/);
  }, 20_000);

  it('drops the validation of a large document that was edited meanwhile', async () => {
    const dir = workspace({});
    const session = await start(dir);
    const uri = uriOf(dir, 'CLAUDE.md');
    const started = performance.now();
    // The same links and code spans on 9,500 lines: the scan yields every 2,000 lines, the link check every 2,000 links.
    await open(session, dir, 'CLAUDE.md', LARGE.replace(/(?:\[a\]\(b\) `c` ){10}/g, '$&\n'), 'markdown');
    const validated = () => session.logs.filter((line) => line.startsWith('Validated ') && line.includes('CLAUDE.md')).length;
    // The server logs each validation that took over 200 ms: this one must, for the count below to mean anything.
    expect(validated(), `first validation took ${(performance.now() - started).toFixed(0)} ms`).toBe(1);
    const last = session.nextDiagnostics(uri, 6);
    session.edit(uri, 2, 2, 0, 'x');
    await new Promise((r) => setTimeout(r, 60));
    for (let version = 3; version <= 6; version++) session.edit(uri, version, 2, 0, 'x');
    expect((await last).params.version).toBe(6);
    // Version 2 was being validated when 3 arrived: it was dropped at its next slice, not finished.
    expect(validated()).toBe(2);
  }, 20_000);
});
