import { describe, expect, it } from 'vitest';
import {
  memoryCompletions,
  memoryDefinition,
  memoryHover,
  memorySymbols,
} from '../../../extension/src/core/memory/memoryService';
import { abs, HOME, workspace } from './memoryTestFs';

const files = {
  'CLAUDE.md': '',
  'docs/guide.md': '# Guide\n\n## Getting Started\nInstall it.\n',
  'docs/api/endpoints.md': '# Endpoints\n',
  'docs/logo.png': 'png',
  'context/CURRENT_STATUS.md': Array.from({ length: 20 }, (_, i) => `status line ${i + 1}`).join('\n'),
  [`${HOME}/.claude/me.md`]: '# Me\n',
  'node_modules/x/index.js': '',
};

describe('memoryCompletions', () => {
  it('offers the folder entries after `@`, replacing the name typed so far, Markdown first', () => {
    const text = 'See @docs/gu';
    const items = memoryCompletions(abs('CLAUDE.md'), text, { line: 0, character: text.length }, workspace(files));
    expect(items.map((item) => [item.label, item.kind, item.sortText])).toEqual([
      ['api/', 'folder', '1api'],
      ['guide.md', 'file', '0guide.md'],
      ['logo.png', 'file', '2logo.png'],
    ]);
    expect(items[1]?.range).toEqual({ start: { line: 0, character: 10 }, end: { line: 0, character: 12 } });
    expect(items[1]?.detail).toBe('docs/guide.md');
  });

  it('lists the file’s own folder for a bare `@`, hides node_modules and .git, and resolves `~/`', () => {
    const ctx = workspace(files);
    expect(memoryCompletions(abs('CLAUDE.md'), '@', { line: 0, character: 1 }, ctx).map((item) => item.label)).toEqual([
      'CLAUDE.md',
      'context/',
      'docs/',
    ]);
    expect(memoryCompletions(abs('CLAUDE.md'), '@~/.claude/', { line: 0, character: 11 }, ctx).map((item) => item.label)).toEqual(['me.md']);
  });

  it('completes link targets, and nothing in code, e-mail addresses or URLs', () => {
    const ctx = workspace(files);
    expect(memoryCompletions(abs('CLAUDE.md'), '[api](docs/api/', { line: 0, character: 15 }, ctx).map((item) => item.label)).toEqual(['endpoints.md']);
    expect(memoryCompletions(abs('CLAUDE.md'), '```\n@docs/', { line: 1, character: 6 }, ctx)).toEqual([]);
    expect(memoryCompletions(abs('CLAUDE.md'), '`@docs/`', { line: 0, character: 7 }, ctx)).toEqual([]);
    expect(memoryCompletions(abs('CLAUDE.md'), 'me@docs/', { line: 0, character: 8 }, ctx)).toEqual([]);
    expect(memoryCompletions(abs('CLAUDE.md'), '[x](https://', { line: 0, character: 12 }, ctx)).toEqual([]);
  });
});

describe('script completion', () => {
  it('offers the scripts of the nearest package.json after npm run, pnpm and yarn run, in prose or code', () => {
    const ctx = workspace({ ...files, 'package.json': JSON.stringify({ scripts: { build: 'tsc -p .', 'test:unit': 'vitest run' } }) });
    for (const text of ['Run `npm run te', '```sh\npnpm te', 'then yarn run te']) {
      const lines = text.split('\n');
      const line = lines.length - 1;
      const items = memoryCompletions(abs('CLAUDE.md'), text, { line, character: lines[line]!.length }, ctx);
      expect(items.map((item) => [item.label, item.kind, item.detail])).toEqual([
        ['build', 'value', 'tsc -p .'],
        ['test:unit', 'value', 'vitest run'],
      ]);
      expect(items[0]?.range).toEqual({ start: { line, character: lines[line]!.length - 2 }, end: { line, character: lines[line]!.length } });
    }
    expect(memoryCompletions(abs('CLAUDE.md'), 'npm run ', { line: 0, character: 8 }, workspace(files))).toEqual([]);
  });
});

describe('memoryHover', () => {
  it('shows the first lines of an imported file', () => {
    const text = '# Root\n@context/CURRENT_STATUS.md\n';
    const hover = memoryHover(abs('CLAUDE.md'), text, { line: 1, character: 5 }, workspace(files));
    expect(hover?.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 26 } });
    const expectedLines = Array.from({ length: 12 }, (_, i) => `status line ${i + 1}`).join('\n');
    expect(hover?.contents).toBe(`**context/CURRENT_STATUS.md**\n\n\`\`\`markdown\n${expectedLines}\n\`\`\`\n\n… 8 more lines`);
  });

  it('shows the command line of a script named after npm run', () => {
    const ctx = workspace({ ...files, 'package.json': JSON.stringify({ scripts: { build: 'tsc -p .' } }) });
    expect(memoryHover(abs('CLAUDE.md'), 'Run `npm run build` first.', { line: 0, character: 15 }, ctx)).toEqual({
      contents: '**build** — script of package.json\n\n```sh\ntsc -p .\n```',
      range: { start: { line: 0, character: 13 }, end: { line: 0, character: 18 } },
    });
    expect(memoryHover(abs('CLAUDE.md'), 'Run `npm run nope` first.', { line: 0, character: 15 }, ctx)).toBeUndefined();
  });

  it('says when the import is missing, and gives nothing away from imports and links', () => {
    const ctx = workspace(files);
    expect(memoryHover(abs('CLAUDE.md'), '@docs/none.md', { line: 0, character: 3 }, ctx)?.contents).toBe('**docs/none.md** — not found');
    expect(memoryHover(abs('CLAUDE.md'), 'plain text', { line: 0, character: 3 }, ctx)).toBeUndefined();
  });
});

describe('memoryDefinition', () => {
  it('goes from an import to the file, and from a link with #fragment to the heading', () => {
    const ctx = workspace(files);
    expect(memoryDefinition(abs('CLAUDE.md'), 'x @docs/guide.md', { line: 0, character: 4 }, ctx)).toEqual({
      path: abs('docs/guide.md'),
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });
    expect(memoryDefinition(abs('CLAUDE.md'), '[start](docs/guide.md#getting-started)', { line: 0, character: 12 }, ctx)).toEqual({
      path: abs('docs/guide.md'),
      range: { start: { line: 2, character: 3 }, end: { line: 2, character: 18 } },
    });
    expect(memoryDefinition(abs('CLAUDE.md'), '@docs/none.md', { line: 0, character: 3 }, ctx)).toBeUndefined();
  });
});

describe('memorySymbols', () => {
  it('nests Markdown sections by level, each ranging to its end, and skips headings in code', () => {
    const text = ['# Title', 'intro', '## One', '### One.a', '```', '# not a heading', '```', '## Two', 'Setext', '------', 'end'].join('\n');
    const symbols = memorySymbols(abs('CLAUDE.md'), text);
    const shape = (list: typeof symbols): unknown =>
      list.map((s) => [s.name, s.range.start.line, s.range.end.line, s.selectionRange.start.character, shape(s.children ?? [])]);
    expect(shape(symbols)).toEqual([
      [
        'Title',
        0,
        10,
        2,
        [
          ['One', 2, 6, 3, [['One.a', 3, 6, 4, []]]],
          ['Two', 7, 7, 3, []],
          ['Setext', 8, 10, 0, []],
        ],
      ],
    ]);
    expect(symbols[0]?.kind).toBe('section');
  });
});
