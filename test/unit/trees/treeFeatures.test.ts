import { describe, expect, it } from 'vitest';
import type { Position } from '../../../extension/src/core/diagnostics/diagnostic';
import {
  parseTree,
  treeCompletions,
  treeDefinition,
  treeHover,
  treeReferences,
  treeSymbols,
} from '../../../extension/src/core/trees/treeService';
import { SEED_TREE } from './seedTree';
import { applyEdits, diagnose, NO_EXTRA, PATH, SMALL, textAt } from './treeTestKit';

/** The position just after the first occurrence of `marker` (or at `|` inside it). */
function at(text: string, marker: string): Position {
  const bar = marker.indexOf('|');
  const clean = marker.replace('|', '');
  const offset = text.indexOf(clean) + (bar >= 0 ? bar : clean.length);
  expect(text.indexOf(clean)).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const labels = (text: string, marker: string) =>
  treeCompletions(parseTree(PATH, text), at(text, marker), NO_EXTRA).map((c) => c.label);

describe('completion', () => {
  it('offers the template roots, then vars, then step ids (dependencies first), then output keys', () => {
    expect(labels(SMALL.replace('{{ .vars.base }}', '{{ '), 'make build {{ ')).toEqual(['.vars', '.outputs']);
    expect(labels(SMALL.replace('{{ .vars.base }}', '{{ .vars.b'), '{{ .vars.b')).toEqual(['base']);
    const text = SEED_TREE.replace('{{ .outputs.start-blueprint.blueprint_id }}"\n    max', '{{ .outputs.cr"\n    max');
    const items = treeCompletions(parseTree(PATH, text), at(text, 'build_id: "{{ .outputs.cr'), NO_EXTRA);
    expect(items.map((i) => i.label)).toEqual(['create-project', 'start-blueprint', 'provide-reference']);
    expect(items.every((i) => i.sortText?.startsWith('0'))).toBe(true);
    expect(items[0]?.range).toEqual({ start: { line: 39, character: 27 }, end: { line: 39, character: 29 } });
    const keys = SEED_TREE.replace('{{ .outputs.start-blueprint.blueprint_id }}"\n    max', '{{ .outputs.start-blueprint."\n    max');
    expect(labels(keys, '{{ .outputs.start-blueprint.')).toEqual(['blueprint_id']);
  });

  it('sorts steps the current step does not depend on last', () => {
    const text = SMALL.replace('{{ .vars.base }}', '{{ .outputs.');
    const items = treeCompletions(parseTree(PATH, text), at(text, '{{ .outputs.'), NO_EXTRA);
    expect(items.map((i) => [i.label, i.sortText])).toEqual([['publish', '1publish']]);
  });

  it('offers step ids in depends_on, flow and block, without the step itself or those already listed', () => {
    const text = SEED_TREE.replace('depends_on: [provide-reference]', 'depends_on: [provide-reference, ]');
    expect(labels(text, '[provide-reference, ')).toEqual(['create-project', 'start-blueprint']);
    const block = SMALL.replace('    depends_on: [build]\n', '    depends_on:\n      - b\n');
    expect(labels(block, '      - b')).toEqual(['build']);
  });

  it('offers actions, HTTP methods and the keys that fit the step', () => {
    const action = SMALL.replace('action: shell', 'action: sh');
    expect(labels(action, 'action: sh')).toEqual(['api', 'wait_build', 'shell', 'agent', 'wait']);
    expect(labels(SMALL.replace('method: POST', 'method: P'), 'method: P')).toContain('PATCH');
    const key = SMALL.replace('    method: POST\n', '    method: POST\n    he\n');
    const items = treeCompletions(parseTree(PATH, key), at(key, '    he'), NO_EXTRA);
    expect(items.map((i) => i.label)).toContain('headers');
    expect(items.map((i) => i.label)).not.toContain('method');
    expect(items.find((i) => i.label === 'headers')?.insertText).toBe('headers: ');
    const top = SMALL.replace('vars:', 'de\nvars:');
    expect(labels(top, 'de')).toContain('description');
    expect(labels(top, 'de')).not.toContain('name');
  });

  it('offers step keys for a new teardown item, without depends_on', () => {
    const text = SMALL + '  - re';
    const items = labels(text, '  - re');
    expect(items).toContain('action');
    expect(items).not.toContain('depends_on');
  });

  it('offers the workspace’s actions too', () => {
    const action = SMALL.replace('action: shell', 'action: de');
    const items = treeCompletions(parseTree(PATH, action), at(action, 'action: de'), { extraActions: { deploy: { required: [], optional: [], description: 'Ship it' } } });
    expect(items.find((i) => i.label === 'deploy')?.detail).toBe('Ship it');
  });
});

describe('hover', () => {
  const tree = parseTree(PATH, SEED_TREE);
  it('shows a step’s action, dependencies and outputs from a template', () => {
    const hover = treeHover(tree, at(SEED_TREE, 'build_id: "{{ .outputs.start-bl|ueprint'), NO_EXTRA);
    expect(hover?.contents).toBe(
      '**step `start-blueprint`** — action `api`\n\ndepends on: `create-project`\n\noutputs:\n\n- `blueprint_id`: `.data.id`',
    );
    expect(textAt(SEED_TREE, hover!.range)).toBe('start-blueprint');
  });

  it('shows a var’s value and an output’s expression', () => {
    expect(treeHover(tree, at(SEED_TREE, '{{ .vars.refer|ence_url'), NO_EXTRA)?.contents).toBe('**var `reference_url`** = `"https://stripe.com/pricing"`');
    expect(treeHover(tree, at(SEED_TREE, '{{ .outputs.create-project.proj|ect_id }}/blue'), NO_EXTRA)?.contents).toBe(
      '**output `project_id`** of step `create-project`: `.data.name`',
    );
  });

  it('describes an action and a field', () => {
    expect(treeHover(tree, at(SEED_TREE, 'action: wait_b|uild'), NO_EXTRA)?.contents).toContain('required: `build_id`');
    expect(treeHover(tree, at(SEED_TREE, 'max_att|empts'), NO_EXTRA)?.contents).toContain('poll');
    expect(treeHover(tree, at(SEED_TREE, 'Pricing| Page'), NO_EXTRA)).toBeUndefined();
  });
});

describe('definition and references', () => {
  const tree = parseTree(PATH, SEED_TREE);
  it('goes from a template to the step, the var and the output', () => {
    const step = treeDefinition(tree, at(SEED_TREE, 'build_id: "{{ .outputs.start-bl|ueprint'));
    expect(step && textAt(SEED_TREE, step)).toBe('start-blueprint');
    expect(step?.start.line).toBe(15);
    const variable = treeDefinition(tree, at(SEED_TREE, '{{ .vars.project|_name'));
    expect(variable).toEqual({ start: { line: 4, character: 2 }, end: { line: 4, character: 14 } });
    const output = treeDefinition(tree, at(SEED_TREE, 'build_id: "{{ .outputs.start-blueprint.blue|print_id'));
    expect(output && textAt(SEED_TREE, output)).toBe('blueprint_id');
    expect(output?.start.line).toBe(23);
    const fromDependency = treeDefinition(tree, at(SEED_TREE, 'depends_on: [provide-ref|erence]'));
    expect(fromDependency?.start.line).toBe(24);
  });

  it('finds the references of a step: depends_on entries and templates, teardown included', () => {
    const refs = treeReferences(tree, at(SEED_TREE, '  create-pro|ject:'), false);
    expect(refs.map((r) => r.start.line)).toEqual([16, 19, 28, 44]);
    expect(refs.every((r) => textAt(SEED_TREE, r) === 'create-project')).toBe(true);
    const withDeclaration = treeReferences(tree, at(SEED_TREE, 'depends_on: [create-pr|oject]'), true);
    expect(withDeclaration.map((r) => r.start.line)).toEqual([7, 16, 19, 28, 44]);
  });

  it('finds the references of a var and of an output', () => {
    expect(treeReferences(tree, at(SEED_TREE, '  reference|_url:'), false).map((r) => r.start.line)).toEqual([33]);
    expect(treeReferences(tree, at(SEED_TREE, '- blueprint|_id: .data.id'), true).map((r) => r.start.line)).toEqual([23, 28, 39]);
  });
});

describe('document symbols', () => {
  it('lists vars, steps (with their action) and teardown steps', () => {
    const symbols = treeSymbols(parseTree(PATH, SEED_TREE));
    expect(symbols.map((s) => [s.name, s.children?.map((c) => `${c.name}:${c.detail}`)])).toEqual([
      ['vars', ['project_name:""', 'reference_url:"https://stripe.com/pricing"']],
      ['steps', ['create-project:api', 'start-blueprint:api', 'provide-reference:api', 'wait-build:wait_build']],
      ['teardown', ['teardown 1:api']],
    ]);
    const steps = symbols[1]!;
    expect(steps.range).toEqual({ start: { line: 6, character: 0 }, end: { line: 40, character: 21 } });
    expect(steps.children![1]!.selectionRange).toEqual({ start: { line: 15, character: 2 }, end: { line: 15, character: 17 } });
  });
});

describe('quick fixes', () => {
  function fixed(text: string, code: string, title?: RegExp): string {
    const diagnostic = diagnose(text).find((d) => d.code === code);
    const fix = diagnostic?.fixes?.find((f) => (title ? title.test(f.title) : f.isPreferred));
    expect(fix, `a fix for ${code}`).toBeDefined();
    expect(fix!.edits!.every((e) => e.path === PATH)).toBe(true);
    return applyEdits(text, fix!.edits!.flatMap((e) => e.edits));
  }

  it('adds the missing depends_on in the style the step uses', () => {
    const none = SMALL.replace('    depends_on: [build]\n', '');
    expect(fixed(none, 'tree/template-missing-dependency')).toBe(SMALL);
    const flow = SEED_TREE.replace('depends_on: [start-blueprint]', 'depends_on: []');
    expect(diagnose(fixed(fixed(flow, 'tree/template-missing-dependency'), 'tree/template-missing-dependency'))).toEqual([]);
    const withOther = SMALL.replace('[build]', '[]').replace('  publish:', '  other:\n    action: wait\n    seconds: 1\n  publish:').replace('[]', '[other]');
    expect(fixed(withOther, 'tree/template-missing-dependency')).toContain('depends_on: [other, build]');
    const scalar = SMALL.replace('[build]', 'other').replace('  publish:', '  other:\n    action: wait\n    seconds: 1\n  publish:');
    expect(fixed(scalar, 'tree/template-missing-dependency')).toContain('depends_on: [other, build]');
    const block = SMALL.replace('    depends_on: [build]\n', '    depends_on:\n      - other\n').replace('  publish:', '  other:\n    action: wait\n    seconds: 1\n  publish:');
    expect(fixed(block, 'tree/template-missing-dependency')).toContain('    depends_on:\n      - other\n      - build\n');
  });

  it('replaces a typo with the suggestion', () => {
    expect(fixed(SMALL.replace('method: POST', 'methd: POST'), 'tree/unknown-key')).toBe(SMALL);
    expect(fixed(SMALL.replace('[build]', '[biuld]'), 'tree/unknown-dependency')).toBe(SMALL);
    expect(fixed(SMALL.replace('.vars.base', '.vars.bsae'), 'tree/undeclared-var')).toBe(SMALL);
    expect(fixed(SMALL.replace('action: shell', 'action: shel'), 'tree/unknown-action')).toBe(SMALL);
    expect(fixed(SMALL.replace('build.artifact }}"\nteardown', 'build.artifac }}"\nteardown'), 'tree/unknown-output')).toBe(SMALL);
    expect(fixed(SMALL.replace('method: POST', 'method: post'), 'tree/wrong-type')).toBe(SMALL);
  });

  it('declares a missing var, in the vars block or in a new one above steps', () => {
    const used = SMALL.replace('make build {{ .vars.base }}', 'make build {{ .vars.base }} {{ .vars.target }}');
    const declared = fixed(used, 'tree/undeclared-var', /^Declare/);
    expect(declared).toContain('vars:\n  target: ""\n  base: "https://example.test"\n');
    expect(diagnose(declared).filter((d) => d.severity === 'error')).toEqual([]);
    const noVars = used.replace('vars:\n  base: "https://example.test"\n', '').replace('{{ .vars.base }} ', '');
    const added = fixed(noVars, 'tree/undeclared-var', /^Declare/);
    expect(added).toContain('name: small\nvars:\n  target: ""\nsteps:\n');
    expect(diagnose(added).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('removes an unknown key with its whole value', () => {
    const text = SMALL.replace('    method: POST\n', '    method: POST\n    colour:\n      r: 1\n      g: 2\n');
    expect(fixed(text, 'tree/unknown-key', /^Remove/)).toBe(SMALL);
  });
});
