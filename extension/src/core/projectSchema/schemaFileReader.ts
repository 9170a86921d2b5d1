/**
 * Reading `.orchard/schema.yaml` into the resolved schema plus diagnostics at
 * exact ranges. Whatever is broken is reported and dropped, and the defaults
 * apply in its place, so one typo never switches the other rules off.
 */
import picomatch from 'picomatch/posix';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type * as z from 'zod/mini';
import { compareDiagnostics, type OrchardDiagnostic, type QuickFix, type Range, type Severity } from '../diagnostics/diagnostic';
import { closestMatch } from '../diagnostics/didYouMean';
import { LineIndex, withLfLineBreaks } from '../diagnostics/lineIndex';
import { tooDeepMessage } from '../diagnostics/nestingDepth';
import { yamlTooDeep } from '../diagnostics/nestingDepthYaml';
import { knownKeysAt, ProjectSchemaFile, resolveProjectSchema } from './schemaFormat';
import { BUILT_IN_TREE_ACTIONS, DEFAULT_PROJECT_SCHEMA, type ProjectSchema } from './schemaModel';

type KeyPath = (string | number)[];

/** Marks an array element to drop after a pass, so the indexes of the pass's other issues stay valid. */
const DROPPED = Symbol('dropped');

export function keyPathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

interface NodeLookup {
  /** The value node at the path, when it exists. */
  node: YamlNode | undefined;
  /** The key node of the last segment, when the path ends in a mapping key. */
  key: YamlNode | undefined;
}

function lookup(doc: Document, path: readonly PropertyKey[]): NodeLookup {
  let node: unknown = doc.contents;
  let key: YamlNode | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (!pair) return { node: undefined, key: undefined };
      key = isScalar(pair.key) ? pair.key : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      key = undefined;
    } else {
      return { node: undefined, key: undefined };
    }
  }
  return { node: (node ?? undefined) as YamlNode | undefined, key };
}

class SchemaFileReport {
  readonly diagnostics: OrchardDiagnostic[] = [];
  private readonly lines: LineIndex;

  constructor(
    /** The schema file's absolute path, for the edits of quick fixes. */
    readonly path: string,
    private readonly doc: Document,
    text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  /** The range of the value at `path`, or of its key when `atKey`; falls back to the nearest parent that exists. */
  rangeOf(path: readonly PropertyKey[], atKey: boolean): Range {
    for (let length = path.length; length > 0; length--) {
      const found = lookup(this.doc, path.slice(0, length));
      const target = (atKey || length < path.length) && found.key ? found.key : (found.node ?? found.key);
      if (target?.range) return this.lines.rangeOf(target.range[0], target.range[1]);
    }
    return this.lines.rangeOf(0, Math.max(0, this.lines.lineText(0).length));
  }

  add(code: string, severity: Severity, range: Range, message: string, fixes?: QuickFix[]): void {
    this.diagnostics.push({ range, severity, code, message, ...(fixes ? { fixes } : {}) });
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function drop(root: unknown, path: readonly PropertyKey[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== 'object' || last === undefined) return;
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = DROPPED;
  else delete (parent as Record<PropertyKey, unknown>)[last];
}

function removeDropped(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== DROPPED).map(removeDropped);
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) (value as Record<string, unknown>)[key] = removeDropped(child);
  }
  return value;
}

function reportIssue(report: SchemaFileReport, issue: z.core.$ZodIssue, data: unknown): void {
  const path = issue.path as KeyPath;
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const where = path.length === 0 ? 'at the top level' : `in ${keyPathText(path)}`;
      const range = report.rangeOf([...path, key], true);
      const match = closestMatch(key, knownKeysAt(path));
      const rename: QuickFix | undefined = match
        ? { title: `Rename to "${match}"`, fixes: 'schema/unknown-key', isPreferred: true, edits: [{ path: report.path, edits: [{ range, newText: match }] }] }
        : undefined;
      report.add('schema/unknown-key', 'warning', range, `unknown key "${key}" ${where}${match ? `; did you mean "${match}"?` : ''}`, rename && [rename]);
      drop(data, [...path, key]);
    }
    return;
  }
  if (issue.code === 'invalid_key') {
    report.add('schema/invalid-value', 'error', report.rangeOf(path, true), `${keyPathText(path)}: the name ${issue.issues[0]?.message ?? 'is not valid'}`);
    drop(data, path);
    return;
  }
  const message = path.length === 1 && path[0] === 'version' ? 'this version of Orchard reads schema version 1 only' : issue.message;
  report.add('schema/invalid-value', 'error', report.rangeOf(path, false), `${keyPathText(path) || 'the file'}: ${message}`);
  drop(data, path);
}

/** Checks zod cannot express with a precise range: glob syntax, built-in action names, a field listed twice. */
function checkSemantics(report: SchemaFileReport, file: ProjectSchemaFile): ProjectSchemaFile {
  for (const glob of Object.keys(file.memory?.files ?? {})) {
    try {
      picomatch.makeRe(glob, { strictBrackets: true });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.add('schema/invalid-glob', 'error', report.rangeOf(['memory', 'files', glob], true), `memory.files: "${glob}" is not a valid glob (${reason}); this rule is ignored`);
      delete file.memory?.files?.[glob];
    }
  }
  for (const [name, rule] of Object.entries(file.trees?.actions ?? {})) {
    if (BUILT_IN_TREE_ACTIONS.includes(name)) {
      report.add(
        'schema/builtin-action',
        'warning',
        report.rangeOf(['trees', 'actions', name], true),
        `trees.actions.${name}: "${name}" is a built-in tree action and cannot be redefined here; this entry is ignored`,
      );
      delete file.trees?.actions?.[name];
      continue;
    }
    (rule.optional ?? []).forEach((field, index) => {
      if (!(rule.required ?? []).includes(field)) return;
      report.add(
        'schema/duplicate-field',
        'warning',
        report.rangeOf(['trees', 'actions', name, 'optional', index], false),
        `trees.actions.${name}: "${field}" is listed as both required and optional; it is required`,
      );
    });
    if (rule.optional) rule.optional = rule.optional.filter((field) => !(rule.required ?? []).includes(field));
  }
  return file;
}

/**
 * Keys repeated in a mapping, as yaml reports them with `uniqueKeys` ("Map keys
 * must be unique", at the repeated key), in one pass: yaml's own check is
 * quadratic, a minute for a schema.yaml of a hundred thousand keys.
 */
function duplicateKeys(doc: Document.Parsed): { message: string; pos: [number, number] }[] {
  const found: { message: string; pos: [number, number] }[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) found.push({ message: 'Map keys must be unique', pos: [pair.key.range?.[0] ?? 0, pair.key.range?.[1] ?? 0] });
        seen.add(pair.key.value);
      }
    },
  });
  return found;
}

export function parseProjectSchema(path: string, documentText: string): { schema: ProjectSchema; diagnostics: OrchardDiagnostic[] } {
  // `yaml` reads a lone `\r` as no line break at all; as `\n` (same offsets) it reads the lines the editor shows.
  const text = withLfLineBreaks(documentText);
  if (text.trim() === '') return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [] };
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) {
    const lines = new LineIndex(text);
    const range = lines.rangeOf(tooDeep.offset, tooDeep.offset + 1);
    const diagnostic: OrchardDiagnostic = { range, severity: 'error', code: 'schema/yaml-syntax', message: `YAML syntax error: the file is ${tooDeepMessage(tooDeep.limit)}; the built-in defaults apply` };
    return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [diagnostic] };
  }
  // Duplicate keys are found here, not by yaml's `uniqueKeys`, which compares each key with every earlier one.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const report = new SchemaFileReport(path, doc, text);
  const lines = new LineIndex(text);
  const errors = [...doc.errors, ...duplicateKeys(doc)];
  if (errors.length > 0) {
    for (const error of errors) {
      const firstLine = error.message.split('\n')[0] ?? error.message;
      report.add('schema/yaml-syntax', 'error', lines.rangeOf(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)), `YAML syntax error: ${firstLine}; the built-in defaults apply`);
    }
    return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: report.diagnostics.sort(compareDiagnostics) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    report.add('schema/yaml-syntax', 'error', lines.rangeOf(0, lines.lineText(0).length), `YAML error: ${error instanceof Error ? error.message : String(error)}`);
    return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: report.diagnostics };
  }
  if (data === null || data === undefined) return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    report.add('schema/invalid-value', 'error', report.rangeOf([], false), 'the file must be a mapping with the keys version, memory and trees');
    return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: report.diagnostics };
  }
  // Each pass reports and drops what is broken; what is left is valid and applies.
  for (let pass = 0; pass < 10; pass++) {
    const result = ProjectSchemaFile.safeParse(data);
    if (result.success) {
      const schema = resolveProjectSchema(checkSemantics(report, result.data));
      return { schema, diagnostics: report.diagnostics.sort(compareDiagnostics) };
    }
    for (const issue of result.error.issues) reportIssue(report, issue, data);
    data = removeDropped(data);
  }
  return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: report.diagnostics.sort(compareDiagnostics) };
}
