/**
 * validateTree: the chunks' own diagnostics placed in the document, then the
 * checks that look across steps — keys allowed by each action, required
 * fields, `depends_on`, cycles, roots, templates against vars, steps and
 * outputs, unused vars and outputs. Every check is linear in the tree (plus a
 * cached reachability closure per far-away template target).
 */
import { compareDiagnostics, type ActionRule, type OrchardDiagnostic, type Range } from '../diagnostics/diagnostic';
import { actionRule, allActionNames, COMMON_STEP_FIELDS, REQUIRED_ONE_OF, TOP_LEVEL_FIELDS } from './treeActions';
import { addDependencyFix, removeKeyFix, replaceFix } from './treeFixes';
import { StepGraph } from './treeGraph';
import { placeDiagnostic, shiftRange, type LocalDiagnostic, type StepData } from './treeModel';
import { lineTextOf, type Placed, type ParsedTree } from './treeParse';
import type { TreeOptions } from './treeActions';
import { checkTemplates } from './treeTemplateChecks';
import { closest } from './treeTemplates';

export class DiagnosticSink {
  readonly items: OrchardDiagnostic[] = [];
  constructor(readonly tree: ParsedTree) {}

  add(range: Range, severity: OrchardDiagnostic['severity'], code: string, message: string, extra: Partial<OrchardDiagnostic> = {}): void {
    this.items.push({ range, severity, code, message, ...extra });
  }

  related(range: Range, message: string): { location: { path: string; range: Range }; message: string } {
    return { location: { path: this.tree.path, range }, message };
  }
}

export function validateTree(tree: ParsedTree, options: TreeOptions): OrchardDiagnostic[] {
  const sink = new DiagnosticSink(tree);
  for (const { data, startLine } of tree.effective) {
    for (const d of data.diagnostics) sink.items.push(placeDiagnostic(d, startLine, tree.path));
  }
  checkTopLevel(sink);
  checkStepIds(sink);
  const actions = allActionNames(options.extraActions);
  const actionList = actions.join(',');
  for (const placed of tree.steps) checkStepFields(sink, placed, options, actions, actionList);
  for (const placed of tree.teardown) checkStepFields(sink, placed, options, actions, actionList);
  const graph = checkDependencies(sink);
  checkTemplates(sink, graph);
  return sink.items.sort(compareDiagnostics);
}

function checkTopLevel(sink: DiagnosticSink): void {
  const { tree } = sink;
  const seen = new Map<string, Range>();
  const known = Object.keys(TOP_LEVEL_FIELDS);
  for (const { item, line } of tree.topKeys) {
    const range = shiftRange(item.range, line);
    const first = seen.get(item.name);
    if (first) {
      sink.add(range, 'error', 'tree/duplicate-key', `duplicate top-level key "${item.name}"`, {
        related: [sink.related(first, `"${item.name}" is first set here`)],
      });
      continue;
    }
    seen.set(item.name, range);
    if (known.includes(item.name)) continue;
    const suggestion = closest(item.name, known.filter((k) => !seen.has(k)));
    sink.add(range, 'error', 'tree/unknown-key',
      `unknown top-level key "${item.name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (expected ${known.join(', ')})`,
      suggestion ? { fixes: [replaceFix(tree.path, 'tree/unknown-key', range, suggestion, `Change to "${suggestion}"`)] } : {});
  }
  const anchor = tree.topKeys[0] ? shiftRange(tree.topKeys[0].item.range, tree.topKeys[0].line) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (!seen.has('name')) sink.add(anchor, 'error', 'tree/missing-field', 'the tree has no "name"');
  if (!seen.has('steps')) sink.add(anchor, 'error', 'tree/missing-field', 'the tree has no "steps"');
  else if (tree.steps.length === 0 && tree.stepsIsMap && tree.stepsKey) {
    sink.add(tree.stepsKey, 'error', 'tree/missing-field', '"steps" is empty: add at least one step');
  }
}

function checkStepIds(sink: DiagnosticSink): void {
  const { tree } = sink;
  tree.steps.forEach(({ item, line }, index) => {
    if (item.id === undefined) return;
    const firstIndex = tree.stepIndex.get(item.id)!;
    if (firstIndex === index) return;
    const first = tree.steps[firstIndex]!;
    sink.add(shiftRange(item.idRange, line), 'error', 'tree/duplicate-key', `duplicate step id "${item.id}"`, {
      related: [sink.related(shiftRange(first.item.idRange, first.line), `step "${item.id}" is first defined here`)],
    });
  });
}

interface FieldCheck {
  rule: ActionRule | undefined;
  actionList: string;
  diagnostics: LocalDiagnostic[];
}

/**
 * Key and required-field checks depend only on the step and its action's
 * rule, so they are kept per step (steps are reused across edits) and redone
 * only when the step or the workspace's actions change.
 */
const fieldChecks = new WeakMap<StepData, FieldCheck>();

function checkStepFields(sink: DiagnosticSink, placed: Placed<StepData>, options: TreeOptions, actions: string[], actionList: string): void {
  const { item: step, line } = placed;
  if (step.notAMapping) return;
  const rule = step.action ? actionRule(step.action.value, options.extraActions) : undefined;
  let cached = fieldChecks.get(step);
  if (!cached || cached.actionList !== actionList || !sameRule(cached.rule, rule)) {
    const lineText = (relative: number) => lineTextOf(sink.tree, relative + line);
    cached = { rule, actionList, diagnostics: stepFieldProblems(step, rule, actions, lineText) };
    fieldChecks.set(step, cached);
  }
  for (const d of cached.diagnostics) sink.items.push(placeDiagnostic(d, line, sink.tree.path));
}

function sameRule(a: ActionRule | undefined, b: ActionRule | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.required, b.required) && same(a.optional, b.optional);
}

/** The step's key problems with ranges relative to its chunk. */
function stepFieldProblems(step: StepData, rule: ActionRule | undefined, actions: string[], lineText: (line: number) => string): LocalDiagnostic[] {
  const problems: LocalDiagnostic[] = [];
  const add = (range: Range, code: string, message: string, extra: Partial<LocalDiagnostic> = {}) =>
    problems.push({ range, severity: 'error', code, message, ...extra });
  const label = step.id !== undefined ? `step "${step.id}"` : 'teardown step';
  const placed: Placed<StepData> = { item: step, line: 0 };
  if (!step.keys.some((k) => k.name === 'action')) {
    add(step.idRange, 'tree/missing-field', `${label} has no "action" (one of ${actions.join(', ')})`);
    return problems;
  }
  if (!step.action) return problems; // A non-string action was reported as a wrong type.
  if (!rule) {
    const suggestion = closest(step.action.value, actions);
    add(step.action.range, 'tree/unknown-action',
      `unknown action "${step.action.value}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (known: ${actions.join(', ')})`,
      suggestion ? { fixes: [replaceFix('', 'tree/unknown-action', step.action.range, suggestion, `Change to "${suggestion}"`)] } : {});
    return problems;
  }
  const allowed = [...Object.keys(COMMON_STEP_FIELDS), ...rule.required, ...rule.optional];
  const present = new Set(step.keys.map((k) => k.name));
  for (const key of step.keys) {
    if (step.id === undefined && key.name === 'depends_on') {
      add(key.range, 'tree/unknown-key', 'teardown steps have no "depends_on": they run in order after every step', {
        fixes: [removeKeyFix('', placed, key, lineText)],
      });
      continue;
    }
    if (allowed.includes(key.name)) continue;
    const suggestion = closest(key.name, allowed.filter((k) => !present.has(k)));
    const fixes = [removeKeyFix('', placed, key, lineText)];
    if (suggestion) fixes.unshift(replaceFix('', 'tree/unknown-key', key.range, suggestion, `Change to "${suggestion}"`));
    add(key.range, 'tree/unknown-key',
      `unknown key "${key.name}" for action "${step.action.value}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, { fixes });
  }
  for (const required of rule.required) {
    if (!present.has(required)) add(step.idRange, 'tree/missing-field', `${label} (action "${step.action.value}") needs "${required}"`);
  }
  const oneOf = Object.hasOwn(REQUIRED_ONE_OF, step.action.value) ? REQUIRED_ONE_OF[step.action.value]! : undefined;
  if (oneOf && !oneOf.some((k) => present.has(k))) {
    add(step.idRange, 'tree/missing-field', `${label} (action "${step.action.value}") needs ${oneOf.map((k) => `"${k}"`).join(' or ')}`);
  }
  return problems;
}

function checkDependencies(sink: DiagnosticSink): StepGraph {
  const { tree } = sink;
  const edges = tree.steps.map(({ item, line }, index) => {
    const out: number[] = [];
    const dependencies = item.dependsOn;
    for (let k = 0; k < dependencies.length; k++) {
      const dependency = dependencies[k]!;
      if (k > 0 && dependencies.slice(0, k).some((d) => d.name === dependency.name)) {
        sink.add(shiftRange(dependency.range, line), 'warning', 'tree/duplicate-dependency', `"${dependency.name}" is already listed in depends_on`);
        continue;
      }
      const target = tree.stepIndex.get(dependency.name);
      if (target === undefined) {
        const range = shiftRange(dependency.range, line);
        const suggestion = closest(dependency.name, tree.stepIndex.keys());
        sink.add(range, 'error', 'tree/unknown-dependency',
          `depends_on names an unknown step "${dependency.name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          suggestion ? { fixes: [replaceFix(tree.path, 'tree/unknown-dependency', range, suggestion, `Change to "${suggestion}"`)] } : {});
      } else if (target === index || dependency.name === item.id) {
        sink.add(shiftRange(dependency.range, line), 'error', 'tree/self-dependency', `step "${dependency.name}" depends on itself`);
      } else out.push(target);
    }
    return out;
  });
  const graph = new StepGraph(edges);
  for (const component of graph.cycles()) reportCycle(sink, graph, component);
  if (tree.steps.length > 0 && tree.stepsKey && !tree.steps.some(({ item }) => item.dependsOn.length === 0)) {
    sink.add(tree.stepsKey, 'error', 'tree/no-root-step', 'no step can start: every step has a "depends_on"');
  }
  return graph;
}

function reportCycle(sink: DiagnosticSink, graph: StepGraph, component: number[]): void {
  const { tree } = sink;
  const cycle = graph.cycleThrough(component);
  const names = cycle.map((i) => tree.steps[i]!.item.id!);
  const spelled = [...names, names[0]].join(' -> ');
  const edgeRanges = cycle.map((from, k) => {
    const to = names[(k + 1) % cycle.length]!;
    const placed = tree.steps[from]!;
    const entry = placed.item.dependsOn.find((d) => d.name === to)!;
    return { range: shiftRange(entry.range, placed.line), from: names[k]!, to };
  });
  edgeRanges.forEach((edge, k) => {
    sink.add(edge.range, 'error', 'tree/dependency-cycle', `dependency cycle: ${spelled}`, {
      related: edgeRanges.filter((_, j) => j !== k).map((other) => sink.related(other.range, `"${other.from}" depends on "${other.to}"`)),
    });
  });
}
