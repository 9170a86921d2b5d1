/**
 * Front matter per memory kind: `.claude/rules` `paths`, Cursor `.mdc`
 * `description`/`globs`/`alwaysApply`, Copilot `applyTo`/`excludeAgent`,
 * AGENTS.md `name`/`description`.
 *
 * Cursor and VS Code read front matter leniently — `globs: *.ts` is common
 * and is not valid YAML (`*` starts an alias) — so when strict YAML fails we
 * fall back to reading `key: value` lines the way those tools do, and report
 * only lines that make no sense either way.
 */
import picomatch from 'picomatch/posix';
import { isMap, isScalar, isSeq, parseDocument, visit, type Node as YamlNode } from 'yaml';
import type * as z from 'zod/mini';
import type { OrchardDiagnostic, Range } from '../diagnostics/diagnostic';
import { closestMatch } from '../diagnostics/didYouMean';
import { lineRange, withLfLineBreaks, type LineIndex } from '../diagnostics/lineIndex';
import { tooDeepMessage } from '../diagnostics/nestingDepth';
import { yamlTooDeep } from '../diagnostics/nestingDepthYaml';
import type { MarkdownScan } from './markdownScan';
import type { MemoryKind } from '../memoryKinds';
import { FRONT_MATTER_SCHEMAS, GLOB_FIELDS, USES_FRONT_MATTER } from './memorySchemas';

interface FieldValue {
  value: unknown;
  range: Range;
}

export interface FrontMatterField extends FieldValue {
  key: string;
  keyRange: Range;
  /** For a list value, each item with its own range. */
  items?: FieldValue[];
}

/**
 * Front matter holds a few settings (a description, globs, a flag). The `yaml`
 * package needs seconds for a megabyte of hostile YAML, so a block longer than
 * this is reported, not parsed.
 */
export const MAX_FRONT_MATTER_CHARS = 64 * 1024;

function fieldError(range: Range, message: string, code = 'memory/front-matter-field'): OrchardDiagnostic {
  return { range, severity: 'error', code, message };
}

function typeName(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

function invalidGlob(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return glob.trim() === '' ? 'an empty glob matches nothing' : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// `*.ts, src/**/*.{js,jsx}` -> two globs: commas inside braces belong to the glob.
export function splitGlobList(value: string): string[] {
  const globs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      globs.push(value.slice(start, i));
      start = i + 1;
    }
  }
  globs.push(value.slice(start));
  return globs.filter((glob, index) => glob.trim() !== '' || (index === 0 && globs.length === 1));
}

/** Each entry of a glob field (already known to be a string or a list) must be a glob that parses. */
function globDiagnostics(field: FrontMatterField, commaSeparated: boolean): OrchardDiagnostic[] {
  const values: FieldValue[] = field.items ?? (typeof field.value === 'string' ? [field] : []);
  const diagnostics: OrchardDiagnostic[] = [];
  for (const item of values) {
    if (typeof item.value !== 'string') {
      diagnostics.push(fieldError(item.range, `each "${field.key}" entry must be a glob string, not ${typeName(item.value)}`));
      continue;
    }
    const globs = commaSeparated ? splitGlobList(item.value) : [item.value];
    for (const glob of globs) {
      const problem = invalidGlob(glob.trim());
      if (problem) diagnostics.push(fieldError(item.range, `"${field.key}": "${glob.trim()}" is not a valid glob (${problem})`, 'memory/invalid-glob'));
    }
  }
  return diagnostics;
}

/** One field against its zod schema; the message names the field and what it holds now. */
function fieldDiagnostics(field: FrontMatterField, schema: z.ZodMiniType): OrchardDiagnostic[] {
  const result = schema.safeParse(field.value);
  if (result.success) {
    const glob = GLOB_FIELDS[field.key];
    return glob ? globDiagnostics(field, glob.commaSeparated) : [];
  }
  const issue = result.error.issues[0];
  const holds = issue?.code === 'custom' ? '' : `, not ${typeName(field.value)}`;
  return [fieldError(field.range, `"${field.key}" ${issue?.message ?? 'is not valid'}${holds}`)];
}

function readYaml(source: string, baseOffset: number, lines: LineIndex): FrontMatterField[] | undefined {
  // `yaml` reads a lone `\r` as no line break; as `\n` (same offsets) the ranges stay those of the text.
  const doc = parseDocument(withLfLineBreaks(source), { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) return undefined;
  // `globs: *.ts` parses as an alias named `.ts`: that is Cursor's unquoted glob, so read the lines leniently.
  let hasAlias = false;
  visit(doc, {
    Alias: () => {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (hasAlias) return undefined;
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) return undefined;
  const rangeOf = (node: YamlNode | null | undefined): Range | undefined =>
    node?.range ? lines.rangeOf(baseOffset + node.range[0], baseOffset + node.range[1]) : undefined;
  const fields: FrontMatterField[] = [];
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key)) continue;
    const keyRange = rangeOf(pair.key)!;
    const value = pair.value as YamlNode | null;
    const range = rangeOf(value) ?? keyRange;
    const plain = value === null ? null : (value.toJSON() as unknown);
    const field: FrontMatterField = { key: String(pair.key.value), keyRange, value: plain, range };
    if (isSeq(value)) field.items = value.items.map((item) => ({ value: (item as YamlNode | null)?.toJSON() ?? null, range: rangeOf(item as YamlNode) ?? range }));
    fields.push(field);
  }
  return fields;
}

function lenientScalar(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return null;
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const quoted = /^(["'])(.*)\1$/.exec(text);
  return quoted ? quoted[2] : text;
}

function withoutTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}

/** `key: value` and `- item` lines, the way Cursor and VS Code read front matter that is not strict YAML. */
function readLenient(scan: MarkdownScan, closeLine: number): { fields: FrontMatterField[]; problems: OrchardDiagnostic[] } {
  const fields: FrontMatterField[] = [];
  const problems: OrchardDiagnostic[] = [];
  for (let line = 1; line < closeLine; line++) {
    const text = scan.lines[line] ?? '';
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    // The value is trimmed by hand: `(.*?)[ \t]*$` retries the trailing blanks at every character, quadratic on long blank runs.
    const pair = /^([A-Za-z_][\w-]*)[ \t]*:(.*)$/.exec(text);
    if (pair) {
      const key = pair[1] ?? '';
      const raw = withoutTrailingBlanks((pair[2] ?? '').replace(/^[ \t]+/, ''));
      const valueStart = raw === '' ? text.length : text.indexOf(raw, key.length + 1);
      const range = lineRange(line, valueStart, valueStart + raw.length);
      const field: FrontMatterField = { key, keyRange: lineRange(line, 0, key.length), value: lenientScalar(raw), range };
      if (raw.startsWith('[') && raw.endsWith(']')) {
        field.items = raw
          .slice(1, -1)
          .split(',')
          .map((item) => ({ value: lenientScalar(item), range }));
        field.value = field.items.map((item) => item.value);
      }
      fields.push(field);
      continue;
    }
    const item = /^[ \t]+-[ \t]+(.*)$/.exec(text);
    const last = fields[fields.length - 1];
    if (item && last && (last.value === null || last.items)) {
      const value = withoutTrailingBlanks(item[1] ?? '');
      const start = text.indexOf(value, text.indexOf('-') + 1);
      const entry = { value: lenientScalar(value), range: lineRange(line, start, start + value.length) };
      last.items = [...(last.items ?? []), entry];
      last.value = last.items.map((each) => each.value);
      continue;
    }
    problems.push(fieldError(lineRange(line, 0, text.length), 'front matter: this line is neither "key: value" nor a "- item" of a list', 'memory/front-matter-syntax'));
  }
  return { fields, problems };
}

export function frontMatterDiagnostics(path: string, kind: MemoryKind, scan: MarkdownScan, lines: LineIndex): OrchardDiagnostic[] {
  const block = scan.frontMatter;
  if (!block) return [];
  if (block.closeLine === undefined) {
    if (!USES_FRONT_MATTER.has(kind)) return [];
    return [fieldError(lineRange(0, 0, 3), 'front matter is opened with "---" here and never closed with another "---" line', 'memory/front-matter-syntax')];
  }
  const schema = FRONT_MATTER_SCHEMAS[kind];
  if (!schema) return [];
  const start = lines.lineStarts[1] ?? 0;
  const end = lines.lineStarts[block.closeLine] ?? start;
  if (end - start > MAX_FRONT_MATTER_CHARS) {
    const size = `${Math.ceil((end - start) / 1024)} KiB`;
    return [fieldError(lineRange(0, 0, 3), `front matter of ${size} is not checked: Orchard reads at most ${MAX_FRONT_MATTER_CHARS / 1024} KiB of it`, 'memory/front-matter-syntax')];
  }
  const source = lines.text.slice(start, end);
  const tooDeep = yamlTooDeep(source);
  if (tooDeep) return [fieldError(lines.rangeOf(start + tooDeep.offset, start + tooDeep.offset + 1), `front matter is ${tooDeepMessage(tooDeep.limit)}`, 'memory/front-matter-syntax')];
  const strict = readYaml(source, start, lines);
  const { fields, problems } = strict ? { fields: strict, problems: [] } : readLenient(scan, block.closeLine);
  const diagnostics = [...problems];
  const shape = schema.def.shape;
  const known = Object.keys(shape);
  for (const field of fields) {
    const fieldSchema = shape[field.key];
    if (fieldSchema) {
      // Cursor writes `description:` and `globs:` with no value into every new rule: empty means unset.
      if (field.value !== null) diagnostics.push(...fieldDiagnostics(field, fieldSchema));
      continue;
    }
    // Unknown keys are fine (tools add their own); only a near miss of a known key is worth a warning.
    const match = closestMatch(field.key, known);
    if (match && match !== field.key) {
      diagnostics.push({
        range: field.keyRange,
        severity: 'warning',
        code: 'memory/front-matter-unknown-key',
        message: `unknown front-matter key "${field.key}"; did you mean "${match}"?`,
        fixes: [
          {
            title: `Rename to "${match}"`,
            fixes: 'memory/front-matter-unknown-key',
            isPreferred: true,
            edits: [{ path, edits: [{ range: field.keyRange, newText: match }] }],
          },
        ],
      });
    }
  }
  return diagnostics;
}
