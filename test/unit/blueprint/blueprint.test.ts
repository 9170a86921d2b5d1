import { describe, expect, it } from 'vitest';
import { Blueprint, isValidSlug, newBlueprint, slugify } from '../../../extension/src/core/blueprint/blueprint';

describe('Blueprint schema', () => {
  it('accepts a minimal file and fills the defaults', () => {
    const bp = Blueprint.parse({ featureName: 'Todo sharing' });
    expect(bp.status).toBe('draft');
    expect(bp.summary).toBe('');
    expect(bp.readyToBuild).toBe(false);
    expect(bp.sections.dataModel).toEqual({ status: 'empty', entities: [] });
    expect(bp.sections.designSystem.inspirationNotes).toBe('');
    expect(bp.references.items).toEqual([]);
    expect(bp.openQuestions).toEqual([]);
  });

  it('rejects an empty feature name, an unknown section status and unknown keys', () => {
    expect(Blueprint.safeParse({ featureName: '  ' }).success).toBe(false);
    expect(Blueprint.safeParse({ featureName: 'x', sections: { dataModel: { status: 'done' } } }).success).toBe(false);
    expect(Blueprint.safeParse({ featureName: 'x', assumtions: [] }).success).toBe(false);
  });

  it('keeps section content', () => {
    const bp = Blueprint.parse({
      featureName: 'Shop',
      sections: {
        apiEndpoints: { status: 'partial', endpoints: [{ method: 'GET', path: '/items' }] },
        dataModel: { status: 'complete', entities: [{ name: 'Item', fields: [{ name: 'id', type: 'uuid', required: true }] }] },
      },
    });
    expect(bp.sections.apiEndpoints.endpoints[0]).toEqual({ method: 'GET', path: '/items' });
    expect(bp.sections.dataModel.entities[0]?.fields[0]?.required).toBe(true);
  });
});

describe('slugs', () => {
  it('slugifies feature names to valid slugs', () => {
    expect(slugify('Todo Sharing!')).toBe('todo-sharing');
    expect(slugify('Crème brûlée API')).toBe('creme-brulee-api');
    expect(slugify('***')).toBe('blueprint');
    expect(slugify('a'.repeat(200)).length).toBeLessThanOrEqual(60);
    for (const name of ['Todo Sharing!', 'Crème brûlée', '***', ' -x- ', 'A'.repeat(100)]) expect(isValidSlug(slugify(name))).toBe(true);
  });
  it('rejects names that could not be a file or a git ref', () => {
    for (const bad of ['', 'Upper', 'a b', '../x', 'a/b', '.hidden', 'x.lock', 'a..b', '-x']) expect(isValidSlug(bad), bad).toBe(false);
    for (const good of ['todo', 'todo-sharing', 'v1.2', 'a_b']) expect(isValidSlug(good), good).toBe(true);
  });
  it('creates a valid draft', () => {
    expect(newBlueprint('Chat', 'Talk').status).toBe('draft');
  });
});
