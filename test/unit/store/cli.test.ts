/**
 * `orchard blueprint ...` end to end: the real bundle (built here into a
 * temporary folder with the options esbuild.mjs uses, so the developer's
 * dist/cli.js is left alone) run with node in real repositories.
 * Every refused command line is checked to have changed nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleForNode } from '../../support/bundleNode.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, makeRepo, tempDir, tryGit, useIsolatedGit } from './gitFixture';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
// Removed with the other temp folders after the file's tests (useIsolatedGit).
const cli = path.join(tempDir('orchard-cli-'), 'cli.js');

useIsolatedGit();

beforeAll(async () => {
  await bundleForNode({ entry: path.join(repoRoot, 'extension/src/cli.ts'), outfile: cli, banner: '#!/usr/bin/env node' });
});

function orchard(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const bp = (summary: string, extra: object = {}) => JSON.stringify({ featureName: 'Todo sharing', summary, ...extra }, null, 2);

/** The blueprint file and ref of a slug, to prove a refused command changed nothing. */
function state(dir: string, slug: string): string {
  const file = path.join(dir, '.orchard', 'blueprints', `${slug}.json`);
  const ref = tryGit(dir, ['rev-parse', '-q', '--verify', `refs/orchard/blueprints/${slug}`]);
  const listing = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder).sort().join(',') : '');
  return `${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no file)'}|${ref.ok ? ref.out.trim() : '(no ref)'}|${listing(dir)}|${listing(path.dirname(file))}`;
}

// Each case runs the CLI a dozen times as a new node process (~0.3 s each on a busy 2-core machine).
describe('orchard CLI', () => {
  it('is a node script with a #! line and prints help', () => {
    expect(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const dir = tempDir();
    const root = orchard(dir, '--help');
    expect(root.code).toBe(0);
    expect(root.out).toMatch(/blueprint/);
    const group = orchard(dir, 'blueprint', '--help');
    expect(group.code).toBe(0);
    for (const sub of ['list', 'show', 'history', 'save', 'restore', 'diff']) expect(group.out).toContain(`orchard blueprint ${sub}`);
    expect(orchard(dir, 'blueprint', 'save', '--help').out).toMatch(/Usage: orchard blueprint save <file.json>/);
    expect(orchard(dir).code).toBe(2);
  });

  it('saves, lists, shows, restores and compares', () => {
    const dir = makeRepo();
    fs.writeFileSync(path.join(dir, 'todo.json'), bp('one'));
    const first = orchard(dir, 'blueprint', 'save', 'todo.json', '--message', 'first plan');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/^Saved \.orchard\/blueprints\/todo\.json as r1 \([0-9a-f]{10}\)\n$/);
    fs.writeFileSync(path.join(dir, 'todo.json'), bp('two', { sections: { dataModel: { status: 'partial' } } }));
    expect(orchard(dir, 'blueprint', 'save', 'todo.json').code).toBe(0);

    // Slug from --slug, or from the feature name when the file name is not a slug.
    fs.writeFileSync(path.join(dir, 'My Plan.json'), bp('x'));
    expect(orchard(dir, 'blueprint', 'save', 'My Plan.json').out).toContain('.orchard/blueprints/todo-sharing.json as r1');
    expect(orchard(dir, 'blueprint', 'save', 'My Plan.json', '--slug', 'other').out).toContain('other.json as r1');
    expect(orchard(dir, 'blueprint', 'list').out).toBe('other\ntodo\ntodo-sharing\n');

    const history = orchard(dir, 'blueprint', 'history', 'todo', '--format', 'json');
    const revisions = JSON.parse(history.out);
    expect(revisions.map((r: { rev: number; message: string }) => [r.rev, r.message])).toEqual([
      [1, 'first plan'],
      [2, 'save'],
    ]);
    expect(Object.keys(revisions[0])).toEqual(['rev', 'commit', 'time', 'message']);
    expect(orchard(dir, 'blueprint', 'history', 'todo').out).toMatch(/^r1 {2}\S+Z {2}[0-9a-f]{10} {2}first plan\nr2 .* save\n$/);

    expect(JSON.parse(orchard(dir, 'blueprint', 'show', 'todo', '--rev', '1').out).summary).toBe('one');
    expect(JSON.parse(orchard(dir, 'blueprint', 'show', 'todo').out).summary).toBe('two');

    const diff = orchard(dir, 'blueprint', 'diff', 'todo', '1', 'r2');
    expect(diff.code).toBe(0);
    expect(diff.out).toBe('todo r1 -> r2: 2 changes in Data model, summary\n~ $.summary: "one" -> "two"\n~ $.sections.dataModel.status: "empty" -> "partial"\n');

    const restore = orchard(dir, 'blueprint', 'restore', 'todo', '1');
    expect(restore.out).toMatch(/^Restored todo to r1: Saved .* as r3/);
    expect(JSON.parse(orchard(dir, 'blueprint', 'show', 'todo').out).summary).toBe('one');
    expect(orchard(dir, 'blueprint', 'list', '--cwd', dir).code).toBe(0);
    expect(orchard(tempDir(), 'blueprint', 'list', '--cwd', dir).out).toBe('other\ntodo\ntodo-sharing\n');
    // A blueprint whose file was deleted still has its history.
    fs.rmSync(path.join(dir, '.orchard', 'blueprints', 'other.json'));
    expect(orchard(dir, 'blueprint', 'show', 'other')).toMatchObject({ code: 1, err: expect.stringMatching(/no blueprint file .*history has 1 revision \(show one with --rev 1\)/) });
    expect(JSON.parse(orchard(dir, 'blueprint', 'show', 'other', '--rev', '1').out).summary).toBe('x');
  }, 30_000);

  it('refuses bad input with a message naming it, and changes nothing', () => {
    const dir = makeRepo();
    fs.writeFileSync(path.join(dir, 'todo.json'), bp('one'));
    expect(orchard(dir, 'blueprint', 'save', 'todo.json').code).toBe(0);
    fs.writeFileSync(path.join(dir, 'bad.json'), bp('x', { sections: { dataModel: { status: 'done' } } }));
    fs.writeFileSync(path.join(dir, 'syntax.json'), '{ "featureName": "x", }');
    const before = state(dir, 'todo');
    const cases: Array<[string[], number, RegExp]> = [
      [['blueprint', 'save', 'bad.json', '--slug', 'todo'], 1, /bad\.json.*\$\.sections\.dataModel\.status/],
      [['blueprint', 'save', 'syntax.json', '--slug', 'todo'], 1, /syntax\.json.*JSON syntax error.*line 1/],
      [['blueprint', 'save', 'missing.json', '--slug', 'todo'], 1, /no file missing\.json/],
      [['blueprint', 'save', 'todo.json', '--slug', 'Bad Slug'], 2, /"Bad Slug" is not a valid blueprint name/],
      [['blueprint', 'save'], 2, /expected save <file\.json>/],
      [['blueprint', 'save', 'todo.json', '--bogus'], 2, /--bogus/],
      [['blueprint', 'restore', 'todo', '7'], 1, /no revision r7: its revisions are r1 to r1/],
      [['blueprint', 'restore', 'todo', 'seven'], 2, /"seven" is not a revision number/],
      [['blueprint', 'show', 'todo', '--rev', '0'], 2, /"0" is not a revision number/],
      [['blueprint', 'history', 'todo', '--format', 'xml'], 2, /--format must be "text" or "json", not "xml"/],
      [['blueprint', 'diff', 'todo', '1'], 2, /expected diff <slug> <revA> <revB>/],
      [['blueprint', 'show', 'nope'], 1, /no blueprint file \.orchard\/blueprints\/nope\.json/],
      [['blueprint', 'frobnicate'], 2, /unknown blueprint command "frobnicate"/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
      [['blueprint', 'list', '--cwd', path.join(dir, 'nowhere')], 2, /is not a folder/],
    ];
    for (const [args, code, message] of cases) {
      const r = orchard(dir, ...args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code, out: '' });
      expect(r.err, args.join(' ')).toMatch(message);
      expect(state(dir, 'todo'), args.join(' ')).toBe(before);
    }
    // An invalid file that would have been a new blueprint leaves no file and no ref.
    expect(orchard(dir, 'blueprint', 'save', 'bad.json').code).toBe(1);
    expect(state(dir, 'bad')).toBe(`(no file)|(no ref)|${fs.readdirSync(dir).sort().join(',')}|todo.json`);
  }, 30_000);

  it('outside a repository: save writes the file, history says to run git init', () => {
    const dir = tempDir('orchard-cli-nogit-');
    fs.writeFileSync(path.join(dir, 'todo.json'), bp('one'));
    const saved = orchard(dir, 'blueprint', 'save', 'todo.json');
    expect(saved.code).toBe(0);
    expect(saved.out).toMatch(/not a git repository.*git init/);
    expect(fs.existsSync(path.join(dir, '.orchard', 'blueprints', 'todo.json'))).toBe(true);
    const history = orchard(dir, 'blueprint', 'history', 'todo');
    expect(history.code).toBe(1);
    expect(history.err).toMatch(/not inside a git work tree.*git init/);
    expect(git(tempDir(), ['--version'])).toMatch(/git version/);
  });
});
