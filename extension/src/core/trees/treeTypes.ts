/**
 * Type checks of step fields against treeActions' FieldType, on the YAML nodes
 * so the squiggle sits on the offending value. A string holding a template is
 * accepted wherever a number is expected: its value is only known at run time.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Range } from '../diagnostics/diagnostic';
import { HTTP_METHODS, type FieldSpec } from './treeActions';
import type { LocalDiagnostic } from './treeModel';

/** What the type checks need from the extractor (kept narrow to avoid a cycle of classes). */
export interface TypeCheckHost {
  nodeRange(node: Node): Range;
  valueRange(pair: Pair): Range;
  problem(range: Range, code: string, message: string, extra?: Partial<LocalDiagnostic>): void;
}

export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h)$/;

export function describeNode(node: unknown): string {
  if (node === null || node === undefined) return 'empty';
  if (isAlias(node)) return 'an alias';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'empty';
    if (typeof value === 'string') return 'a string';
    if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
    if (typeof value === 'boolean') return 'a boolean';
  }
  return 'a value of another kind';
}

const isTemplate = (value: unknown): boolean => typeof value === 'string' && value.includes('{{');

function scalarValue(node: unknown): { ok: boolean; value: unknown } {
  if (!isScalar(node)) return { ok: false, value: undefined };
  return { ok: true, value: node.value };
}

const EXPECTED: Record<FieldSpec['type'], string> = {
  string: 'a string',
  integer: 'a whole number (0 or more)',
  number: 'a number (0 or more)',
  duration: 'a duration: seconds, or "30s", "5m", "1h", "500ms"',
  condition: 'a boolean or a condition string',
  httpMethod: `one of ${HTTP_METHODS.join(', ')}`,
  statusCodes: 'an HTTP status (100-599) or a list of them',
  scalarMap: 'a mapping of names to strings, numbers or booleans',
  any: 'any value',
  dependsOn: 'a step id or a list of step ids',
  outputs: 'a list of "- key: .json.path"',
};

function isStatus(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

/** Whether a scalar value fits the type; maps and lists are handled by the caller. */
function scalarFits(type: FieldSpec['type'], value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || isTemplate(value);
    case 'number':
      return (typeof value === 'number' && value >= 0) || isTemplate(value);
    case 'duration':
      return (typeof value === 'number' && value >= 0) || (typeof value === 'string' && DURATION_PATTERN.test(value)) || isTemplate(value);
    case 'condition':
      return typeof value === 'boolean' || typeof value === 'string';
    case 'httpMethod':
      return (typeof value === 'string' && (HTTP_METHODS as readonly string[]).includes(value)) || isTemplate(value);
    case 'statusCodes':
      return isStatus(value) || isTemplate(value);
    default:
      return false;
  }
}

export function checkFieldType(host: TypeCheckHost, pair: Pair, name: string, spec: FieldSpec): void {
  const node = pair.value as Node | null;
  if (spec.type === 'any' || spec.type === 'dependsOn' || spec.type === 'outputs' || isAlias(node)) return;
  const wrong = (range: Range, what: string = describeNode(node), extra?: Partial<LocalDiagnostic>) =>
    host.problem(range, 'tree/wrong-type', `"${name}" must be ${EXPECTED[spec.type]}, not ${what}`, extra);

  if (spec.type === 'scalarMap') {
    if (!isMap(node)) return wrong(host.valueRange(pair));
    for (const item of node.items) {
      const value = item.value as Node | null;
      const scalar = scalarValue(value);
      const v = scalar.value;
      if (!scalar.ok || !(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        const key = isScalar(item.key) ? String(item.key.value) : '?';
        host.problem(host.valueRange(item), 'tree/wrong-type', `"${name}.${key}" must be a string, number or boolean, not ${describeNode(value)}`);
      }
    }
    return;
  }
  if (spec.type === 'statusCodes' && isSeq(node)) {
    for (const item of node.items as (Node | null)[]) {
      if (!isStatus(scalarValue(item).value) && !isTemplate(scalarValue(item).value)) {
        host.problem(item ? host.nodeRange(item) : host.valueRange(pair), 'tree/wrong-type',
          `each "${name}" entry must be an HTTP status (100-599), not ${describeNode(item)}`);
      }
    }
    return;
  }
  const scalar = scalarValue(node);
  if (scalar.ok && scalarFits(spec.type, scalar.value)) return;
  if (spec.type === 'httpMethod' && typeof scalar.value === 'string' && node) {
    const upper = scalar.value.toUpperCase();
    if ((HTTP_METHODS as readonly string[]).includes(upper)) {
      const range = host.nodeRange(node);
      return wrong(range, `"${scalar.value}"; did you mean "${upper}"?`, {
        fixes: [{ title: `Change to "${upper}"`, fixes: 'tree/wrong-type', isPreferred: true, edits: [{ path: '', edits: [{ range, newText: upper }] }] }],
      });
    }
    return wrong(host.valueRange(pair), `"${scalar.value}"`);
  }
  if (typeof scalar.value === 'number' && scalar.value < 0) return wrong(host.valueRange(pair), 'a negative number');
  if (spec.type === 'duration' && typeof scalar.value === 'string') return wrong(host.valueRange(pair), `"${scalar.value}"`);
  wrong(host.valueRange(pair));
}
