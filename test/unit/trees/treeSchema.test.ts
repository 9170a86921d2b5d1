import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CookbookTree, treeJsonSchema } from '../../../extension/src/core/trees/treeSchema';
import { BUILTIN_ACTIONS } from '../../../extension/src/core/trees/treeService';
import { SEED_TREE } from './seedTree';
import { generateTree } from './treeGenerator';
import { SMALL } from './treeTestKit';

describe('CookbookTree (zod)', () => {
  it('accepts the seed tree, the small tree and generated trees', () => {
    for (const text of [SEED_TREE, SMALL, generateTree(5)]) {
      const result = CookbookTree.safeParse(parse(text));
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    }
  });

  it('rejects unknown keys, missing required fields and wrong types per action', () => {
    const rejects = (text: string) => expect(CookbookTree.safeParse(parse(text)).success).toBe(false);
    rejects(SMALL.replace('method: POST', 'methd: POST'));
    rejects(SMALL.replace('    endpoint: "/publish/{{ .outputs.build.artifact }}"\n', ''));
    rejects(SMALL.replace('method: POST', 'method: post'));
    rejects(SMALL.replace('  - action: shell\n', '  - action: shell\n    depends_on: [build]\n'));
    rejects(SMALL.replace('action: shell', 'action: sh'));
    rejects('name: x\nsteps:\n  a:\n    action: wait_build\n    build_id: b\n    max_attempts: -1\n');
  });
});

describe('treeJsonSchema', () => {
  const schema = treeJsonSchema() as Record<string, any>;

  it('is a JSON Schema of a strict object with the tree’s top-level keys', () => {
    expect(schema.$schema).toMatch(/json-schema/);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['name', 'description', 'vars', 'steps', 'teardown']);
    expect(schema.required).toEqual(['name', 'steps']);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('has one step shape per built-in action, each with its required fields and descriptions', () => {
    const shapes = schema.properties.steps.additionalProperties.anyOf as Record<string, any>[];
    expect(shapes.map((s) => s.properties.action.const)).toEqual(Object.keys(BUILTIN_ACTIONS));
    const api = shapes[0]!;
    expect(api.required).toEqual(['action', 'method', 'endpoint']);
    expect(api.additionalProperties).toBe(false);
    expect(api.properties.method.description).toMatch(/HTTP method/);
  });
});
