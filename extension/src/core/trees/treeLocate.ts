/**
 * What sits at a position of a tree: a step id, a `depends_on` entry, a
 * template's var, step or output key, a var or output declaration, an action.
 * Shared by hover, definition and references.
 */
import type { Position, Range } from '../diagnostics/diagnostic';
import { containsPosition, shiftRange, type StepData } from './treeModel';
import type { Placed, ParsedTree } from './treeParse';

export type TreeTarget =
  | { kind: 'step'; id: string; range: Range }
  | { kind: 'var'; name: string; range: Range }
  | { kind: 'output'; step: string; key: string; range: Range }
  | { kind: 'action'; action: string; range: Range }
  | { kind: 'key'; key: string; action: string | undefined; range: Range };

/** The step (not teardown) whose lines hold `line`: from its id to the line before the next step or top-level key. */
export function stepAtLine(tree: ParsedTree, line: number): { placed: Placed<StepData>; index: number } | undefined {
  const steps = tree.steps;
  let low = 0;
  let high = steps.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const start = steps[mid]!.item.idRange.start.line + steps[mid]!.line;
    if (start <= line) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (found < 0) return undefined;
  const placed = steps[found]!;
  const next = steps[found + 1];
  const nextTop = tree.topKeys.find((t) => t.item.range.start.line + t.line > placed.item.idRange.start.line + placed.line);
  const limits = [next ? next.item.idRange.start.line + next.line : Infinity, nextTop ? nextTop.item.range.start.line + nextTop.line : Infinity];
  return line < Math.min(...limits) ? { placed, index: found } : undefined;
}

export function teardownAt(tree: ParsedTree, position: Position): Placed<StepData> | undefined {
  return tree.teardown.find((t) => containsPosition(shiftRange(t.item.range, t.line), position));
}

export function stepContaining(tree: ParsedTree, position: Position): Placed<StepData> | undefined {
  return stepAtLine(tree, position.line)?.placed ?? teardownAt(tree, position);
}

export function targetAt(tree: ParsedTree, position: Position): TreeTarget | undefined {
  const inside = (range: Range, line: number) => {
    const placed = shiftRange(range, line);
    return containsPosition(placed, position) ? placed : undefined;
  };
  for (const { item, line } of tree.vars) {
    const range = inside(item.range, line);
    if (range) return { kind: 'var', name: item.name, range };
  }
  const placed = stepContaining(tree, position) ?? tree.headerTemplates.find((h) => h.item.templates.some((t) => inside(t.range, h.line)));
  if (!placed) return undefined;
  const { item: step, line } = placed;
  for (const template of step.templates) {
    let range = inside(template.nameRange, line);
    if (range) return template.kind === 'var' ? { kind: 'var', name: template.name, range } : { kind: 'step', id: template.name, range };
    if (template.keyRange && (range = inside(template.keyRange, line))) return { kind: 'output', step: template.name, key: template.key!, range };
  }
  for (const dependency of step.dependsOn) {
    const range = inside(dependency.range, line);
    if (range) return { kind: 'step', id: dependency.name, range };
  }
  if (step.id !== undefined) {
    const range = inside(step.idRange, line);
    if (range) return { kind: 'step', id: step.id, range };
    for (const output of step.outputs) {
      const range = inside(output.keyRange, line);
      if (range) return { kind: 'output', step: step.id, key: output.key, range };
    }
  }
  if (step.action) {
    const range = inside(step.action.range, line);
    if (range) return { kind: 'action', action: step.action.value, range };
  }
  for (const key of step.keys) {
    const range = inside(key.range, line);
    if (range) return { kind: 'key', key: key.name, action: step.action?.value, range };
  }
  return undefined;
}
