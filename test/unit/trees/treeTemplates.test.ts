import { describe, expect, it } from 'vitest';
import { closest, editDistance, outputExpressionProblem, scanTemplates } from '../../../extension/src/core/trees/treeTemplates';

describe('scanTemplates', () => {
  it('finds var and output references with the offsets of their parts', () => {
    const source = '"a {{ .vars.x }} b {{.outputs.step-1.key_2}}"';
    const [v, o] = scanTemplates(source);
    expect(v).toEqual({ ok: true, start: 3, end: 16, kind: 'var', name: 'x', nameStart: 12 });
    expect(o).toMatchObject({ ok: true, kind: 'output', name: 'step-1', key: 'key_2' });
    if (o?.ok && o.kind === 'output') {
      expect(source.slice(o.nameStart, o.nameStart + 6)).toBe('step-1');
      expect(source.slice(o.keyStart, o.keyStart + 5)).toBe('key_2');
    }
  });

  it('ignores {{ }} that is not one of ours', () => {
    expect(scanTemplates("docker inspect --format '{{.State.Running}}' {{ json . }}")).toEqual([]);
  });

  it('reports near misses and unclosed templates', () => {
    expect(scanTemplates('{{ .output.a.b }}')[0]).toMatchObject({ ok: false, message: 'unknown template root ".output"; did you mean ".outputs"?' });
    expect(scanTemplates('{{ .vars.a.b }}')[0]).toMatchObject({ ok: false });
    expect(scanTemplates('x {{ .vars.a')[0]).toMatchObject({ ok: false, start: 2, message: 'template is not closed: add "}}"' });
  });
});

describe('outputExpressionProblem', () => {
  it.each(['.data.id', '.', '.items[0].name', '.a["odd key"].b', '.status != "empty"', '.count >= 3', '.ok == true', '.a == .b'])(
    'accepts %s',
    (expression) => expect(outputExpressionProblem(expression)).toBeUndefined(),
  );
  it.each(['', 'data.id', '.a..b', '.a[x]', '.a != ', '.a ~= 1', '.a == "x'])('rejects %j', (expression) => {
    expect(outputExpressionProblem(expression)).toBeDefined();
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('biuld', 'build')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close words and clear prefixes, not far ones', () => {
    expect(closest('methd', ['method', 'endpoint'])).toBe('method');
    expect(closest('reference', ['project_name', 'reference_url'])).toBe('reference_url');
    expect(closest('zzz', ['method', 'endpoint'])).toBeUndefined();
  });
});
