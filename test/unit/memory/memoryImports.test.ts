import { describe, expect, it } from 'vitest';
import { memoryDependencies, validateMemory } from '../../../extension/src/core/memory/memoryService';
import { abs, HOME, workspace } from './memoryTestFs';

function codes(files: Record<string, string>, file = 'CLAUDE.md') {
  const ctx = workspace(files);
  return validateMemory(abs(file), files[file] ?? '', ctx);
}

describe('memory/import-not-found', () => {
  it('reports a missing relative import at the exact `@path` range, with a fix that creates the file', () => {
    const text = '# Project\n\nSee @docs/missing-notes.md for details.\n';
    const [diagnostic, ...rest] = codes({ 'CLAUDE.md': text });
    expect(rest).toEqual([]);
    expect(diagnostic).toEqual({
      range: { start: { line: 2, character: 4 }, end: { line: 2, character: 26 } },
      severity: 'error',
      code: 'memory/import-not-found',
      message: 'imported file "docs/missing-notes.md" does not exist',
      fixes: [
        {
          title: 'Create docs/missing-notes.md',
          fixes: 'memory/import-not-found',
          isPreferred: true,
          createFiles: [{ path: abs('docs/missing-notes.md'), content: '# Missing notes\n' }],
        },
      ],
    });
  });

  it('resolves relative to the importing file, `~` to the home folder, and absolute paths as they are', () => {
    const files = {
      'packages/api/CLAUDE.md': '@../../shared/style.md\n@~/.claude/personal.md\n@/etc/orchard/team.md\n@./local.md\n',
      'shared/style.md': '# Style\n',
      [`${HOME}/.claude/personal.md`]: '# Mine\n',
      '/etc/orchard/team.md': '# Team\n',
      'packages/api/local.md': '# Local\n',
    };
    expect(codes(files, 'packages/api/CLAUDE.md')).toEqual([]);
    const missingHome: Record<string, string> = { ...files };
    delete missingHome[`${HOME}/.claude/personal.md`];
    const diagnostics = codes(missingHome, 'packages/api/CLAUDE.md');
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.message])).toEqual([
      ['memory/import-not-found', 1, `imported file "~/.claude/personal.md" does not exist (looked for ${HOME}/.claude/personal.md)`],
    ]);
  });

  it('reads a one-segment import with a file extension, such as @AGENTS.md', () => {
    expect(codes({ 'CLAUDE.md': '# Claude\n@AGENTS.md\n@README\n' }).map((d) => [d.code, d.message])).toEqual([
      ['memory/import-not-found', 'imported file "AGENTS.md" does not exist'],
    ]);
  });

  it('says so when an import names a folder', () => {
    expect(codes({ 'CLAUDE.md': '@./docs/\n', 'docs/a.md': '# A' }).map((d) => [d.code, d.message, d.fixes])).toEqual([
      ['memory/import-not-found', '"./docs/" is a folder; an import names a file', undefined],
    ]);
  });

  it('gives the same ranges in a file with CRLF line ends', () => {
    const diagnostics = codes({ 'CLAUDE.md': '# Project\r\n\r\nSee @docs/missing.md\r\n' });
    expect(diagnostics.map((d) => d.range)).toEqual([{ start: { line: 2, character: 4 }, end: { line: 2, character: 20 } }]);
  });

  it('drops trailing sentence punctuation from the path', () => {
    const diagnostics = codes({ 'CLAUDE.md': 'Read @docs/a.md, then @docs/b.md.\n', 'docs/a.md': 'a', 'docs/b.md': 'b' });
    expect(diagnostics).toEqual([]);
  });

  it('is not fooled by e-mail addresses, npm scopes, mentions, versions, code spans or fenced blocks', () => {
    const text = [
      '# Notes',
      'Mail ops@example.com or ping @alice and @platform-team.',
      'Install @types/node and @anthropic-ai/sdk@1.11.0; we use @v1.2 and @2x.',
      'Reach us at @example.com.',
      'Inline `@docs/not-an-import.md` stays code.',
      '```md',
      '@docs/inside-fence.md',
      '```',
      '~~~',
      '@docs/inside-tilde-fence.md',
      '~~~',
      'Paragraph before indented code:',
      '',
      '    @docs/indented-code.md',
      '',
      'An@docs/glued.md is not after whitespace.',
      'Parked: <!-- @docs/old.md --> and a block:',
      '<!--',
      '@docs/older.md [old](docs/old.md)',
      '-->',
      '- a list',
      '  - nested',
      '',
      '        ```',
      '        @docs/in-nested-fence.md',
      '        ```',
      'Line refs @src/app.ts:42, globs @src/**/*.ts and @babel/*, placeholders @<file> and @${NAME}/x.md.',
      '# @nodelib/fs.stat and @pkgjs/parseArgs are packages',
      'Python: @app.route(\'/users\') and @pytest.fixture; CSS: @media and @import url(x.css).',
      'The alias @/components maps to src/components, @/lib/utils to src/lib/utils, @app/shared/ui to libs/ui.',
    ].join('\n');
    expect(codes({ 'CLAUDE.md': text })).toEqual([]);
  });

  it('reads paths with an extension in any folder, and relative paths without one', () => {
    const text = '@app/shared/notes.adoc\n@./Makefile\n@/etc/team.md\n';
    expect(codes({ 'CLAUDE.md': text }).map((d) => d.range.start.line)).toEqual([0, 1, 2]);
  });

  it('still reads an import in a nested list item indented four spaces', () => {
    const text = '- parent\n\n    - child @docs/gone.md\n';
    expect(codes({ 'CLAUDE.md': text }).map((d) => d.code)).toEqual(['memory/import-not-found']);
  });
});

describe('memory/import-cycle', () => {
  it('reports the import that leads back to this file and spells out the cycle', () => {
    const files = {
      'CLAUDE.md': '# Root\n@docs/a.md\n',
      'docs/a.md': '# A\n@b.md\n',
      'docs/b.md': '# B\nBack to @../CLAUDE.md\n',
    };
    const [diagnostic, ...rest] = codes(files);
    expect(rest).toEqual([]);
    expect(diagnostic?.code).toBe('memory/import-cycle');
    expect(diagnostic?.severity).toBe('warning');
    expect(diagnostic?.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 10 } });
    expect(diagnostic?.message).toBe('import cycle: CLAUDE.md → docs/a.md → docs/b.md → CLAUDE.md');
    expect(diagnostic?.related).toEqual([
      { location: { path: abs('docs/a.md'), range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } } }, message: 'docs/a.md imports docs/b.md' },
      { location: { path: abs('docs/b.md'), range: { start: { line: 1, character: 8 }, end: { line: 1, character: 21 } } }, message: 'docs/b.md imports CLAUDE.md' },
    ]);
  });

  it('reports a file that imports itself', () => {
    const diagnostics = codes({ 'CLAUDE.md': '@./CLAUDE.md\n' });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['memory/import-cycle', 'import cycle: CLAUDE.md → CLAUDE.md']]);
  });

  it('leaves a cycle that does not pass through this file to the files on it', () => {
    const files = { 'CLAUDE.md': '@docs/a.md\n', 'docs/a.md': '@b.md\n', 'docs/b.md': '@a.md\n' };
    expect(codes(files)).toEqual([]);
    expect(codes(files, 'docs/a.md').map((d) => d.message)).toEqual(['import cycle: docs/a.md → docs/b.md → docs/a.md']);
  });
});

describe('memory/import-too-deep', () => {
  const chain = (length: number) => {
    const files: Record<string, string> = { 'CLAUDE.md': '# Root\n@d/1.md\n' };
    for (let i = 1; i <= length; i++) files[`d/${i}.md`] = i < length ? `@${i + 1}.md\n` : '# end\n';
    return files;
  };

  it('allows five hops', () => {
    expect(codes(chain(5))).toEqual([]);
  });

  it('reports the first-hop import whose chain reaches hop six, naming the chain', () => {
    const [diagnostic, ...rest] = codes(chain(6));
    expect(rest).toEqual([]);
    expect(diagnostic?.code).toBe('memory/import-too-deep');
    expect(diagnostic?.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
    expect(diagnostic?.message).toBe(
      'imports past 5 hops are not loaded: CLAUDE.md → d/1.md → d/2.md → d/3.md → d/4.md → d/5.md → d/6.md is hop 6',
    );
  });

  it('counts hops from the file being validated', () => {
    expect(codes(chain(6), 'd/1.md')).toEqual([]);
  });
});

describe('memoryDependencies', () => {
  it('lists imports transitively (also missing ones), linked files, the package files consulted and the schema', () => {
    const files = {
      'packages/web/CLAUDE.md': '@notes.md\nRun `npm run build`. See [guide](../../docs/guide.md).\n',
      'packages/web/notes.md': '@deeper.md\n',
      'package.json': '{"scripts":{"build":"tsc"}}',
    };
    const ctx = workspace(files);
    expect(memoryDependencies(abs('packages/web/CLAUDE.md'), files['packages/web/CLAUDE.md'], ctx)).toEqual(
      [
        abs('.orchard/schema.yaml'),
        abs('docs/guide.md'),
        abs('package.json'),
        abs('packages/package.json'),
        abs('packages/web/deeper.md'),
        abs('packages/web/notes.md'),
        abs('packages/web/package.json'),
        abs('pnpm-workspace.yaml'),
      ].sort(),
    );
  });
});
