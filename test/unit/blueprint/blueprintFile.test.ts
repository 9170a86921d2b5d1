import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../../extension/src/core/blueprint/blueprint';
import { blueprintEntry, jsonPath, parseBlueprintText, serializeBlueprint, slugOfFileName } from '../../../extension/src/core/blueprint/blueprintFile';

describe('parseBlueprintText', () => {
  it('reports the JSON path and the schema message of an invalid value', () => {
    const result = parseBlueprintText(JSON.stringify({ featureName: 'W', sections: { dataModel: { status: 'done' } } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe('$.sections.dataModel.status');
    expect(result.problems[0]?.message).toMatch(/empty.*partial.*complete/);
  });

  it('names an unknown key by its own path', () => {
    const result = parseBlueprintText('{"featureName":"W","assumtions":[]}');
    expect(result).toEqual({ ok: false, problems: [{ path: '$.assumtions', message: 'unknown key "assumtions"' }] });
  });

  it('gives line and column for a syntax error', () => {
    const result = parseBlueprintText('{\n  "featureName": "W",\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ path: '$', line: 3, column: 1 });
    expect(result.problems[0]?.message).toMatch(/JSON syntax error/);
  });

  it('reports an empty file and a missing feature name', () => {
    expect(parseBlueprintText('  ')).toEqual({ ok: false, problems: [{ path: '$', message: 'the file is empty' }] });
    const missing = parseBlueprintText('{}');
    expect(missing.ok || missing.problems[0]?.path).toBe('$.featureName');
  });

  it('writes pretty JSON in schema order that reads back the same', () => {
    const bp = Blueprint.parse({ blockers: ['x'], featureName: 'F', summary: 's' });
    const text = serializeBlueprint(bp);
    expect(text.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['featureName', 'summary', 'status', 'sections', 'references', 'openQuestions', 'assumptions', 'readyToBuild', 'blockers']);
    const again = parseBlueprintText(text);
    expect(again.ok && again.blueprint).toEqual(bp);
  });
});

describe('jsonPath and entries', () => {
  it('formats paths', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['sections', 'dataModel', 'entities', 0, 'name'])).toBe('$.sections.dataModel.entities[0].name');
    expect(jsonPath(['a b'])).toBe('$["a b"]');
  });
  it('maps file names to slugs', () => {
    expect(slugOfFileName('todo.json')).toBe('todo');
    expect(slugOfFileName('todo.yaml')).toBeUndefined();
  });
  it('shows a badly named file as invalid, with the reason', () => {
    const entry = blueprintEntry('My Feature', '{"featureName":"x"}');
    expect(entry.ok).toBe(false);
    expect(entry.file).toBe('.orchard/blueprints/My Feature.json');
    expect(!entry.ok && entry.problems[0]?.message).toMatch(/not a valid blueprint name/);
  });
  it('reads a valid file', () => {
    const entry = blueprintEntry('todo', '{"featureName":"Todo"}');
    expect(entry.ok && entry.blueprint.featureName).toBe('Todo');
  });
});
