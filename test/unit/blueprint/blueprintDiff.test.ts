import { describe, expect, it } from 'vitest';
import { Blueprint, type BlueprintInput } from '../../../extension/src/core/blueprint/blueprint';
import { diffBlueprints, formatDiff } from '../../../extension/src/core/blueprint/blueprintDiff';

const bp = (input: Partial<BlueprintInput> = {}) => Blueprint.parse({ featureName: 'Todo sharing', ...input });
const entity = (name: string, fields: string[] = []) => ({ name, fields: fields.map((f) => ({ name: f, type: 'string' })) });

describe('diffBlueprints', () => {
  it('finds no changes between equal blueprints', () => {
    const diff = diffBlueprints(bp({ summary: 's' }), bp({ summary: 's' }));
    expect(diff).toEqual({ changes: [], sectionsChanged: [], summary: 'No changes' });
    expect(formatDiff(diff)).toBe('No changes');
  });

  it('reports changed values by JSON path, with the sections they are in', () => {
    const a = bp({ summary: 'old' });
    const b = bp({ summary: 'new', sections: { dataModel: { status: 'partial', entities: [] }, apiEndpoints: { status: 'complete', endpoints: [] } } });
    const diff = diffBlueprints(a, b);
    expect(diff.changes).toEqual([
      { path: '$.summary', kind: 'changed', before: 'old', after: 'new' },
      { path: '$.sections.dataModel.status', kind: 'changed', before: 'empty', after: 'partial' },
      { path: '$.sections.apiEndpoints.status', kind: 'changed', before: 'empty', after: 'complete' },
    ]);
    expect(diff.sectionsChanged).toEqual(['dataModel', 'apiEndpoints']);
    expect(diff.summary).toBe('3 changes in Data model, API endpoints, summary');
    expect(formatDiff(diff)).toBe(
      ['~ $.summary: "old" -> "new"', '~ $.sections.dataModel.status: "empty" -> "partial"', '~ $.sections.apiEndpoints.status: "empty" -> "complete"'].join('\n'),
    );
  });

  it('shows an entity inserted at the front as one addition, not a change to every entity', () => {
    const a = bp({ sections: { dataModel: { status: 'partial', entities: [entity('User'), entity('Todo')] } } });
    const b = bp({ sections: { dataModel: { status: 'partial', entities: [entity('Tag'), entity('User'), entity('Todo', ['title'])] } } });
    const diff = diffBlueprints(a, b);
    expect(diff.changes).toEqual([
      { path: '$.sections.dataModel.entities[0]', kind: 'added', after: entity('Tag') },
      { path: '$.sections.dataModel.entities[2].fields[0]', kind: 'added', after: { name: 'title', type: 'string' } },
    ]);
    expect(formatDiff(diff).split('\n')[0]).toBe('+ $.sections.dataModel.entities[0]: {"name":"Tag","fields":[]}');
  });

  it('matches endpoints by method and path, and questions by their text', () => {
    const a = bp({
      sections: { apiEndpoints: { status: 'partial', endpoints: [{ method: 'GET', path: '/todos' }, { method: 'POST', path: '/todos', description: 'create' }] } },
      openQuestions: [{ question: 'Who can share?' }, { question: 'Offline?' }],
    });
    const b = bp({
      sections: { apiEndpoints: { status: 'partial', endpoints: [{ method: 'POST', path: '/todos', description: 'create one' }, { method: 'DELETE', path: '/todos/:id' }] } },
      openQuestions: [{ question: 'Who can share?', blocking: true }, { question: 'Offline?' }],
    });
    const diff = diffBlueprints(a, b);
    expect(diff.changes).toEqual([
      { path: '$.sections.apiEndpoints.endpoints[0]', kind: 'removed', before: { method: 'GET', path: '/todos' } },
      { path: '$.sections.apiEndpoints.endpoints[0].description', kind: 'changed', before: 'create', after: 'create one' },
      { path: '$.sections.apiEndpoints.endpoints[1]', kind: 'added', after: { method: 'DELETE', path: '/todos/:id' } },
      { path: '$.openQuestions[0].blocking', kind: 'changed', before: false, after: true },
    ]);
    expect(formatDiff(diff).split('\n')[0]).toBe('- $.sections.apiEndpoints.endpoints[0]: {"method":"GET","path":"/todos"}');
    expect(diff.sectionsChanged).toEqual(['apiEndpoints']);
    expect(diff.summary).toBe('4 changes in API endpoints, openQuestions');
  });

  it('reports added and removed optional fields and string list items', () => {
    const a = bp({ blockers: ['no designs', 'legal review'], sections: { uiComponents: { status: 'partial', components: [{ name: 'List', children: ['Item'] }] } } });
    const b = bp({
      blockers: ['legal review', 'budget'],
      sections: { uiComponents: { status: 'partial', notes: 'keep it small', components: [{ name: 'List', children: ['Item', 'Empty'] }] } },
    });
    expect(diffBlueprints(a, b).changes).toEqual([
      { path: '$.sections.uiComponents.notes', kind: 'added', after: 'keep it small' },
      { path: '$.sections.uiComponents.components[0].children[1]', kind: 'added', after: 'Empty' },
      { path: '$.blockers[0]', kind: 'removed', before: 'no designs' },
      { path: '$.blockers[1]', kind: 'added', after: 'budget' },
    ]);
    expect(diffBlueprints(b, a).changes[0]).toEqual({ path: '$.sections.uiComponents.notes', kind: 'removed', before: 'keep it small' });
  });

  it('reports a pure reorder once, on the list, with the item names', () => {
    const a = bp({ sections: { dataModel: { status: 'partial', entities: [entity('User'), entity('Todo')] } } });
    const b = bp({ sections: { dataModel: { status: 'partial', entities: [entity('Todo'), entity('User')] } } });
    const diff = diffBlueprints(a, b);
    expect(diff.changes).toEqual([{ path: '$.sections.dataModel.entities', kind: 'changed', before: ['User', 'Todo'], after: ['Todo', 'User'] }]);
    expect(formatDiff(diff)).toBe('~ $.sections.dataModel.entities: ["User","Todo"] -> ["Todo","User"]');
  });

  it('pairs repeated keys in order and falls back to indexes for items without a key', () => {
    const a = bp({ assumptions: [{ statement: 'same' }, { statement: 'same', confidence: 'low' }] });
    const b = bp({ assumptions: [{ statement: 'same' }, { statement: 'same', confidence: 'high' }] });
    expect(diffBlueprints(a, b).changes).toEqual([{ path: '$.assumptions[1].confidence', kind: 'changed', before: 'low', after: 'high' }]);
    const keyless = diffBlueprints({ x: [{ a: 1 }, { a: 2 }] } as never, { x: [{ a: 1 }, { a: 3 }, { a: 4 }] } as never);
    expect(keyless.changes).toEqual([
      { path: '$.x[1].a', kind: 'changed', before: 2, after: 3 },
      { path: '$.x[2]', kind: 'added', after: { a: 4 } },
    ]);
  });
});
