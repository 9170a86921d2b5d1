import { describe, expect, it } from 'vitest';
import { blueprintDiagnostics, pathSegments } from '../../../extension/src/core/blueprint/blueprintDiagnostics';

const at = (text: string, d: { start: number; end: number }) => text.slice(d.start, d.end);

describe('blueprintDiagnostics', () => {
  it('is empty for a valid blueprint', () => {
    expect(blueprintDiagnostics('{"featureName":"x"}')).toEqual([]);
  });

  it('marks the offending value', () => {
    const text = '{\n  "featureName": "W",\n  "sections": { "dataModel": { "status": "done" } }\n}';
    const [d] = blueprintDiagnostics(text);
    expect(d?.code).toBe('blueprint/schema');
    expect(at(text, d!)).toBe('"done"');
    expect(d?.message).toMatch(/^\$\.sections\.dataModel\.status: /);
  });

  it('marks an unknown key at the key', () => {
    const text = '{"featureName":"W","assumtions":[]}';
    const [d] = blueprintDiagnostics(text);
    expect(at(text, d!)).toBe('"assumtions"');
  });

  it('marks a missing required field at the object that lacks it', () => {
    const text = '{"summary":"s"}';
    const [d] = blueprintDiagnostics(text);
    expect(d?.message).toMatch(/featureName/);
    expect(d?.start).toBe(0);
  });

  it('marks a syntax error where it is', () => {
    const text = '{\n  "featureName": "W",\n}';
    const [d] = blueprintDiagnostics(text);
    expect(d?.code).toBe('blueprint/json-syntax');
    expect(d?.start).toBe(text.lastIndexOf('}'));
  });

  it('splits JSON paths', () => {
    expect(pathSegments('$.sections.dataModel.entities[2]["odd key"]')).toEqual(['sections', 'dataModel', 'entities', 2, 'odd key']);
    expect(pathSegments('$')).toEqual([]);
  });
});
