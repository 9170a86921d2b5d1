import { describe, expect, it } from 'vitest';
import { validateMemory } from '../../../extension/src/core/memory/memoryService';
import { abs, workspace } from './memoryTestFs';

function validate(file: string, text: string) {
  return validateMemory(abs(file), text, workspace({ [file]: text }));
}

function summary(file: string, text: string) {
  return validate(file, text).map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character, d.message]);
}

describe('.claude/rules front matter', () => {
  it('accepts paths as a list or a string of globs, braces included', () => {
    expect(validate('.claude/rules/api.md', '---\npaths:\n  - "src/api/**/*.ts"\n  - "src/**/*.{ts,tsx}"\n---\n# API\n')).toEqual([]);
    expect(validate('.claude/rules/nested/web.md', '---\npaths: "web/**"\n---\n# Web\n')).toEqual([]);
  });

  it('reports a glob that cannot be parsed, at the list item', () => {
    expect(summary('.claude/rules/api.md', '---\npaths:\n  - "src/[api/*.ts"\n---\n')).toEqual([
      ['memory/invalid-glob', 2, 4, 19, '"paths": "src/[api/*.ts" is not a valid glob (Missing closing: "]" - use "\\\\]" to match literal characters)'],
    ]);
  });

  it('reports paths of the wrong type and a misspelt key', () => {
    expect(summary('.claude/rules/api.md', '---\npaths: 3\npath: src\n---\n')).toEqual([
      ['memory/front-matter-field', 1, 7, 8, '"paths" must be a glob string or a list of globs, not number 3'],
      ['memory/front-matter-unknown-key', 2, 0, 4, 'unknown front-matter key "path"; did you mean "paths"?'],
    ]);
  });

  it('offers to rename a misspelt key', () => {
    const [diagnostic] = validate('.claude/rules/api.md', '\uFEFF---\npath: src/**\n---\n');
    expect(diagnostic?.fixes).toEqual([
      {
        title: 'Rename to "paths"',
        fixes: 'memory/front-matter-unknown-key',
        isPreferred: true,
        edits: [{ path: abs('.claude/rules/api.md'), edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, newText: 'paths' }] }],
      },
    ]);
  });

  it('reports front matter that is opened and never closed', () => {
    expect(summary('.claude/rules/api.md', '---\npaths: src/**\n# API\n')).toEqual([
      ['memory/front-matter-syntax', 0, 0, 3, 'front matter is opened with "---" here and never closed with another "---" line'],
    ]);
  });
});

describe('Cursor .mdc front matter', () => {
  it('accepts the unquoted, comma-separated globs Cursor writes (not valid YAML)', () => {
    expect(validate('.cursor/rules/ts.mdc', '---\ndescription: TypeScript rules\nglobs: *.ts,src/**/*.{ts,tsx}\nalwaysApply: false\n---\nUse strict mode.\n')).toEqual([]);
    // A lone `*.ts` is even valid YAML — an alias — which must not be read as one.
    expect(validate('.cursor/rules/ts.mdc', '---\nglobs: *.ts\n---\n')).toEqual([]);
    expect(validate('.github/instructions/ts.instructions.md', '---\napplyTo: **/*.ts\n---\n')).toEqual([]);
  });

  it('accepts the empty description and globs Cursor writes into a new rule', () => {
    expect(validate('.cursor/rules/new.mdc', '---\ndescription: \nglobs: \nalwaysApply: false\n---\n# New rule\n')).toEqual([]);
  });

  it('reports wrong types at their values', () => {
    expect(summary('.cursor/rules/ts.mdc', '---\ndescription: [a, b]\nglobs: src/**\nalwaysApply: "yes"\n---\n')).toEqual([
      ['memory/front-matter-field', 1, 13, 19, '"description" must be a string, not a list'],
      ['memory/front-matter-field', 3, 13, 18, '"alwaysApply" must be true or false, not string "yes"'],
    ]);
  });

  it('reads front matter with CRLF line ends', () => {
    expect(summary('.cursor/rules/ts.mdc', '---\r\nglobs: *.ts\r\nalwaysApply: 1\r\n---\r\nText\r\n')).toEqual([
      ['memory/front-matter-field', 2, 13, 14, '"alwaysApply" must be true or false, not number 1'],
    ]);
  });

  it('reads lenient front matter and reports lines that are neither key: value nor list items', () => {
    expect(summary('.cursor/rules/ts.mdc', '---\nglobs: *.ts\nalwaysApply: maybe\nnot a field\n---\n')).toEqual([
      ['memory/front-matter-field', 2, 13, 18, '"alwaysApply" must be true or false, not string "maybe"'],
      ['memory/front-matter-syntax', 3, 0, 11, 'front matter: this line is neither "key: value" nor a "- item" of a list'],
    ]);
  });
});

describe('Copilot instructions front matter', () => {
  it('accepts applyTo and a known excludeAgent', () => {
    const text = '---\napplyTo: "**/*.ts,**/*.tsx"\nexcludeAgent: "code-review"\ndescription: TS\n---\n# TS\n';
    expect(validate('.github/instructions/ts.instructions.md', text)).toEqual([]);
  });

  it('reports an unknown excludeAgent value and a broken applyTo glob', () => {
    const text = '---\napplyTo: "src/{a,b"\nexcludeAgent: reviewer\n---\n';
    expect(summary('.github/instructions/ts.instructions.md', text)).toEqual([
      ['memory/invalid-glob', 1, 9, 19, '"applyTo": "src/{a,b" is not a valid glob (Missing closing: "}" - use "\\\\}" to match literal characters)'],
      ['memory/front-matter-field', 2, 14, 22, '"excludeAgent" must be "code-review" or "coding-agent", not string "reviewer"'],
    ]);
  });
});

describe('AGENTS.md front matter', () => {
  it('checks name and description when front matter is present, and nothing when it is not', () => {
    expect(validate('AGENTS.md', '# Agents\nNo front matter.\n')).toEqual([]);
    expect(summary('AGENTS.md', '---\nname: ""\ndescription: 42\n---\n# Agents\n')).toEqual([
      ['memory/front-matter-field', 1, 6, 8, '"name" must not be empty'],
      ['memory/front-matter-field', 2, 13, 15, '"description" must be a string, not number 42'],
    ]);
  });

  it('ignores a CLAUDE.md that starts with a thematic break and never closes it', () => {
    expect(validate('CLAUDE.md', '---\n# Title\n@docs/gone.md\n').map((d) => d.code)).toEqual(['memory/import-not-found']);
  });
});
