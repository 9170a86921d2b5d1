/**
 * `orchard validate` end to end: the real CLI bundle run with node on
 * workspaces written to a temp folder, and on this repository's own CLAUDE.md
 * (which CI validates).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../support/bundleNode.mjs';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-validate-'));
const cli = path.join(scratch, 'cli.js');

beforeAll(async () => {
  await bundleForNode({ entry: path.join(repoRoot, 'extension/src/cli.ts'), outfile: cli, banner: '#!/usr/bin/env node' });
}, 60_000);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function orchard(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, 'validate', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let counter = 0;
function workspace(files: Record<string, string>): string {
  const dir = path.join(scratch, `ws-${++counter}`);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const VALID_TREE = `name: release
vars:
  version: "1.0.0"
steps:
  test:
    action: shell
    run: npm test
    outputs:
      - report: .stdout
  tag:
    depends_on: [test]
    action: shell
    run: "git tag v{{ .vars.version }} -m '{{ .outputs.test.report }}'"
`;

const BROKEN_TREE = `name: nightly
steps:
  build:
    action: shell
    run: npm test
  smoke:
    depends_on: [biuld]
    action: shell
    run: npm start
`;

const PACKAGE = JSON.stringify({ name: 'app', scripts: { test: 'node --test', start: 'node .' } });

function sample(): string {
  return workspace({
    'package.json': PACKAGE,
    'CLAUDE.md': '# App\n\n@docs/missing.md\n\nRun `npm test` before committing.\n',
    'cookbooks/trees/release.yaml': VALID_TREE,
    'cookbooks/trees/nightly.yaml': BROKEN_TREE,
    'README.md': 'Not a memory file: @nothing/here.md\n',
    'node_modules/dep/CLAUDE.md': '@missing.md\n',
    'dist/CLAUDE.md': '@missing.md\n',
  });
}

describe('orchard validate', () => {
  it('prints its usage', () => {
    const r = orchard(scratch, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: orchard validate \[paths…\] \[--format text\|json\|sarif\] \[--root DIR\]/);
  });

  it('walks the current folder, skips node_modules and dist, and exits 1 on errors (text)', () => {
    const r = orchard(sample());
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toContain(lines.find((l) => l.startsWith('CLAUDE.md:3:1: error memory/import-not-found: ')));
    expect(lines.some((l) => l.startsWith('cookbooks/trees/nightly.yaml:7:') && l.includes(' error tree/unknown-dependency: '))).toBe(true);
    expect(r.out).not.toMatch(/node_modules|dist\/|README/);
    expect(lines.at(-1)).toMatch(/^2 errors(, .*)? \(3 files checked\)$/);
  });

  it('--format json: 1-based positions, files relative to the root, exactly the documented keys', () => {
    const r = orchard(sample(), '--format', 'json');
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.out) as Record<string, unknown>[];
    for (const p of problems) {
      expect(Object.keys(p)).toEqual(['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
      expect(['error', 'warning', 'information', 'hint']).toContain(p.severity);
    }
    const missing = problems.find((p) => p.code === 'memory/import-not-found');
    expect(missing).toMatchObject({ file: 'CLAUDE.md', line: 3, column: 1, endLine: 3, severity: 'error' });
    expect(missing!.endColumn).toBe('@docs/missing.md'.length + 1);
    const dependency = problems.find((p) => p.code === 'tree/unknown-dependency');
    expect(dependency).toMatchObject({ file: 'cookbooks/trees/nightly.yaml', line: 7, column: 18, endColumn: 23 });
  });

  it('--format sarif: SARIF 2.1.0 with a rule for every code and the same results', () => {
    const dir = sample();
    const json = JSON.parse(orchard(dir, '--format', 'json').out) as { code: string }[];
    const r = orchard(dir, '--format', 'sarif');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.out);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const rules = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    for (const code of ['memory/import-not-found', 'tree/dependency-cycle', 'schema/unknown-key', 'blueprint/schema']) expect(rules).toContain(code);
    expect(run.results).toHaveLength(json.length);
    for (const result of run.results) {
      expect(rules[result.ruleIndex]).toBe(result.ruleId);
      expect(result.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('ROOT');
    }
    expect(run.originalUriBaseIds.ROOT.uri).toBe(`file://${dir}/`);
  });

  it('validates only the paths given; a valid tree passes', () => {
    const dir = sample();
    const r = orchard(dir, 'cookbooks/trees/release.yaml');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('No problems (1 file checked)\n');
    expect(orchard(path.join(dir, 'cookbooks'), '--root', dir, 'trees').out).toMatch(/\(2 files checked\)\n$/);
  });

  it('follows package.json: an unknown script is reported, a known one is not', () => {
    const dir = workspace({ 'package.json': PACKAGE, 'AGENTS.md': '# Agents\n\nRun `npm run tset`, then `npm test`.\n' });
    const problems = JSON.parse(orchard(dir, '--format', 'json').out) as { code: string; line: number }[];
    expect(problems.map((p) => p.code)).toEqual(['memory/unknown-script']);
  });

  it('refuses a wrong command line with exit 2 and a message naming the culprit', () => {
    const dir = sample();
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be one of text, json, sarif, not "xml"/],
      [['nothing.md'], /there is no file or folder nothing\.md/],
      [['README.md'], /README\.md is not a file Orchard validates/],
      [['--root', 'nope'], /--root: .*nope is not a folder/],
      [['--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = orchard(dir, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    const outside = orchard(dir, '--root', path.join(dir, 'cookbooks'), 'CLAUDE.md');
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/CLAUDE\.md is outside the root/);
  });

  it('reads the globs from .vscode/settings.json and survives nonsense there', () => {
    const custom = workspace({
      '.vscode/settings.json': '{\n  // JSONC, like VS Code writes it\n  "orchard.memory.globs": ["notes/*.md"],\n}\n',
      'notes/team.md': '# Team\n\n@gone.md\n',
      'CLAUDE.md': '@missing.md\n',
    });
    const r = orchard(custom, '--format', 'json');
    expect((JSON.parse(r.out) as { file: string }[]).map((p) => p.file)).toEqual(['notes/team.md']);

    const nonsense = workspace({ '.vscode/settings.json': '{ "orchard.trees.globs": "cookbooks/*.yaml" }', 'cookbooks/trees/t.yaml': BROKEN_TREE });
    const n = orchard(nonsense);
    expect(n.err).toMatch(/warning: \.vscode\/settings\.json: orchard\.trees\.globs must be a list of globs, not the string "cookbooks\/\*\.yaml"; using the defaults/);
    expect(n.out).toMatch(/tree\/unknown-dependency/);
  });

  it('reports every file when some are too large: the refused ones are named, with why, in text, json and sarif', () => {
    const dir = sample();
    // 5 MiB of ordinary notes (over the hosts' old 4 MiB read limit too), and 2 MiB (over the 1 MiB memory limit only).
    const notes = (bytes: number) => ('# Notes\n' + 'See [the guide](docs/guide.md) and `npm test`.\n'.repeat(bytes / 40)).slice(0, bytes);
    fs.writeFileSync(path.join(dir, 'AGENTS.md'), notes(5 * 1024 * 1024));
    fs.mkdirSync(path.join(dir, 'context'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'context', 'notes.md'), notes(2 * 1024 * 1024));

    const text = orchard(dir);
    expect(text.code).toBe(1);
    expect(text.err).toBe('');
    const lines = text.out.trim().split('\n');
    expect(lines).toContain(lines.find((l) => l.startsWith('CLAUDE.md:3:1: error memory/import-not-found: ')));
    expect(lines.some((l) => l.startsWith('cookbooks/trees/nightly.yaml:7:') && l.includes('tree/unknown-dependency'))).toBe(true);
    expect(lines).toContain('AGENTS.md:1:1: error orchard/file-too-large: not checked: this memory file is 5 MiB, more than the 1 MiB Orchard checks (a larger one would hold up the editor on every edit)');
    expect(lines.find((l) => l.startsWith('context/notes.md:1:1: error orchard/file-too-large: not checked: this memory file is 2 MiB'))).toBeDefined();
    expect(lines.at(-1)).toMatch(/^4 errors(, .*)? \(3 files checked, 2 not checked\)$/);

    const json = JSON.parse(orchard(dir, '--format', 'json').out) as { file: string; code: string; message: string }[];
    expect(json.filter((p) => p.code === 'orchard/file-too-large').map((p) => p.file)).toEqual(['AGENTS.md', 'context/notes.md']);
    expect(json.map((p) => p.code)).toEqual(expect.arrayContaining(['memory/import-not-found', 'tree/unknown-dependency']));

    const sarif = JSON.parse(orchard(dir, '--format', 'sarif').out);
    const refused = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'orchard/file-too-large');
    expect(refused.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['AGENTS.md', 'context/notes.md']);
  });

  it('refuses a 200 MB CLAUDE.md from its size on disk, without reading it', () => {
    const dir = workspace({ 'docs/ok.md': '# Ok\n' });
    // A sparse file: 200 MB long, nothing written.
    const fd = fs.openSync(path.join(dir, 'CLAUDE.md'), 'w');
    fs.ftruncateSync(fd, 200 * 1024 * 1024);
    fs.closeSync(fd);
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', cli, 'validate', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ file: 'CLAUDE.md', line: 1, code: 'orchard/file-too-large', message: expect.stringMatching(/is 200 MiB, more than the 1 MiB/) })]);
  });

  it('survives a .vscode/settings.json nested 100,000 deep (the default globs apply)', () => {
    const dir = workspace({ '.vscode/settings.json': '['.repeat(100_000), 'CLAUDE.md': '@missing.md\n' });
    const r = orchard(dir, '--format', 'json');
    expect(r.err).toMatch(/warning: \.vscode\/settings\.json is nested deeper than 256 levels/);
    expect((JSON.parse(r.out) as { code: string }[]).map((p) => p.code)).toEqual(['memory/import-not-found']);
  });

  it("passes on this repository's own CLAUDE.md", () => {
    const r = orchard(repoRoot, 'CLAUDE.md');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
  });
});
