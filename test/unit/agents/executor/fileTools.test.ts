/**
 * The executor's file tools on a real folder: what they do inside the
 * worktree, and a corpus of escape attempts that must all be refused with
 * words for the model while the folder outside stays byte-for-byte as it was.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTools, MAX_READ_CHARS, MAX_WRITE_BYTES } from '../../../../extension/src/agents/executor/fileTools';
import { pathSpellingProblem } from '../../../../extension/src/agents/executor/worktreePath';
import { checkToolInput, ToolInputError, type AgentTool } from '../../../../extension/src/agents/loop/tools';

let base: string;
let tree: string;
let outside: string;
let tools: Map<string, AgentTool<any>>;

/** Every file under `dir` with its content, links as `-> target`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const key = path.relative(dir, p);
      if (e.isSymbolicLink()) out[key] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else out[key] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

async function call(name: string, input: unknown): Promise<string> {
  const tool = tools.get(name)!;
  const checked = checkToolInput(tool, input);
  if (!checked.ok) throw new ToolInputError(checked.problems);
  return tool.run(checked.value, { signal: new AbortController().signal, trusted: true });
}

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-filetools-')));
  tree = path.join(base, 'tree');
  outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(tree, 'src'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'settings.json'), '{"secret": true}\n');
  fs.writeFileSync(path.join(tree, 'src', 'app.ts'), 'export const a = 1;\nexport const b = 2;\n');
  // A worktree's .git is a file naming the real git folder; here a folder with a hook, as in a main checkout.
  fs.mkdirSync(path.join(tree, '.git', 'hooks'), { recursive: true });
  fs.writeFileSync(path.join(tree, '.git', 'config'), '[core]\n');
  fs.symlinkSync(outside, path.join(tree, 'linked-out'));
  fs.symlinkSync(path.join(outside, 'settings.json'), path.join(tree, 'settings-link.json'));
  fs.symlinkSync(path.join(base, 'nowhere'), path.join(tree, 'dangling'));
  fs.symlinkSync(path.join(tree, '.git'), path.join(tree, 'git-link'));
  fs.symlinkSync('src/app.ts', path.join(tree, 'app-link.ts'));
  tools = new Map(fileTools(tree).map((t) => [t.name, t]));
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

describe('inside the worktree', () => {
  it('reads, writes (making folders), edits and lists', async () => {
    expect(await call('read_file', { path: 'src/app.ts' })).toBe('export const a = 1;\nexport const b = 2;\n');
    expect(await call('write_file', { path: 'src/deep/new/file.ts', content: 'x\n' })).toBe('Wrote src/deep/new/file.ts (2 bytes).');
    expect(fs.readFileSync(path.join(tree, 'src/deep/new/file.ts'), 'utf8')).toBe('x\n');
    expect(await call('edit_file', { path: 'src/app.ts', old: 'b = 2', new: 'b = 3' })).toBe('Edited src/app.ts.');
    expect(fs.readFileSync(path.join(tree, 'src/app.ts'), 'utf8')).toBe('export const a = 1;\nexport const b = 3;\n');
    const listing = await call('list_files', {});
    expect(listing.split('\n')).toContain('src/');
    expect(listing).not.toMatch(/^\.git/m);
    // An absolute path inside the worktree, and a link that stays inside it, are fine.
    expect(await call('read_file', { path: path.join(tree, 'src', 'app.ts') })).toContain('b = 3');
    expect(await call('read_file', { path: 'app-link.ts' })).toContain('b = 3');
    expect(fs.readdirSync(path.join(tree, 'src')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('says why an edit did not apply, and changes nothing', async () => {
    const before = fs.readFileSync(path.join(tree, 'src/app.ts'), 'utf8');
    await expect(call('edit_file', { path: 'src/app.ts', old: 'c = 3', new: 'x' })).rejects.toThrow(/"old" was not found/);
    await expect(call('edit_file', { path: 'src/app.ts', old: 'export const', new: 'x' })).rejects.toThrow(/occurs more than once \(at least at characters 0 and 20\)/);
    await expect(call('edit_file', { path: 'src/app.ts', old: '', new: 'x' })).rejects.toThrow(ToolInputError);
    await expect(call('edit_file', { path: 'src/missing.ts', old: 'a', new: 'b' })).rejects.toThrow(/no such file or folder/);
    expect(fs.readFileSync(path.join(tree, 'src/app.ts'), 'utf8')).toBe(before);
  });

  it('pages long files, refuses binary ones and oversized writes', async () => {
    fs.writeFileSync(path.join(tree, 'big.txt'), 'y'.repeat(MAX_READ_CHARS + 10));
    const first = await call('read_file', { path: 'big.txt' });
    expect(first).toMatch(new RegExp(`characters 0–${MAX_READ_CHARS} of ${MAX_READ_CHARS + 10}; read on with offset ${MAX_READ_CHARS}\\]$`));
    expect(await call('read_file', { path: 'big.txt', offset: MAX_READ_CHARS })).toBe('y'.repeat(10));
    fs.writeFileSync(path.join(tree, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    await expect(call('read_file', { path: 'image.png' })).rejects.toThrow(/a binary file \(8 bytes\), not read/);
    await expect(call('write_file', { path: 'huge.txt', content: 'z'.repeat(MAX_WRITE_BYTES + 1) })).rejects.toThrow(/more than the/);
    expect(fs.existsSync(path.join(tree, 'huge.txt'))).toBe(false);
  });
});

describe('escape attempts', () => {
  const attempts: Array<[string, string, RegExp]> = [
    ['traversal', '../outside/settings.json', /leads outside the worktree/],
    ['traversal from a folder', 'src/../../outside/settings.json', /leads outside the worktree/],
    ['an absolute path outside', '/etc/passwd', /leads outside the worktree/],
    ['a linked folder out', 'linked-out/settings.json', /leads outside the worktree/],
    ['a linked file out', 'settings-link.json', /leads outside the worktree/],
    ['a new file under a linked folder', 'linked-out/new.txt', /leads outside the worktree/],
    ['a dangling link', 'dangling', /leads outside the worktree/],
    ['a hook', '.git/hooks/pre-commit', /under \.git/],
    ['git config', '.git/config', /under \.git/],
    ['.GIT in upper case', '.GIT/config', /under \.git/],
    ['a nested .git', 'src/.git/config', /under \.git/],
    ['a link into .git', 'git-link/hooks/post-checkout', /leads into \.git/],
    ['a NUL byte', 'src/app.ts\0.png', /NUL byte/],
    ['a Windows path', 'C:\\Windows\\system.ini', /backslash/],
    ['a drive path', 'C:/Windows/system.ini', /Windows drive/],
    ['a UNC path', '\\\\server\\share\\x', /backslash/],
    ['backslash traversal', '..\\outside\\settings.json', /backslash/],
    ['an empty path', '   ', /empty/],
  ];

  it.each(attempts)('%s is refused by every tool, and nothing outside changes', async (_what, requested, reason) => {
    const before = snapshot(base);
    const calls: Array<[string, unknown]> = [
      ['read_file', { path: requested }],
      ['write_file', { path: requested, content: 'pwned\n' }],
      ['edit_file', { path: requested, old: 'secret', new: 'pwned' }],
      ['list_files', { path: requested }],
    ];
    for (const [name, input] of calls) {
      const error = await call(name, input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${name} ${JSON.stringify(requested)}`).toBeInstanceOf(ToolInputError);
      expect((error as Error).message, name).toMatch(reason);
    }
    expect(snapshot(base)).toEqual(before);
  });

  it('spelling checks are pure and name the problem', () => {
    expect(pathSpellingProblem('src/app.ts')).toBeUndefined();
    expect(pathSpellingProblem('docs/.gitignore')).toBeUndefined();
    expect(pathSpellingProblem('a'.repeat(5000))).toMatch(/longer than 4096/);
  });
});
