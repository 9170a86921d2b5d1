import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateMemory } from '../../../extension/src/core/memory/memoryService';
import { DEFAULT_PROJECT_SCHEMA, parseProjectSchema } from '../../../extension/src/core/projectSchema/projectSchema';
import type { ValidationFs } from '../../../extension/src/core/diagnostics/diagnostic';
import { abs, workspace } from './memoryTestFs';

function schemaOf(yaml: string) {
  const { schema, diagnostics } = parseProjectSchema(abs('.orchard/schema.yaml'), yaml);
  expect(diagnostics).toEqual([]);
  return schema;
}

function validate(file: string, text: string, yaml = '') {
  return validateMemory(abs(file), text, workspace({ [file]: text }, schemaOf(yaml)));
}

/** The real disk, for the one test that checks this repository's own memory. */
class DiskFs implements ValidationFs {
  readonly homeDir = homedir();
  readText(path: string): string | undefined {
    try {
      return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }
  exists(path: string): boolean {
    return existsSync(path);
  }
  list(dir: string): { name: string; isDirectory: boolean }[] {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }));
    } catch {
      return [];
    }
  }
}

const lines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('memory/too-long', () => {
  it('warns past 200 lines by default, on the first line over the budget', () => {
    expect(validate('CLAUDE.md', lines(200))).toEqual([]);
    expect(validate('CLAUDE.md', lines(201))).toEqual([
      {
        range: { start: { line: 200, character: 0 }, end: { line: 200, character: 8 } },
        severity: 'warning',
        code: 'memory/too-long',
        message: 'this CLAUDE.md has 201 lines, over its budget of 200 (the default budget); move detail into files it links or imports',
      },
    ]);
  });

  it('takes the budget from schema.yaml per kind, and per file over the kind', () => {
    const yaml = 'memory:\n  context:\n    maxLines: 400\n  files:\n    "context/ARCHITECTURE.md":\n      maxLines: 50\n';
    expect(validate('context/NOTES.md', lines(399), yaml)).toEqual([]);
    expect(validate('context/ARCHITECTURE.md', lines(51), yaml).map((d) => d.message)).toEqual([
      'this context file has 51 lines, over its budget of 50 (memory.files["context/ARCHITECTURE.md"].maxLines in .orchard/schema.yaml); move detail into files it links or imports',
    ]);
    expect(validate('CLAUDE.md', lines(101), 'memory:\n  claude:\n    maxLines: 100\n').map((d) => d.message)).toEqual([
      'this CLAUDE.md has 101 lines, over its budget of 100 (memory.claude.maxLines in .orchard/schema.yaml); move detail into files it links or imports',
    ]);
  });
});

describe('memory/missing-section', () => {
  const yaml = 'memory:\n  claude:\n    requiredSections: [Map, Commands]\n';

  it('requires the sections schema.yaml names, at any level, ignoring case and inline markup', () => {
    expect(validate('CLAUDE.md', '# Project\n## map\n### `Commands`:\n', yaml)).toEqual([]);
    expect(validate('CLAUDE.md', '# Project\n## Map\nCommands are below.\n', yaml)).toEqual([
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } },
        severity: 'warning',
        code: 'memory/missing-section',
        message: 'missing required section "Commands": add a heading with this text (memory.claude.requiredSections in .orchard/schema.yaml)',
      },
    ]);
  });

  it('does not count headings inside code blocks, and applies only to the kind it names', () => {
    expect(validate('CLAUDE.md', '# Map\n```\n# Commands\n```\n', yaml).map((d) => d.code)).toEqual(['memory/missing-section']);
    expect(validate('AGENTS.md', '# Agents\n', yaml)).toEqual([]);
  });
});

describe('memory/duplicate-heading', () => {
  it('reports the second of two equal headings under the same parent, pointing at the first', () => {
    const text = '# Guide\n## Setup\ntext\n## Setup\n';
    expect(validate('CLAUDE.md', text)).toEqual([
      {
        range: { start: { line: 3, character: 3 }, end: { line: 3, character: 8 } },
        severity: 'warning',
        code: 'memory/duplicate-heading',
        message: 'duplicate heading "Setup" (also on line 2, both under "Guide")',
        related: [{ location: { path: abs('CLAUDE.md'), range: { start: { line: 1, character: 3 }, end: { line: 1, character: 8 } } }, message: 'first heading with this text' }],
      },
    ]);
  });

  it('accepts the same heading under different parents, at different levels, or as repeated captions below level 3', () => {
    const text = '# Guide\n## Web\n### Commands\n## API\n### Commands\n#### API\n#### Example:\n#### Example:\n';
    expect(validate('CLAUDE.md', text)).toEqual([]);
  });
});

describe('memory/status-no-date', () => {
  it('asks context/CURRENT_STATUS.md for a Last Updated line', () => {
    expect(validate('context/CURRENT_STATUS.md', '# Status\nAll good.\n').map((d) => [d.code, d.range.start.line, d.message])).toEqual([
      [
        'memory/status-no-date',
        0,
        'context/CURRENT_STATUS.md has no "Last Updated" date; add a line such as "Last Updated: 2026-01-31" so agents know how fresh it is',
      ],
    ]);
  });

  it('reports a Last Updated line without a date at the words, and accepts common date forms', () => {
    expect(validate('context/CURRENT_STATUS.md', '# Status\n**Last Updated:** YYYY-MM-DD\n').map((d) => [d.range, d.message])).toEqual([
      [{ start: { line: 1, character: 2 }, end: { line: 1, character: 14 } }, '"Last Updated" has no date; write one such as "Last Updated: 2026-01-31" on this line'],
    ]);
    for (const date of ['2026-11-21', '21 November 2026', 'Nov 21, 2026', '21/11/2026']) {
      expect(validate('context/CURRENT_STATUS.md', `# Status\nLast updated: ${date}\n`)).toEqual([]);
    }
    expect(validate('context/CURRENT_STATUS.md', '# Status\n## Last Updated\n\n2026-11-21\n')).toEqual([]);
    expect(validate('context/NOTES.md', '# Notes\n')).toEqual([]);
  });
});

describe('this repository', () => {
  it('its own CLAUDE.md passes the validator with no errors, its links and scripts checked against the disk', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
    const text = readFileSync(`${root}/CLAUDE.md`, 'utf8');
    const diagnostics = validateMemory(`${root}/CLAUDE.md`, text, { root, fs: new DiskFs(), schema: DEFAULT_PROJECT_SCHEMA });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(diagnostics.filter((d) => d.code !== 'memory/too-long')).toEqual([]);
  });
});
