/**
 * Hover, go to definition, find references and the outline of a tree.
 * Definitions are in the same file: a template or `depends_on` entry leads to
 * the step, var or output it names.
 */
import type { DocumentSymbol, Hover, Position, Range } from '../diagnostics/diagnostic';
import { actionRule, fieldSpec } from './treeActions';
import { shiftRange, type StepData } from './treeModel';
import type { ParsedTree } from './treeParse';
import type { TreeOptions } from './treeActions';
import { targetAt } from './treeLocate';

function stepById(tree: ParsedTree, id: string): { item: StepData; line: number } | undefined {
  const index = tree.stepIndex.get(id);
  return index === undefined ? undefined : tree.steps[index];
}

export function describeStep(step: StepData): string {
  const lines = [`**step \`${step.id}\`** — action \`${step.action?.value ?? '?'}\``];
  lines.push(step.dependsOn.length > 0 ? `depends on: ${step.dependsOn.map((d) => `\`${d.name}\``).join(', ')}` : 'depends on: nothing (a root step)');
  if (step.outputs.length > 0) lines.push('outputs:', ...step.outputs.map((o) => `- \`${o.key}\`: \`${o.expression}\``));
  return lines.join('\n\n');
}

export function treeHover(tree: ParsedTree, position: Position, options: TreeOptions): Hover | undefined {
  const target = targetAt(tree, position);
  if (!target) return undefined;
  const { range } = target;
  switch (target.kind) {
    case 'step': {
      const step = stepById(tree, target.id);
      return step ? { contents: describeStep(step.item), range } : undefined;
    }
    case 'var': {
      const declared = tree.vars.find((v) => v.item.name === target.name);
      if (!declared) return undefined;
      const value = declared.item.valueText.trim();
      return { contents: `**var \`${target.name}\`** = ${value === '' ? '(empty)' : `\`${value}\``}`, range };
    }
    case 'output': {
      const output = stepById(tree, target.step)?.item.outputs.find((o) => o.key === target.key);
      return output ? { contents: `**output \`${target.key}\`** of step \`${target.step}\`: \`${output.expression}\``, range } : undefined;
    }
    case 'action': {
      const rule = actionRule(target.action, options.extraActions);
      if (!rule) return undefined;
      const parts = [`**action \`${target.action}\`**${rule.description ? ` — ${rule.description}` : ''}`];
      parts.push(`required: ${rule.required.length > 0 ? rule.required.map((k) => `\`${k}\``).join(', ') : 'nothing'}`);
      if (rule.optional.length > 0) parts.push(`optional: ${rule.optional.map((k) => `\`${k}\``).join(', ')}`);
      return { contents: parts.join('\n\n'), range };
    }
    case 'key': {
      const spec = fieldSpec(target.action, target.key);
      return spec ? { contents: `**\`${target.key}\`** — ${spec.description}`, range } : undefined;
    }
  }
}

export function treeDefinition(tree: ParsedTree, position: Position): Range | undefined {
  const target = targetAt(tree, position);
  if (!target) return undefined;
  if (target.kind === 'step') {
    const step = stepById(tree, target.id);
    return step ? shiftRange(step.item.idRange, step.line) : undefined;
  }
  if (target.kind === 'var') {
    const declared = tree.vars.find((v) => v.item.name === target.name);
    return declared ? shiftRange(declared.item.range, declared.line) : undefined;
  }
  if (target.kind === 'output') {
    const step = stepById(tree, target.step);
    const output = step?.item.outputs.find((o) => o.key === target.key);
    return step && output ? shiftRange(output.keyRange, step.line) : undefined;
  }
  return undefined;
}

/** References of the step, var or output at the position: `depends_on` entries and templates. */
export function treeReferences(tree: ParsedTree, position: Position, includeDeclaration: boolean): Range[] {
  const target = targetAt(tree, position);
  if (!target || target.kind === 'action' || target.kind === 'key') return [];
  const found: Range[] = [];
  if (includeDeclaration) {
    const declaration = treeDefinition(tree, position);
    if (declaration) found.push(declaration);
  }
  for (const { item, line } of [...tree.steps, ...tree.teardown, ...tree.headerTemplates]) {
    if (target.kind === 'step') {
      for (const d of item.dependsOn) if (d.name === target.id) found.push(shiftRange(d.range, line));
    }
    for (const t of item.templates) {
      if (target.kind === 'step' && t.kind === 'output' && t.name === target.id) found.push(shiftRange(t.nameRange, line));
      else if (target.kind === 'var' && t.kind === 'var' && t.name === target.name) found.push(shiftRange(t.nameRange, line));
      else if (target.kind === 'output' && t.kind === 'output' && t.name === target.step && t.key === target.key) found.push(shiftRange(t.keyRange!, line));
    }
  }
  return found;
}

function section(tree: ParsedTree, name: string, children: DocumentSymbol[]): DocumentSymbol | undefined {
  const key = tree.topKeys.find((k) => k.item.name === name);
  if (!key) return undefined;
  const selectionRange = shiftRange(key.item.range, key.line);
  const last = children[children.length - 1];
  const range = { start: selectionRange.start, end: last ? last.range.end : selectionRange.end };
  return { name, kind: 'section', range, selectionRange, children };
}

/** The outline: `vars`, `steps` and `teardown` sections with their entries. */
export function treeSymbols(tree: ParsedTree): DocumentSymbol[] {
  const vars = tree.vars.map(({ item, line }): DocumentSymbol => {
    const range = shiftRange(item.range, line);
    return { name: item.name, kind: 'var', detail: item.valueText.trim(), range, selectionRange: range };
  });
  const steps = tree.steps.map(({ item, line }): DocumentSymbol => ({
    name: item.id!,
    kind: 'step',
    detail: item.action?.value ?? '',
    range: shiftRange(item.range, line),
    selectionRange: shiftRange(item.idRange, line),
  }));
  const teardown = tree.teardown.map(({ item, line }, i): DocumentSymbol => ({
    name: `teardown ${i + 1}`,
    kind: 'teardown',
    detail: item.action?.value ?? '',
    range: shiftRange(item.range, line),
    selectionRange: shiftRange(item.idRange, line),
  }));
  return [section(tree, 'vars', vars), section(tree, 'steps', steps), section(tree, 'teardown', teardown)].filter(
    (s): s is DocumentSymbol => s !== undefined,
  );
}
