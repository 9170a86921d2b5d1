import picomatch from 'picomatch/posix';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMORY_GLOBS,
  DEFAULT_TREE_GLOBS,
  MEMORY_DIAGNOSTIC_CODES,
  memoryDependencies,
  memoryKindOf,
  validateMemory,
} from '../../../extension/src/core/memory/memoryService';
import { parseProjectSchema } from '../../../extension/src/core/projectSchema/projectSchema';
import { abs, workspace } from './memoryTestFs';

const KINDS: [string, string][] = [
  ['CLAUDE.md', 'claude'],
  ['packages/api/CLAUDE.md', 'claude'],
  ['.claude/CLAUDE.md', 'claude'],
  ['CLAUDE.local.md', 'claude-local'],
  ['web/AGENTS.md', 'agents'],
  ['AGENTS.override.md', 'agents-override'],
  ['.claude/rules/api.md', 'claude-rule'],
  ['.claude/rules/web/forms.md', 'claude-rule'],
  ['context/CURRENT_STATUS.md', 'context'],
  ['.cursor/rules/ts.mdc', 'cursor-rule'],
  ['.github/copilot-instructions.md', 'copilot'],
  ['.github/instructions/ts.instructions.md', 'copilot-instructions'],
  ['.github/instructions/web/css.instructions.md', 'copilot-instructions'],
  ['.orchard/plans/login.md', 'orchard-plan'],
  ['.orchard/knowledge/git.md', 'orchard-knowledge'],
  ['.orchard/reviews/r1.md', 'orchard-review'],
  ['docs/team-notes.md', 'other'],
  ['context/deep/notes.md', 'other'],
  ['claude.md', 'other'],
];

describe('memoryKindOf and the default globs', () => {
  it.each(KINDS)('%s is %s', (path, kind) => {
    expect(memoryKindOf(path)).toBe(kind);
  });

  it('the default globs match exactly the paths that have a kind other than `other`', () => {
    const isMemory = picomatch([...DEFAULT_MEMORY_GLOBS], { dot: true });
    for (const [path, kind] of KINDS) expect([path, isMemory(path)]).toEqual([path, kind !== 'other']);
  });

  it('the tree globs cover cookbooks and .orchard trees in YAML', () => {
    const isTree = picomatch([...DEFAULT_TREE_GLOBS], { dot: true });
    expect(['cookbooks/trees/a.yaml', '.orchard/trees/b.yml'].every((path) => isTree(path))).toBe(true);
    expect(isTree('cookbooks/a.yaml')).toBe(false);
  });
});

describe('every documented code', () => {
  it('is emitted by some file, and every emitted code is documented', () => {
    const schema = parseProjectSchema(abs('.orchard/schema.yaml'), 'memory:\n  claude:\n    requiredSections: [Commands]\n    maxLines: 5\n').schema;
    const secret = ['gh', 'p_', 'Q7vK2mX9pL4wR8tZ3nB6yH1cF5dJ0sGx8Y2z'].join('');
    const files = {
      'CLAUDE.md': `# A\n## B\n## B\n@docs/gone.md\n@docs/loop.md\n@d/1.md\n[x](nowhere.md)\n\`npm run nope\`\n${secret}\n`,
      'docs/loop.md': '@../CLAUDE.md\n',
      'd/1.md': '@2.md',
      'd/2.md': '@3.md',
      'd/3.md': '@4.md',
      'd/4.md': '@5.md',
      'd/5.md': '@6.md',
      'd/6.md': '# deep',
      'package.json': '{"scripts":{}}',
      '.claude/rules/a.md': '---\npath: x\npaths: 3\n---\n',
      '.cursor/rules/a.mdc': '---\nglobs: "[a"\n---\n',
      '.github/instructions/a.instructions.md': '---\napplyTo: x\n',
      'context/CURRENT_STATUS.md': '# Status\n',
    };
    const ctx = workspace(files, schema);
    const emitted = new Set(Object.keys(files).flatMap((file) => validateMemory(abs(file), files[file as keyof typeof files], ctx).map((d) => d.code)));
    expect([...emitted].sort()).toEqual(Object.keys(MEMORY_DIAGNOSTIC_CODES).sort());
  });
});

describe('diagnostics follow other files', () => {
  it('a renamed package.json script, an imported file created or deleted', () => {
    const text = '# A\n@notes.md\n`npm run build`\n';
    const ctx = workspace({ 'CLAUDE.md': text, 'package.json': '{"scripts":{"build":"tsc"}}' });
    const codes = () => validateMemory(abs('CLAUDE.md'), text, ctx).map((d) => d.code);
    expect(codes()).toEqual(['memory/import-not-found']);
    expect(memoryDependencies(abs('CLAUDE.md'), text, ctx)).toEqual(expect.arrayContaining([abs('notes.md'), abs('package.json')]));
    ctx.fs.files.set(abs('notes.md'), '# Notes\n');
    expect(codes()).toEqual([]);
    ctx.fs.files.set(abs('package.json'), '{"scripts":{"compile":"tsc"}}');
    expect(codes()).toEqual(['memory/unknown-script']);
    ctx.fs.files.delete(abs('notes.md'));
    expect(codes()).toEqual(['memory/import-not-found', 'memory/unknown-script']);
  });
});
