/**
 * Completion from the line being typed: inside `{{ ` the template roots, var
 * names, step ids (the steps the current step depends on first) and output
 * keys; in `depends_on` step ids; after `action:` the actions; after
 * `method:` the HTTP methods; at the start of a line the keys that fit there.
 */
import type { CompletionItem, Position, Range } from '../diagnostics/diagnostic';
import { actionRule, allActionNames, COMMON_STEP_FIELDS, fieldSpec, HTTP_METHODS, TOP_LEVEL_FIELDS } from './treeActions';
import type { StepData } from './treeModel';
import { lineTextOf, type ParsedTree } from './treeParse';
import type { TreeOptions } from './treeActions';
import { stepAtLine, teardownAt } from './treeLocate';
import { describeStep } from './treeNavigation';

function wordRange(position: Position, length: number): Range {
  return { start: { line: position.line, character: position.character - length }, end: position };
}

export function treeCompletions(tree: ParsedTree, position: Position, options: TreeOptions): CompletionItem[] {
  const before = lineTextOf(tree, position.line).slice(0, position.character);
  const current = stepAtLine(tree, position.line);
  const template = /\{\{\s*([\w.-]*)$/.exec(before);
  if (template) return templateCompletions(tree, position, template[1]!, current);

  const step = current?.placed.item;
  const flowDependency = /^\s*depends_on:\s*\[?(?:[^\]]*,)?\s*([\w-]*)$/.exec(before);
  if (flowDependency && step) return dependencyCompletions(tree, position, flowDependency[1]!, step);
  const blockItem = /^(\s*)-\s+([\w-]*)$/.exec(before);
  if (blockItem && step && isUnderDependsOn(tree, position.line, blockItem[1]!.length)) {
    return dependencyCompletions(tree, position, blockItem[2]!, step);
  }

  const action = /^\s*(?:-\s+)?action:\s*([\w-]*)$/.exec(before);
  if (action) {
    const range = wordRange(position, action[1]!.length);
    return allActionNames(options.extraActions).map((name) => ({
      label: name,
      kind: 'action',
      detail: actionRule(name, options.extraActions)?.description,
      range,
    }));
  }
  const method = /^\s*method:\s*(\w*)$/.exec(before);
  if (method) {
    const range = wordRange(position, method[1]!.length);
    return HTTP_METHODS.map((m) => ({ label: m, kind: 'value', range }));
  }

  const key = /^(\s*)(-\s+)?([\w-]*)$/.exec(before);
  if (!key) return [];
  const indent = key[1]!.length;
  const range = wordRange(position, key[3]!.length);
  if (indent === 0 && !key[2]) {
    const present = new Set(tree.topKeys.map((k) => k.item.name));
    return Object.entries(TOP_LEVEL_FIELDS)
      .filter(([name]) => !present.has(name))
      .map(([name, documentation]) => ({ label: name, kind: 'key', documentation, insertText: `${name}: `, range }));
  }
  const target = key[2] ? teardownAt(tree, position)?.item : (step ?? teardownAt(tree, position)?.item);
  if (key[2] && !target && !isTeardownItemLine(tree, position.line)) return [];
  if (!key[2] && target?.keyIndent !== undefined && target.keyIndent !== indent) return [];
  if (!key[2] && !target) return [];
  const inTeardown = (target !== undefined && target.id === undefined) || isTeardownItemLine(tree, position.line);
  return keyCompletions(target, range, options, inTeardown);
}

function templateCompletions(
  tree: ParsedTree,
  position: Position,
  typed: string,
  current: { placed: { item: StepData }; index: number } | undefined,
): CompletionItem[] {
  const parts = typed.split('.');
  if (parts.length <= 2) {
    const range = wordRange(position, typed.length);
    return [
      { label: '.vars', kind: 'snippet', detail: 'a var of this tree', insertText: '.vars.', range },
      { label: '.outputs', kind: 'snippet', detail: 'an output of a step this step depends on', insertText: '.outputs.', range },
    ];
  }
  const last = parts[parts.length - 1]!;
  const range = wordRange(position, last.length);
  if (parts[1] === 'vars' && parts.length === 3) {
    return tree.vars.map(({ item }) => ({ label: item.name, kind: 'var', detail: item.valueText.trim(), range }));
  }
  if (parts[1] !== 'outputs') return [];
  if (parts.length === 3) {
    const self = current?.index;
    const items: CompletionItem[] = [];
    tree.steps.forEach(({ item }, index) => {
      if (index === self || item.id === undefined || tree.stepIndex.get(item.id) !== index) return;
      // The steps this one already depends on come first; the rest would need a depends_on (offered as a quick fix).
      const reachable = self === undefined || isDependency(tree, self, index);
      items.push({ label: item.id, kind: 'step', detail: item.action?.value, documentation: describeStep(item), sortText: `${reachable ? 0 : 1}${item.id}`, range });
    });
    return items;
  }
  if (parts.length === 4) {
    const target = tree.stepIndex.get(parts[2]!);
    if (target === undefined) return [];
    return tree.steps[target]!.item.outputs.map((o) => ({ label: o.key, kind: 'output', detail: o.expression, range }));
  }
  return [];
}

/** A direct or transitive dependency, by a walk over depends_on (completion is not on the hot path). */
function isDependency(tree: ParsedTree, from: number, on: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const d of tree.steps[stack.pop()!]!.item.dependsOn) {
      const target = tree.stepIndex.get(d.name);
      if (target === on) return true;
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return false;
}

function dependencyCompletions(tree: ParsedTree, position: Position, typed: string, step: StepData): CompletionItem[] {
  const listed = new Set(step.dependsOn.map((d) => d.name));
  const range = wordRange(position, typed.length);
  const items: CompletionItem[] = [];
  for (const id of tree.stepIndex.keys()) {
    if (id === step.id || (listed.has(id) && id !== typed)) continue;
    const target = tree.steps[tree.stepIndex.get(id)!]!.item;
    items.push({ label: id, kind: 'step', detail: target.action?.value, range });
  }
  return items;
}

/** Whether the nearest less-indented line above is `depends_on:`. */
function isUnderDependsOn(tree: ParsedTree, line: number, dashIndent: number): boolean {
  for (let l = line - 1; l >= 0; l--) {
    const text = lineTextOf(tree, l);
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const indent = text.length - text.trimStart().length;
    if (indent > dashIndent || (indent === dashIndent && text.trimStart().startsWith('-'))) continue;
    return /^\s*depends_on:\s*(#.*)?$/.test(text);
  }
  return false;
}

function isTeardownItemLine(tree: ParsedTree, line: number): boolean {
  const teardown = tree.topKeys.find((k) => k.item.name === 'teardown');
  if (!teardown || teardown.line + teardown.item.range.start.line >= line) return false;
  const after = tree.topKeys.find((k) => k.line + k.item.range.start.line > teardown.line + teardown.item.range.start.line);
  return !after || after.line + after.item.range.start.line > line;
}

function keyCompletions(step: StepData | undefined, range: Range, options: TreeOptions, inTeardown: boolean): CompletionItem[] {
  const present = new Set(step?.keys.map((k) => k.name) ?? []);
  const action = step?.action?.value;
  const rule = action !== undefined ? actionRule(action, options.extraActions) : undefined;
  const names = [...(rule?.required ?? []), ...Object.keys(COMMON_STEP_FIELDS), ...(rule?.optional ?? [])];
  return [...new Set(names)]
    .filter((name) => !present.has(name) && !(inTeardown && name === 'depends_on'))
    .map((name) => {
      const required = rule?.required.includes(name) ?? false;
      return {
        label: name,
        kind: 'key' as const,
        detail: required ? `required by ${action}` : undefined,
        documentation: fieldSpec(action, name)?.description,
        insertText: `${name}: `,
        sortText: `${required ? 0 : 1}${name}`,
        range,
      };
    });
}
