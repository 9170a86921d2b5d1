import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProjectMemory, renderProjectMemory, utf8Prefix } from '../../../../extension/src/agents/loop/projectMemoryPrompt';
import { loadRolePrompt } from '../../../../extension/src/agents/loop/rolePrompts';
import '../../hostile/exposeGc';
import { measureAsync } from '../../hostile/bounds';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'orchard-memory-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

describe('readProjectMemory', () => {
  it('reads CLAUDE.md, AGENTS.md and context/*.md in that order, skipping blank and missing files', async () => {
    write('AGENTS.md', 'agents');
    write('CLAUDE.md', 'claude');
    write('context/b.md', 'b');
    write('context/a.md', 'a');
    write('context/notes.txt', 'not markdown');
    write('context/empty.md', '  \n');
    const files = await readProjectMemory(root);
    expect(files.map((f) => f.file)).toEqual(['CLAUDE.md', 'AGENTS.md', 'context/a.md', 'context/b.md']);
    expect(files[0]).toEqual({ file: 'CLAUDE.md', text: 'claude', bytes: 6, keptBytes: 6, cutBy: null });
  });

  it('is empty for a workspace without memory, and renders to nothing', async () => {
    expect(await readProjectMemory(root)).toEqual([]);
    expect(renderProjectMemory([])).toBeNull();
  });

  it('caps each file and all files together, and says what was cut', async () => {
    const limits = { perFileBytes: 100, totalBytes: 250 };
    write('CLAUDE.md', 'c'.repeat(180));
    write('AGENTS.md', 'a'.repeat(90));
    write('context/x.md', 'x'.repeat(120));
    write('context/y.md', 'y'.repeat(10));
    const files = await readProjectMemory(root, limits);
    expect(files.map((f) => [f.file, f.keptBytes, f.cutBy])).toEqual([
      ['CLAUDE.md', 100, 'file-cap'],
      ['AGENTS.md', 90, null],
      ['context/x.md', 60, 'total-cap'],
      ['context/y.md', 0, 'total-cap'],
    ]);
    const text = renderProjectMemory(files, limits)!;
    expect(text).toContain('[Truncated: CLAUDE.md has 180 bytes; the first 100 are shown (the 100-byte cap per file).]');
    expect(text).toContain('[Truncated: context/x.md has 120 bytes; the first 60 are shown (the 250-byte cap on all memory).]');
    expect(text).toContain('[Truncated: context/y.md has 10 bytes; the first 0 are shown (the 250-byte cap on all memory).]');
    expect(text).not.toContain('c'.repeat(101));
    expect(Buffer.byteLength(files.map((f) => f.text).join(''))).toBe(250);
  });

  it('uses 16 KB per file and 48 KB in all by default', async () => {
    write('CLAUDE.md', 'c'.repeat(20_000));
    for (const name of ['a', 'b', 'c', 'd']) write(`context/${name}.md`, name.repeat(15_000));
    const files = await readProjectMemory(root);
    expect(files[0]?.keptBytes).toBe(16 * 1024);
    expect(files.reduce((sum, f) => sum + f.keptBytes, 0)).toBe(48 * 1024);
  });

  it('reads only what the cap keeps: a 3 GiB CLAUDE.md costs 16 KiB, and says it was cut', async () => {
    // A sparse file, 3 GiB long with nothing written past its first line. Read whole it cannot even
    // be a string (node refuses files over 2 GiB); a 200 MB one would cost 200 MB before the cap.
    const file = path.join(root, 'CLAUDE.md');
    writeFileSync(file, '# Notes\n');
    truncateSync(file, 3 * 1024 ** 3);
    const { result: files, heapMb, ms } = await measureAsync(() => readProjectMemory(root));
    expect(files[0]).toMatchObject({ file: 'CLAUDE.md', bytes: 3 * 1024 ** 3, keptBytes: 16 * 1024, cutBy: 'file-cap' });
    expect(files[0]!.text.startsWith('# Notes\n')).toBe(true);
    expect(renderProjectMemory(files)).toContain('[Truncated: CLAUDE.md has 3,221,225,472 bytes; the first 16,384 are shown (the 16,384-byte cap per file).]');
    expect(heapMb, `${heapMb.toFixed(1)} MiB kept`).toBeLessThan(20);
    expect(ms).toBeLessThan(2000);
  });

  it('never cuts a character in half when reading from disk either', async () => {
    write('CLAUDE.md', 'a'.repeat(99) + 'é' + '😀'.repeat(10));
    const [cut] = await readProjectMemory(root, { perFileBytes: 100, totalBytes: 1000 });
    expect(cut).toMatchObject({ text: 'a'.repeat(99), keptBytes: 99, bytes: 141, cutBy: 'file-cap' });
    const [emoji] = await readProjectMemory(root, { perFileBytes: 103, totalBytes: 1000 });
    expect(emoji).toMatchObject({ text: 'a'.repeat(99) + 'é', keptBytes: 101 });
  });

  it('never cuts a character in half', () => {
    expect(utf8Prefix('aé', 2)).toEqual({ text: 'a', bytes: 1 });
    expect(utf8Prefix('a😀b', 4)).toEqual({ text: 'a', bytes: 1 });
    expect(utf8Prefix('a😀b', 5)).toEqual({ text: 'a😀', bytes: 5 });
    expect(utf8Prefix('abc', 10)).toEqual({ text: 'abc', bytes: 3 });
  });

  it('skips a memory file that links outside the workspace', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'orchard-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.md'), 'not for the model');
      symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'CLAUDE.md'));
      write('AGENTS.md', 'inside');
      expect((await readProjectMemory(root)).map((f) => f.file)).toEqual(['AGENTS.md']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('loadRolePrompt', () => {
  const promptsDir = () => path.join(root, 'shipped');
  beforeEach(() => {
    mkdirSync(promptsDir());
    writeFileSync(path.join(promptsDir(), 'architect.md'), 'shipped prompt');
  });

  it('prefers a trusted workspace override, and ignores a blank one', async () => {
    write('.orchard/prompts/architect.md', 'override');
    expect(await loadRolePrompt('architect', { workspaceRoot: root, trusted: true, promptsDir: promptsDir() })).toEqual({
      text: 'override',
      origin: 'workspace',
      file: '.orchard/prompts/architect.md',
    });
    write('.orchard/prompts/architect.md', '\n');
    expect((await loadRolePrompt('architect', { workspaceRoot: root, trusted: true, promptsDir: promptsDir() })).origin).toBe('bundled');
  });

  it('never reads an override that links out of the workspace', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'orchard-prompt-outside-'));
    try {
      writeFileSync(path.join(outside, 'architect.md'), 'not for the model');
      mkdirSync(path.join(root, '.orchard', 'prompts'), { recursive: true });
      symlinkSync(path.join(outside, 'architect.md'), path.join(root, '.orchard', 'prompts', 'architect.md'));
      expect((await loadRolePrompt('architect', { workspaceRoot: root, trusted: true, promptsDir: promptsDir() })).text).toBe('shipped prompt');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('never reads the override in an untrusted workspace', async () => {
    write('.orchard/prompts/architect.md', 'override');
    expect((await loadRolePrompt('architect', { workspaceRoot: root, trusted: false, promptsDir: promptsDir() })).text).toBe('shipped prompt');
  });

  it('refuses a role name that could leave the prompts folder', async () => {
    await expect(loadRolePrompt('../secrets', { workspaceRoot: root, trusted: true, promptsDir: promptsDir() })).rejects.toThrow(/Unknown agent role "\.\.\/secrets"/);
  });

  it('finds the shipped prompts folder by default', async () => {
    expect((await loadRolePrompt('architect', { workspaceRoot: null, trusted: true })).text).toMatch(/^# Architect/);
  });
});
