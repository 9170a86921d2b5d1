/**
 * One parsed YAML piece -> ChunkData: steps with their keys, action,
 * `depends_on`, outputs and templates, vars, and the checks that need nothing
 * outside the piece (YAML syntax, duplicate keys, types, malformed templates
 * and output expressions). Ranges are relative to the piece's first line.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Range } from '../diagnostics/diagnostic';
import { tooDeepMessage } from '../diagnostics/nestingDepth';
import { yamlTooDeep } from '../diagnostics/nestingDepthYaml';
import { fieldSpec } from './treeActions';
import type { ChunkData, LocalDiagnostic, Named, StepData, TemplateRef, VarData } from './treeModel';
import { lineStartsOf, positionAt } from './treeModel';
import { checkFieldType, describeNode } from './treeTypes';
import { COMPARISON, outputExpressionProblem, scanTemplates } from './treeTemplates';

type AnyNode = Node | null | undefined;

/** Keys whose values are not scanned for templates: they name things rather than carry text. */
const UNSCANNED_KEYS = new Set(['action', 'depends_on', 'outputs']);
/** How a `<<` merge key is named in our pairs (yaml gives it a symbol). */
const MERGE_KEY = '<<';

export class ChunkExtractor {
  readonly diagnostics: LocalDiagnostic[] = [];
  needsWholeDocument = false;
  private readonly lineStarts: number[];
  private doc?: Document.Parsed;
  /** Each alias of the document and the node it stands for, found in one walk on first use. */
  private aliasTargets?: Map<Alias, Node | undefined>;

  constructor(private readonly source: string) {
    this.lineStarts = lineStartsOf(source);
  }

  parse(): Document.Parsed {
    // Too deep for the parser (it recurses per level, and past ~800 can crash the process): report it, read nothing.
    const tooDeep = yamlTooDeep(this.source);
    if (tooDeep) {
      const doc = parseDocument('');
      this.doc = doc;
      this.diagnostics.push({ range: this.range(tooDeep.offset, tooDeep.offset + 1), severity: 'error', code: 'tree/yaml-syntax', message: `YAML syntax: ${tooDeepMessage(tooDeep.limit)}` });
      return doc;
    }
    const doc = parseDocument(this.source, { uniqueKeys: false, prettyErrors: false, strict: false, merge: true });
    this.doc = doc;
    for (const error of doc.errors) this.syntaxProblem(error.message, error.pos, 'error');
    for (const warning of doc.warnings) this.syntaxProblem(warning.message, warning.pos, 'warning');
    return doc;
  }

  range(start: number, end: number): Range {
    return { start: positionAt(this.lineStarts, start), end: positionAt(this.lineStarts, end) };
  }

  /** A node's range without the line breaks and spaces a block value ends with. */
  nodeRange(node: Node): Range {
    const [start, end] = node.range ?? [0, 0];
    return this.range(start, this.contentEnd(start, end));
  }

  private contentEnd(start: number, end: number): number {
    let at = end;
    while (at > start) {
      const c = this.source.charCodeAt(at - 1);
      if (c !== 10 && c !== 13 && c !== 32 && c !== 9) break;
      at--;
    }
    return at;
  }

  /** The range of a pair's value, or of its key when the value is missing or empty. */
  valueRange(pair: Pair): Range {
    const value = pair.value as AnyNode;
    if (value?.range && value.range[1] > value.range[0]) return this.nodeRange(value);
    return this.nodeRange(pair.key as Node);
  }

  problem(range: Range, code: string, message: string, extra: Partial<LocalDiagnostic> = {}): void {
    this.diagnostics.push({ range, severity: 'error', code, message, ...extra });
  }

  private syntaxProblem(rawMessage: string, at: [number, number], severity: 'error' | 'warning'): void {
    // yaml appends "at line N, column M" and an excerpt; both would be wrong once the chunk moves.
    const message = rawMessage.split(/ at line \d+, column \d+/)[0]!.trim();
    const end = Math.max(at[1], Math.min(this.source.length, at[0] + 1));
    this.diagnostics.push({ range: this.range(at[0], end), severity, code: 'tree/yaml-syntax', message: `YAML syntax: ${message}` });
  }

  /** A mapping's pairs with duplicate keys reported (the first one wins). */
  pairs(map: YAMLMap, context: string): { name: string; pair: Pair; keyRange: Range }[] {
    const seen = new Map<string, Range>();
    const out: { name: string; pair: Pair; keyRange: Range }[] = [];
    for (const pair of map.items) {
      const key = pair.key as AnyNode;
      if (!isScalar(key)) {
        if (key) this.problem(this.nodeRange(key), 'tree/wrong-type', `${context}: keys must be plain names`);
        continue;
      }
      const name = typeof key.value === 'symbol' ? MERGE_KEY : String(key.value);
      const keyRange = this.nodeRange(key);
      const first = seen.get(name);
      if (first) {
        this.problem(keyRange, 'tree/duplicate-key', `duplicate key "${name}" in ${context}`, {
          related: [{ location: { path: '', range: first }, message: `"${name}" is first set here` }],
        });
        continue;
      }
      seen.set(name, keyRange);
      out.push({ name, pair, keyRange });
    }
    return out;
  }

  /** Every nested node: duplicate keys in mappings, aliases, templates in strings. */
  walk(node: AnyNode, context: string, templates: StepData['templates']): void {
    if (!node) return;
    if (isAlias(node)) {
      this.needsWholeDocument = true;
      return;
    }
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.range) this.templatesIn(node.range[0], node.range[1], templates);
      return;
    }
    if (isMap(node)) {
      for (const { name, pair } of this.pairs(node, context)) {
        // Keys may be templates too (`"{{ .vars.header }}": value` in a body).
        if (name.includes('{{')) this.walk(pair.key as AnyNode, context, templates);
        this.walk(pair.value as AnyNode, `${context}.${name}`, templates);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.walk(item as AnyNode, `${context}[${i}]`, templates));
    }
  }

  private templatesIn(start: number, end: number, templates: StepData['templates']): void {
    const source = this.source.slice(start, end);
    if (!source.includes('{{')) return;
    for (const t of scanTemplates(source)) {
      if (!t.ok) {
        this.problem(this.range(start + t.start, start + t.end), 'tree/malformed-template', t.message);
        continue;
      }
      const range = this.range(start + t.start, start + t.end);
      const nameRange = this.range(start + t.nameStart, start + t.nameStart + t.name.length);
      if (t.kind === 'var') templates.push({ kind: 'var', range, name: t.name, nameRange });
      else {
        const keyRange = this.range(start + t.keyStart, start + t.keyStart + t.key.length);
        templates.push({ kind: 'output', range, name: t.name, nameRange, key: t.key, keyRange });
      }
    }
  }

  vars(node: AnyNode, templates: TemplateRef[]): VarData[] {
    if (!node || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) {
      this.problem(this.nodeRange(node), 'tree/wrong-type', `"vars" must be a mapping of names to values, not ${describeNode(node)}`);
      return [];
    }
    return this.pairs(node, 'vars').map(({ name, pair, keyRange: range }) => {
      const value = pair.value as AnyNode;
      this.walk(value, `vars.${name}`, templates);
      const valueText = value?.range ? this.source.slice(value.range[0], value.range[1]) : '';
      return { name, range, valueText };
    });
  }

  /** A step under `steps:` (with its id key) or a teardown item (without). */
  step(idKey: Named | undefined, node: AnyNode, itemRange: Range): StepData {
    const idRange = idKey?.range ?? itemRange;
    const label = idKey ? `step "${idKey.name}"` : 'teardown step';
    const end = node?.range ? this.nodeRange(node).end : idRange.end;
    const step: StepData = { idRange, range: { start: idRange.start, end }, keys: [], dependsOn: [], outputs: [], templates: [] };
    if (idKey) step.id = idKey.name;
    if (isAlias(node)) {
      this.needsWholeDocument = true;
      return step;
    }
    if (!isMap(node)) {
      this.problem(node && node.range && node.range[1] > node.range[0] ? this.nodeRange(node) : idRange, 'tree/wrong-type',
        `${label} must be a mapping with an "action", not ${describeNode(node)}`);
      step.notAMapping = true;
      return step;
    }
    const allPairs = this.pairs(node, label);
    const pairs = allPairs.filter((p) => p.name !== MERGE_KEY);
    const inherited = this.mergedPairs(allPairs.filter((p) => p.name === MERGE_KEY), new Set(pairs.map((p) => p.name)));
    const first = allPairs[0];
    if (!node.flow && first && inherited.length === 0) step.keyIndent = first.keyRange.start.character;
    if (!idKey && first) step.idRange = first.keyRange;
    const actionPair = pairs.find((p) => p.name === 'action') ?? inherited.find((p) => p.name === 'action');
    const actionValue = actionPair?.pair.value as AnyNode;
    if (actionPair && isScalar(actionValue) && typeof actionValue.value === 'string') {
      step.action = { value: actionValue.value, range: this.nodeRange(actionValue) };
    }
    for (const { name, pair, keyRange } of pairs) {
      step.keys.push({ name, range: keyRange, valueEnd: this.valueRange(pair).end });
      const value = pair.value as AnyNode;
      if (name === 'depends_on') this.dependsOn(step, value, keyRange, label);
      else if (name === 'outputs') this.outputs(step, value, label);
      else {
        const spec = fieldSpec(step.action?.value, name);
        if (spec) checkFieldType(this, pair, name, spec);
      }
      if (!UNSCANNED_KEYS.has(name)) this.walk(value, `${label}.${name}`, step.templates);
      else if (isAlias(value)) this.needsWholeDocument = true;
    }
    // Merged keys count as present; their values were checked where the anchor is, so their problems are not repeated here.
    const reported = this.diagnostics.length;
    for (const { name, pair, keyRange } of inherited) {
      step.keys.push({ name, range: keyRange, valueEnd: keyRange.end });
      if (name === 'depends_on') this.dependsOn(step, pair.value as AnyNode, keyRange, label);
      else if (name === 'outputs') this.outputs(step, pair.value as AnyNode, label);
    }
    this.diagnostics.length = reported;
    if (inherited.length > 0) delete step.dependsOnField;
    return step;
  }

  /** Pairs brought in by `<<: *anchor` (or a list of them), the step's own keys and earlier merges winning. */
  private mergedPairs(merges: { pair: Pair; keyRange: Range }[], own: Set<string>): { name: string; pair: Pair; keyRange: Range }[] {
    const out: { name: string; pair: Pair; keyRange: Range }[] = [];
    const taken = new Set(own);
    for (const { pair, keyRange } of merges) {
      const value = pair.value as AnyNode;
      const sources = isSeq(value) ? (value.items as AnyNode[]) : [value];
      for (const source of sources) {
        // The anchor may be in another chunk: only the whole document can resolve it.
        if (isAlias(source)) this.needsWholeDocument = true;
        const map = isAlias(source) ? this.resolveAlias(source) : source;
        if (!isMap(map)) continue;
        for (const inner of map.items) {
          if (!isScalar(inner.key) || typeof inner.key.value === 'symbol') continue;
          const name = String(inner.key.value);
          if (taken.has(name)) continue;
          taken.add(name);
          out.push({ name, pair: inner, keyRange });
        }
      }
    }
    return out;
  }

  /**
   * The node an alias stands for: the last node before it with that anchor, as yaml's
   * `Alias.resolve` answers — which walks the whole document on every call, so ten
   * thousand `<<: *base` took minutes. One walk here answers them all.
   */
  private resolveAlias(alias: Alias): Node | undefined {
    if (!this.doc) return undefined;
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node | undefined>();
      const latest = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, latest.get(node.source));
          else if (node.anchor) latest.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  private dependsOn(step: StepData, value: AnyNode, keyRange: Range, label: string): void {
    const wrong = () =>
      this.problem(value && value.range && value.range[1] > value.range[0] ? this.nodeRange(value) : keyRange, 'tree/wrong-type',
        `"depends_on" of ${label} must be a step id or a list of step ids, not ${describeNode(value)}`);
    if (isScalar(value) && typeof value.value === 'string' && value.value !== '') {
      const range = this.nodeRange(value);
      step.dependsOn.push({ name: value.value, range });
      step.dependsOnField = { keyRange, valueRange: range, style: 'scalar' };
      return;
    }
    if (!isSeq(value)) {
      if (isAlias(value)) this.needsWholeDocument = true;
      else wrong();
      return;
    }
    const valueRange = this.nodeRange(value);
    let itemIndent: number | undefined;
    for (const item of value.items as AnyNode[]) {
      if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') && item.range) {
        const range = this.nodeRange(item);
        // The `-` sits two columns before the item in the usual `- id` layout; find it exactly.
        if (!value.flow && itemIndent === undefined) itemIndent = this.dashColumn(item.range[0]);
        step.dependsOn.push({ name: String(item.value), range });
      } else {
        this.problem(item?.range ? this.nodeRange(item) : valueRange, 'tree/wrong-type',
          `each "depends_on" entry of ${label} must be a step id, not ${describeNode(item)}`);
      }
    }
    const style = value.flow ? (value.items.length === 0 ? 'empty' : 'flow') : 'block';
    step.dependsOnField = { keyRange, valueRange, style, ...(itemIndent !== undefined ? { itemIndent } : {}) };
  }

  private dashColumn(offset: number): number | undefined {
    const position = positionAt(this.lineStarts, offset);
    const line = this.source.slice(this.lineStarts[position.line], offset);
    const dash = line.lastIndexOf('-');
    return dash >= 0 && line.slice(0, dash).trim() === '' ? dash : undefined;
  }

  private outputs(step: StepData, value: AnyNode, label: string): void {
    if (isAlias(value)) {
      this.needsWholeDocument = true;
      return;
    }
    if (!isSeq(value)) {
      this.problem(value?.range ? this.nodeRange(value) : step.idRange, 'tree/wrong-type',
        `"outputs" of ${label} must be a list of "- key: .json.path", not ${describeNode(value)}`);
      return;
    }
    const seen = new Map<string, Range>();
    for (const item of value.items as AnyNode[]) {
      if (!isMap(item) || item.items.length !== 1) {
        this.problem(item?.range ? this.nodeRange(item) : this.nodeRange(value), 'tree/wrong-type',
          `each output of ${label} is one "key: .json.path" pair, not ${isMap(item) ? `${item.items.length} pairs` : describeNode(item)}`);
        continue;
      }
      const pair = item.items[0]!;
      const key = pair.key as AnyNode;
      const expression = pair.value as AnyNode;
      if (!isScalar(key)) continue;
      const name = String(key.value);
      const keyRange = this.nodeRange(key);
      if (!isScalar(expression) || typeof expression.value !== 'string') {
        this.problem(this.valueRange(pair), 'tree/wrong-type', `output "${name}" must be a JSON path such as ".data.id", not ${describeNode(expression)}`);
        continue;
      }
      const expressionRange = this.nodeRange(expression);
      const problem = outputExpressionProblem(expression.value);
      if (problem) this.problem(expressionRange, 'tree/malformed-output', problem);
      const first = seen.get(name);
      if (first) {
        this.problem(keyRange, 'tree/duplicate-key', `duplicate output "${name}" in ${label}`, {
          related: [{ location: { path: '', range: first }, message: `"${name}" is first declared here` }],
        });
        continue;
      }
      seen.set(name, keyRange);
      step.outputs.push({ key: name, keyRange, expression: expression.value, expressionRange, isComparison: COMPARISON.test(expression.value) });
    }
  }

  /** The result for this chunk (diagnostics sorted so cached chunks compare equal). */
  finish(kind: ChunkData['kind'], data: Partial<ChunkData>): ChunkData {
    return {
      kind,
      text: this.source,
      lineCount: this.lineStarts.length,
      topKeys: [],
      vars: [],
      stepsIsMap: true,
      steps: [],
      teardown: [],
      headerTemplates: [],
      ...data,
      diagnostics: this.diagnostics,
      needsWholeDocument: this.needsWholeDocument,
    };
  }
}
