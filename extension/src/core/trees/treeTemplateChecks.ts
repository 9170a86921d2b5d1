/**
 * Templates against what the tree declares: `{{ .vars.x }}` needs a var,
 * `{{ .outputs.s.k }}` needs a step `s` that declares `k` and that the current
 * step depends on (teardown may use any step: it runs after all of them).
 * Then the other way round: vars and extracted outputs that nothing uses.
 */
import { addDependencyFix, declareVarFix, replaceFix } from './treeFixes';
import type { StepGraph } from './treeGraph';
import { shiftRange, type OutputDecl, type StepData } from './treeModel';
import type { Placed } from './treeParse';
import { closest } from './treeTemplates';
import type { DiagnosticSink } from './treeValidate';

export function checkTemplates(sink: DiagnosticSink, graph: StepGraph): void {
  const { tree } = sink;
  const varNames = new Set(tree.vars.map((v) => v.item.name));
  const usedVars = new Set<string>();
  const usedOutputs = new Set<OutputDecl>();
  const check = (placed: Placed<StepData>, index: number | undefined) => {
    for (const template of placed.item.templates) {
      if (template.kind === 'var') {
        if (varNames.has(template.name)) {
          usedVars.add(template.name);
          continue;
        }
        const nameRange = shiftRange(template.nameRange, placed.line);
        const suggestion = closest(template.name, varNames);
        const fixes = suggestion ? [replaceFix(tree.path, 'tree/undeclared-var', nameRange, suggestion, `Change to "${suggestion}"`)] : [];
        const declare = declareVarFix(tree, template.name);
        if (declare) fixes.push(declare);
        sink.add(nameRange, 'error', 'tree/undeclared-var',
          `var "${template.name}" is not declared in "vars"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          fixes.length > 0 ? { fixes } : {});
        continue;
      }
      const target = tree.stepIndex.get(template.name);
      if (target === undefined) {
        const nameRange = shiftRange(template.nameRange, placed.line);
        const suggestion = closest(template.name, tree.stepIndex.keys());
        sink.add(nameRange, 'error', 'tree/template-unknown-step',
          `no step "${template.name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          suggestion ? { fixes: [replaceFix(tree.path, 'tree/template-unknown-step', nameRange, suggestion, `Change to "${suggestion}"`)] } : {});
        continue;
      }
      const targetStep = tree.steps[target]!.item;
      const key = template.key!;
      const output = findOutput(targetStep, key);
      if (output) usedOutputs.add(output);
      else {
        const keyRange = shiftRange(template.keyRange!, placed.line);
        const declared = targetStep.outputs.map((o) => o.key);
        const suggestion = closest(key, declared);
        const known = declared.length > 0 ? ` (it declares ${declared.map((k) => `"${k}"`).join(', ')})` : ' (it declares no outputs)';
        sink.add(keyRange, 'error', 'tree/unknown-output',
          `step "${template.name}" has no output "${key}"${suggestion ? `; did you mean "${suggestion}"?` : known}`,
          suggestion ? { fixes: [replaceFix(tree.path, 'tree/unknown-output', keyRange, suggestion, `Change to "${suggestion}"`)] } : {});
      }
      if (index === undefined) continue;
      if (target !== index && graph.dependsOn(index, target)) continue;
      const range = shiftRange(template.range, placed.line);
      const self = placed.item.id!;
      if (target === index) {
        sink.add(range, 'error', 'tree/template-own-output', `step "${self}" cannot use its own output: it does not exist until the step has run`);
      } else {
        if (graph.dependsOn(target, index)) {
          sink.add(range, 'error', 'tree/template-missing-dependency',
            `step "${self}" uses an output of "${template.name}", which runs after it ("${template.name}" depends on "${self}")`);
        } else {
          const fix = addDependencyFix(tree.path, placed, template.name);
          sink.add(range, 'error', 'tree/template-missing-dependency',
            `step "${self}" uses an output of "${template.name}" but does not depend on it: add "${template.name}" to its depends_on`,
            fix ? { fixes: [fix] } : {});
        }
      }
    }
  };
  tree.steps.forEach((placed, index) => check(placed, index));
  tree.teardown.forEach((placed) => check(placed, undefined));
  tree.headerTemplates.forEach((placed) => check(placed, undefined));
  for (const { item, line } of tree.vars) {
    if (usedVars.has(item.name)) continue;
    sink.add(shiftRange(item.range, line), 'hint', 'tree/unused-var', `var "${item.name}" is not used by any template`, { tags: ['unnecessary'] });
  }
  tree.steps.forEach(({ item, line }, index) => {
    if (tree.stepIndex.get(item.id!) !== index) return;
    for (const output of item.outputs) {
      if (output.isComparison || usedOutputs.has(output)) continue;
      sink.add(shiftRange(output.keyRange, line), 'hint', 'tree/unused-output',
        `output "${output.key}" of step "${item.id}" is not used by any template`, { tags: ['unnecessary'] });
    }
  });
}

function findOutput(step: StepData, key: string): OutputDecl | undefined {
  for (const output of step.outputs) if (output.key === key) return output;
  return undefined;
}
