/**
 * The JSON Schemas published in schemas/ are generated from the zod schemas
 * (`npm run schemas`); this fails when a committed file no longer matches.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectSchemaJsonSchema } from '../../../extension/src/core/projectSchema/projectSchema';
import { treeJsonSchema } from '../../../extension/src/core/trees/treeSchema';

const published = (name: string) => readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), 'utf8');
const rendered = (schema: object) => `${JSON.stringify(schema, null, 2)}\n`;

describe('schemas/', () => {
  it('cookbook-tree.schema.json is the tree schema generated from zod (run `npm run schemas` after changing it)', () => {
    expect(published('cookbook-tree.schema.json')).toBe(rendered(treeJsonSchema()));
  });

  it('orchard-schema.schema.json is the .orchard/schema.yaml format generated from zod (run `npm run schemas`)', () => {
    expect(published('orchard-schema.schema.json')).toBe(rendered(projectSchemaJsonSchema()));
  });

  it('both describe objects that refuse unknown top-level keys, like the validators do', () => {
    for (const schema of [JSON.parse(published('cookbook-tree.schema.json')), JSON.parse(published('orchard-schema.schema.json'))]) {
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
    }
  });
});
