/**
 * The executor's `search` tool on real folders, once with ripgrep and once
 * with the JS search (forced with `ripgrep: null`): both must give the same
 * answers, stay inside the worktree, never show a file a link leads to or
 * anything of .git, and cap what the model reads.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_MATCH_TIMEOUT_MS, MAX_FILE_BYTES, MAX_LINE_CHARS, MAX_MATCHES, searchTool } from '../../../../extension/src/agents/executor/searchTool';
import { runAgentLoop } from '../../../../extension/src/agents/loop/agentLoop';
import { checkToolInput, ToolInputError, type AgentTool } from '../../../../extension/src/agents/loop/tools';
import { ScriptedProvider, text, toolCall, toolResults } from '../loop/scriptedProvider';

const RG = execFileSync('which', ['rg'], { encoding: 'utf8' }).trim();
const SECRET = 'TOPSECRET outside the worktree';
/** it.each's table is built before beforeEach makes the folders: this stands for the outside file's absolute path. */
const OUTSIDE = '<outside>';

let base: string;
let tree: string;
let outside: string;

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join('/var/tmp', 'orchard-search-')));
  tree = path.join(base, 'tree');
  outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(tree, 'src', 'deep'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'settings.json'), `{"note": "${SECRET}", "needle": 1}\n`);
  fs.writeFileSync(path.join(tree, 'src', 'app.ts'), 'export const a = 1;\nexport const needle = 2;\r\n// needle again\n');
  fs.writeFileSync(path.join(tree, 'src', 'deep', 'b.ts'), 'const needle = 3;\n');
  fs.writeFileSync(path.join(tree, 'README.md'), '# Needle in upper case\n');
  fs.mkdirSync(path.join(tree, '.git', 'hooks'), { recursive: true });
  fs.writeFileSync(path.join(tree, '.git', 'config'), '[core]\n\tneedle = git\n');
  fs.writeFileSync(path.join(tree, '.gitignore'), 'ignored/\n');
  fs.mkdirSync(path.join(tree, 'ignored'));
  fs.writeFileSync(path.join(tree, 'ignored', 'x.ts'), 'needle ignored\n');
  fs.writeFileSync(path.join(tree, 'image.bin'), Buffer.concat([Buffer.from('needle'), Buffer.from([0, 1, 2])]));
  fs.writeFileSync(path.join(tree, 'huge.txt'), `needle\n${'x'.repeat(MAX_FILE_BYTES)}\n`);
  fs.symlinkSync(outside, path.join(tree, 'linked-out'));
  fs.symlinkSync(path.join(outside, 'settings.json'), path.join(tree, 'settings-link.json'));
  fs.symlinkSync(path.join(tree, '.git'), path.join(tree, 'git-link'));
  fs.symlinkSync('src/app.ts', path.join(tree, 'app-link.ts'));
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

describe.each([
  ['ripgrep', RG],
  ['the JS search', null],
] as const)('with %s', (_name, ripgrep) => {
  let tool: AgentTool<any>;
  beforeEach(() => {
    tool = searchTool({ worktree: tree, ripgrep });
  });

  const call = async (input: unknown, signal = new AbortController().signal): Promise<string> => {
    const checked = checkToolInput(tool, input);
    if (!checked.ok) throw new ToolInputError(checked.problems);
    return tool.run(checked.value, { signal, trusted: true });
  };
  const refusal = (input: unknown) =>
    call(input).then(
      (answer) => `answered: ${answer}`,
      (error: unknown) => (error instanceof ToolInputError ? error.message : `other error: ${String(error)}`),
    );

  it('finds matching lines with their paths and line numbers, in path order', async () => {
    expect(await call({ pattern: 'needle' })).toBe(['src/app.ts:2: export const needle = 2;', 'src/app.ts:3: // needle again', 'src/deep/b.ts:1: const needle = 3;'].join('\n'));
    expect(await call({ pattern: 'needle\\s=\\s\\d;$' })).toBe('src/app.ts:2: export const needle = 2;\nsrc/deep/b.ts:1: const needle = 3;');
    expect(await call({ pattern: 'needle', ignoreCase: true })).toMatch(/^README\.md:1: # Needle in upper case\n/);
    expect(await call({ pattern: 'no such text anywhere' })).toBe('No matches.');
  });

  it('searches only "path" (a folder or a file) and the files "glob" keeps', async () => {
    expect(await call({ pattern: 'needle', path: 'src/deep' })).toBe('src/deep/b.ts:1: const needle = 3;');
    expect(await call({ pattern: 'needle', path: 'src/app.ts' })).toBe('src/app.ts:2: export const needle = 2;\nsrc/app.ts:3: // needle again');
    expect(await call({ pattern: 'needle', path: path.join(tree, 'src', 'deep') })).toBe('src/deep/b.ts:1: const needle = 3;');
    expect(await call({ pattern: 'needle', glob: 'b.ts' })).toBe('src/deep/b.ts:1: const needle = 3;');
    expect(await call({ pattern: 'needle', glob: 'src/*.ts' })).toBe('src/app.ts:2: export const needle = 2;\nsrc/app.ts:3: // needle again');
    expect(await call({ pattern: 'needle', glob: '*.md', ignoreCase: true })).toBe('README.md:1: # Needle in upper case');
    // An ignored folder is still searched when asked for by name.
    expect(await call({ pattern: 'needle', path: 'ignored' })).toBe('ignored/x.ts:1: needle ignored');
  });

  it('never shows .git, links (in or out), binary, huge or ignored files when searching the root', async () => {
    const answer = await call({ pattern: 'needle|TOPSECRET|core' });
    expect(answer).not.toMatch(/TOPSECRET|settings|linked-out|\.git\/|git-link|app-link|image\.bin|huge\.txt|ignored/);
    expect(answer.split('\n')).toHaveLength(3);
    expect(await call({ pattern: 'hooks|\\[core\\]' })).toBe('No matches.');
  });

  it.each([
    ['traversal', '..', /leads outside the worktree/],
    ['traversal to a file', '../outside/settings.json', /leads outside the worktree/],
    ['an absolute path outside', OUTSIDE, /leads outside the worktree/],
    ['/etc', '/etc', /leads outside the worktree/],
    ['a linked folder out', 'linked-out', /leads outside the worktree/],
    ['a linked file out', 'settings-link.json', /leads outside the worktree/],
    ['.git', '.git', /under \.git/],
    ['a file in .git', '.git/config', /under \.git/],
    ['a link into .git', 'git-link', /leads into \.git/],
    ['a missing folder', 'nowhere', /no such file or folder/],
  ])('refuses %s with words for the model', async (_what, requested, reason) => {
    const where = requested === OUTSIDE ? path.join(outside, 'settings.json') : requested;
    const answer = await refusal({ pattern: 'needle|TOPSECRET|core', path: where });
    expect(answer).toMatch(reason);
    expect(answer).not.toContain('TOPSECRET');
  });

  it('caps the answer at the line and character limits and says how many more there were', async () => {
    fs.writeFileSync(path.join(tree, 'many.txt'), Array.from({ length: MAX_MATCHES + 50 }, (_, i) => `hit ${i}`).join('\n'));
    const many = (await call({ pattern: '^hit', path: 'many.txt' })).split('\n');
    expect(many).toHaveLength(MAX_MATCHES + 1);
    expect(many[0]).toBe('many.txt:1: hit 0');
    expect(many.at(-1)).toMatch(/^\[… 50 more matching lines not shown/);

    fs.writeFileSync(path.join(tree, 'wide.txt'), Array.from({ length: 100 }, (_, i) => `wide ${i} ${'w'.repeat(1000)}`).join('\n'));
    const wide = await call({ pattern: 'wide', path: 'wide.txt' });
    expect(wide.length).toBeLessThanOrEqual(20_000 + 300);
    const lines = wide.split('\n');
    const shown = lines.length - 1;
    expect(lines[0]!.length).toBeLessThanOrEqual('wide.txt:1: '.length + MAX_LINE_CHARS + 10);
    expect(lines[0]).toMatch(/ \[…\]$/);
    expect(lines.at(-1)).toContain(`[… ${100 - shown} more matching lines not shown`);
  });

  it('names an invalid pattern, and searches it as text with "literal"', async () => {
    expect(await refusal({ pattern: 'needle(' })).toMatch(/"pattern" "needle\(" is not a valid JavaScript regular expression/);
    fs.writeFileSync(path.join(tree, 'calls.ts'), 'f(needle(\n');
    expect(await call({ pattern: 'needle(', literal: true })).toBe('calls.ts:1: f(needle(');
    expect(await refusal({ pattern: '' })).toMatch(/pattern/);
  });

  it('takes JavaScript-only syntax (look-behind, back-references)', async () => {
    expect(await call({ pattern: '(?<=export const )needle' })).toBe('src/app.ts:2: export const needle = 2;');
    fs.writeFileSync(path.join(tree, 'twice.txt'), 'abab\nabba\n');
    expect(await call({ pattern: '^(ab)\\1$' })).toBe('twice.txt:1: abab');
  });

  it('stops when the operation is stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await call({ pattern: 'needle' }, controller.signal)).toMatch(/\[The search stopped early: it was stopped; there may be more matches\.\]$/);
  });
});

describe('pattern time and the choice of engine', () => {
  it('the JS search gives up on a backtracking pattern, naming it, instead of hanging', async () => {
    fs.writeFileSync(path.join(tree, 'aaa.txt'), `${'a'.repeat(40)}b\n`);
    const tool = searchTool({ worktree: tree, ripgrep: null });
    const started = Date.now();
    await expect(tool.run({ pattern: '(a+)+$', path: 'aaa.txt' }, { signal: new AbortController().signal, trusted: true })).rejects.toThrow(/"\(a\+\)\+\$" took more than 1 s on aaa\.txt/);
    expect(Date.now() - started).toBeLessThan(FILE_MATCH_TIMEOUT_MS + 2000);
    // ripgrep's engine is linear: the same pattern simply answers (the line ends in "b": no match).
    const rg = searchTool({ worktree: tree, ripgrep: RG });
    const rgStarted = Date.now();
    expect(await rg.run({ pattern: '(a+)+$', path: 'aaa.txt' }, { signal: new AbortController().signal, trusted: true })).toBe('No matches.');
    expect(await rg.run({ pattern: '(a+)+b$', path: 'aaa.txt' }, { signal: new AbortController().signal, trusted: true })).toBe(`aaa.txt:1: ${'a'.repeat(40)}b`);
    expect(Date.now() - rgStarted).toBeLessThan(FILE_MATCH_TIMEOUT_MS);
  });

  it('finds ripgrep on PATH by default, and falls back to the JS search when it cannot start', async () => {
    const signal = new AbortController().signal;
    expect(await searchTool({ worktree: tree }).run({ pattern: 'const needle' }, { signal, trusted: true })).toBe('src/app.ts:2: export const needle = 2;\nsrc/deep/b.ts:1: const needle = 3;');
    expect(await searchTool({ worktree: tree, ripgrep: path.join(base, 'no-rg') }).run({ pattern: 'const needle' }, { signal, trusted: true })).toBe(
      'src/app.ts:2: export const needle = 2;\nsrc/deep/b.ts:1: const needle = 3;',
    );
  });

  it('goes back to the model as is_error results through the agent loop', async () => {
    const provider = new ScriptedProvider([toolCall('search', { pattern: '[' }), toolCall('search', { pattern: 'needle', path: 'linked-out' }), toolCall('search', { pattern: 'b = ' }), text('done')]);
    const result = await runAgentLoop({
      provider,
      model: 'claude-test',
      system: [{ text: 'test', cache: true }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'search' }] }],
      tools: [searchTool({ worktree: tree, ripgrep: RG })],
      trusted: false, // a read tool: offered in Restricted Mode too
      maxIterations: 5,
      budgetTokens: Infinity,
      maxTokens: 1024,
      signal: new AbortController().signal,
      onEvent: () => undefined,
    });
    expect(result.outcome).not.toBe('failed');
    expect(toolResults(provider.requests[1])[0]).toMatchObject({ isError: true, content: expect.stringMatching(/"pattern" "\[" is not a valid JavaScript regular expression/) });
    expect(toolResults(provider.requests[2])[0]).toMatchObject({ isError: true, content: expect.stringMatching(/leads outside the worktree/) });
    expect(toolResults(provider.requests[3])[0]).toEqual({ type: 'tool_result', toolUseId: expect.any(String), content: 'No matches.' });
  });
});
