import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROJECT_SCHEMA,
  memoryRuleFor,
  parseProjectSchema,
  PROJECT_SCHEMA_DIAGNOSTIC_CODES,
  projectSchemaJsonSchema,
} from '../../../extension/src/core/projectSchema/projectSchema';
import { MEMORY_KINDS } from '../../../extension/src/core/memory/memoryService';

const PATH = '/projects/acme/.orchard/schema.yaml';

function parse(yaml: string) {
  return parseProjectSchema(PATH, yaml);
}

function summary(yaml: string) {
  return parse(yaml).diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.message]);
}

describe('parseProjectSchema', () => {
  it('reads a full, valid file', () => {
    const yaml = [
      '# tightens the built-in rules',
      'version: 1',
      'memory:',
      '  claude:',
      '    requiredSections: [Map, Commands]',
      '    maxLines: 300',
      '  files:',
      '    "context/CURRENT_STATUS.md":',
      '      requiredSections: [Last Updated, Next Steps]',
      'trees:',
      '  actions:',
      '    deploy:',
      '      required: [target]',
      '      optional: [region]',
      '      description: Deploy the built artifact',
    ].join('\n');
    const { schema, diagnostics } = parse(yaml);
    expect(diagnostics).toEqual([]);
    expect(schema.memory.kinds.claude).toEqual({ requiredSections: ['Map', 'Commands'], maxLines: 300 });
    expect(schema.memory.kinds.agents).toEqual({ requiredSections: [], maxLines: 200 });
    expect(schema.memory.files).toEqual([{ glob: 'context/CURRENT_STATUS.md', requiredSections: ['Last Updated', 'Next Steps'] }]);
    expect(schema.trees.actions).toEqual({ deploy: { required: ['target'], optional: ['region'], description: 'Deploy the built artifact' } });
    const rule = memoryRuleFor(schema, 'context', 'context/CURRENT_STATUS.md');
    expect([rule.requiredSections, rule.maxLines]).toEqual([['Last Updated', 'Next Steps'], 200]);
  });

  it('gives the defaults for an empty or comment-only file', () => {
    expect(parse('')).toEqual({ schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [] });
    expect(parse('# nothing yet\n')).toEqual({ schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [] });
  });

  it('reports YAML syntax errors and falls back to the defaults', () => {
    const { schema, diagnostics } = parse('memory:\n  claude: [unclosed\n');
    expect(schema).toEqual(DEFAULT_PROJECT_SCHEMA);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.code === 'schema/yaml-syntax' && d.severity === 'error')).toBe(true);
    expect(diagnostics[0]?.message.startsWith('YAML syntax error:')).toBe(true);
    expect(summary('a: 1\na: 2\n').map((d) => d[0])).toEqual(['schema/yaml-syntax']);
  });

  it('reports unknown keys at the key, with "did you mean", and ignores them', () => {
    expect(summary('memroy:\n  claude:\n    maxLine: 10\nmemory:\n  claud: {}\n  agents:\n    maxLines: 10\n    colour: red\n')).toEqual([
      ['schema/unknown-key', 'warning', 0, 0, 6, 'unknown key "memroy" at the top level; did you mean "memory"?'],
      ['schema/unknown-key', 'warning', 4, 2, 7, 'unknown key "claud" in memory; did you mean "claude"?'],
      ['schema/unknown-key', 'warning', 7, 4, 10, 'unknown key "colour" in memory.agents'],
    ]);
    expect(parse('memory:\n  agents:\n    maxLines: 10\n    colour: red\n').schema.memory.kinds.agents.maxLines).toBe(10);
    expect(parse('memroy: {}\n').diagnostics[0]?.fixes).toEqual([
      {
        title: 'Rename to "memory"',
        fixes: 'schema/unknown-key',
        isPreferred: true,
        edits: [{ path: PATH, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, newText: 'memory' }] }],
      },
    ]);
  });

  it('names the key path of a wrong value, drops it, and keeps the rest', () => {
    const yaml = 'version: 2\nmemory:\n  claude:\n    requiredSections: [Map, ""]\n    maxLines: -3\n  agents:\n    maxLines: 12\n';
    expect(summary(yaml)).toEqual([
      ['schema/invalid-value', 'error', 0, 9, 10, 'version: this version of Orchard reads schema version 1 only'],
      ['schema/invalid-value', 'error', 3, 28, 30, 'memory.claude.requiredSections[1]: must not be empty'],
      ['schema/invalid-value', 'error', 4, 14, 16, 'memory.claude.maxLines: Too small: expected number to be >0'],
    ]);
    const { schema } = parse(yaml);
    expect(schema.memory.kinds.claude).toEqual({ requiredSections: ['Map'], maxLines: 200 });
    expect(schema.memory.kinds.agents.maxLines).toBe(12);
    expect(summary('memory: [claude]\n')).toEqual([['schema/invalid-value', 'error', 0, 8, 16, 'memory: Invalid input: expected object, received array']]);
    expect(summary('- just a list\n')).toEqual([['schema/invalid-value', 'error', 0, 0, 13, 'the file must be a mapping with the keys version, memory and trees']]);
  });

  it('checks tree actions: names, built-ins, fields listed twice', () => {
    const yaml = 'trees:\n  actions:\n    "9lives": {}\n    shell: {required: [cmd]}\n    deploy: {required: [target], optional: [target, region]}\n';
    expect(summary(yaml)).toEqual([
      ['schema/invalid-value', 'error', 2, 4, 12, 'trees.actions["9lives"]: the name must be an action name (a letter, then letters, digits, "_" or "-")'],
      ['schema/builtin-action', 'warning', 3, 4, 9, 'trees.actions.shell: "shell" is a built-in tree action and cannot be redefined here; this entry is ignored'],
      ['schema/duplicate-field', 'warning', 4, 44, 50, 'trees.actions.deploy: "target" is listed as both required and optional; it is required'],
    ]);
    expect(parse(yaml).schema.trees.actions).toEqual({ deploy: { required: ['target'], optional: ['region'] } });
  });

  it('reports a memory.files glob that cannot be parsed and ignores that rule', () => {
    const { schema, diagnostics } = parse('memory:\n  files:\n    "docs/[a.md": {maxLines: 3}\n    "docs/*.md": {maxLines: 4}\n');
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['schema/invalid-glob', 2, 4]]);
    expect(schema.memory.files).toEqual([{ glob: 'docs/*.md', maxLines: 4 }]);
  });

  it('documents every code it emits', () => {
    const emitted = [
      ...parse('a: [\n').diagnostics,
      ...parse('x: 1\nversion: 3\nmemory:\n  files:\n    "[": {}\ntrees:\n  actions:\n    wait: {}\n    go: {required: [a], optional: [a]}\n').diagnostics,
    ].map((d) => d.code);
    for (const code of emitted) expect(PROJECT_SCHEMA_DIAGNOSTIC_CODES).toHaveProperty([code]);
    expect(new Set(emitted)).toEqual(new Set(Object.keys(PROJECT_SCHEMA_DIAGNOSTIC_CODES)));
  });
});

describe('projectSchemaJsonSchema', () => {
  it('describes the same keys the zod schema accepts', () => {
    const json = projectSchemaJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>;
      additionalProperties: boolean;
    };
    expect(json.additionalProperties).toBe(false);
    expect(Object.keys(json.properties).sort()).toEqual(['memory', 'trees', 'version']);
    expect(Object.keys(json.properties.memory?.properties ?? {}).sort()).toEqual([...MEMORY_KINDS, 'files'].sort());
    expect(json.properties.memory?.additionalProperties).toBe(false);
  });
});
