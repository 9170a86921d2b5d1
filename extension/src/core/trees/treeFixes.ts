/**
 * Quick fixes, computed with their diagnostics: replace a typo with the
 * suggestion, remove an unknown key, add a missing `depends_on` entry in the
 * style the step already uses (flow list, block list, single id, none yet).
 */
import type { Position, QuickFix, Range } from '../diagnostics/diagnostic';
import { lineTextOf, type Placed, type ParsedTree } from './treeParse';
import { shiftRange, type StepData } from './treeModel';

export function replaceFix(path: string, code: string, range: Range, newText: string, title: string): QuickFix {
  return { title, fixes: code, isPreferred: true, edits: [{ path, edits: [{ range, newText }] }] };
}

/** Removes a step key with its value; whole lines when the key starts its line. */
export function removeKeyFix(path: string, placed: Placed<StepData>, key: StepData['keys'][number], lineText: (line: number) => string): QuickFix {
  const range = shiftRange(key.range, placed.line);
  const valueEnd: Position = { line: key.valueEnd.line + placed.line, character: key.valueEnd.character };
  const before = lineText(range.start.line).slice(0, range.start.character);
  const after = lineText(valueEnd.line).slice(valueEnd.character);
  const ownsLines = before.trim() === '' && (after.trim() === '' || after.trim().startsWith('#'));
  const removal: Range = ownsLines
    ? { start: { line: range.start.line, character: 0 }, end: { line: valueEnd.line + 1, character: 0 } }
    : { start: range.start, end: valueEnd };
  return { title: `Remove "${key.name}"`, fixes: 'tree/unknown-key', edits: [{ path, edits: [{ range: removal, newText: '' }] }] };
}

/** Adds `dependency` to the step's `depends_on`, or undefined when the step's layout does not allow a safe edit. */
export function addDependencyFix(path: string, placed: Placed<StepData>, dependency: string): QuickFix | undefined {
  const step = placed.item;
  const field = step.dependsOnField;
  const title = `Add "${dependency}" to depends_on of "${step.id ?? 'this step'}"`;
  const edit = (range: Range, newText: string): QuickFix => ({
    title,
    fixes: 'tree/template-missing-dependency',
    isPreferred: true,
    edits: [{ path, edits: [{ range, newText }] }],
  });
  if (!field) {
    const first = step.keys[0];
    if (step.keyIndent === undefined || !first || first.range.start.character !== step.keyIndent) return undefined;
    const at = shiftRange(first.range, placed.line).start;
    return edit({ start: at, end: at }, `depends_on: [${dependency}]\n${' '.repeat(step.keyIndent)}`);
  }
  const valueRange = shiftRange(field.valueRange, placed.line);
  if (field.style === 'empty') return edit(valueRange, `[${dependency}]`);
  if (field.style === 'scalar') {
    const current = step.dependsOn[0]?.name ?? '';
    return edit(valueRange, `[${current}, ${dependency}]`);
  }
  if (field.style === 'flow') {
    const close = { line: valueRange.end.line, character: valueRange.end.character - 1 };
    return edit({ start: close, end: close }, `, ${dependency}`);
  }
  const last = step.dependsOn[step.dependsOn.length - 1];
  if (!last || field.itemIndent === undefined) return undefined;
  const end = shiftRange(last.range, placed.line).end;
  return edit({ start: end, end }, `\n${' '.repeat(field.itemIndent)}- ${dependency}`);
}

/** Declares a var used but missing: before the first var, or in a new `vars:` block above `steps:`. */
export function declareVarFix(tree: ParsedTree, name: string): QuickFix | undefined {
  const title = `Declare var "${name}" in vars`;
  const edit = (at: Position, newText: string): QuickFix => ({
    title,
    fixes: 'tree/undeclared-var',
    edits: [{ path: tree.path, edits: [{ range: { start: at, end: at }, newText }] }],
  });
  const first = tree.vars[0];
  if (first) {
    const start = shiftRange(first.item.range, first.line).start;
    // A flow mapping (`vars: { a: 1 }`) has no line of its own to copy the layout from.
    if (lineTextOf(tree, start.line).slice(0, start.character).trim() !== '') return undefined;
    return edit(start, `${name}: ""\n${' '.repeat(start.character)}`);
  }
  if (tree.topKeys.some((k) => k.item.name === 'vars')) return undefined;
  const steps = tree.topKeys.find((k) => k.item.name === 'steps');
  if (!steps || steps.item.range.start.character !== 0) return undefined;
  return edit({ line: steps.line + steps.item.range.start.line, character: 0 }, `vars:\n  ${name}: ""\n`);
}
