/**
 * What the tree service knows about one tree file, piece by piece. Each piece
 * (a chunk: a top-level section, or one step under `steps:`) is extracted on
 * its own and keeps ranges relative to its first line, so an unchanged chunk
 * is reused as is after an edit elsewhere and only its start line moves.
 */
import type { OrchardDiagnostic, Position, Range } from '../diagnostics/diagnostic';

export interface Named {
  name: string;
  range: Range;
}

export interface TemplateRef {
  kind: 'var' | 'output';
  /** The whole `{{ … }}`. */
  range: Range;
  /** The var name, or the step id of an output reference. */
  name: string;
  nameRange: Range;
  /** The output key (output references only). */
  key?: string;
  keyRange?: Range;
}

export interface OutputDecl {
  key: string;
  keyRange: Range;
  expression: string;
  expressionRange: Range;
  /** A comparison (`.status != "empty"`) is a result in itself, not a value waiting for a template. */
  isComparison: boolean;
}

/** How `depends_on` is written, which decides how a quick fix adds an id to it. */
export interface DependsOnField {
  keyRange: Range;
  valueRange: Range;
  style: 'flow' | 'block' | 'scalar' | 'empty';
  /** Column of the block list's `-` (block style). */
  itemIndent?: number;
}

export interface StepData {
  /** Undefined for teardown steps, which have no id. */
  id?: string;
  /** The id key, or for a teardown step its first key. */
  idRange: Range;
  /** From the id (or the teardown item) to the end of its value. */
  range: Range;
  /** Column of the step's keys when it is a block mapping (where a new key goes). */
  keyIndent?: number;
  /** The step's keys, each with where its value ends (to remove the whole entry). */
  keys: (Named & { valueEnd: Position })[];
  /** The step's value is not a mapping (already reported): field checks are skipped. */
  notAMapping?: boolean;
  action?: { value: string; range: Range };
  dependsOn: Named[];
  dependsOnField?: DependsOnField;
  outputs: OutputDecl[];
  templates: TemplateRef[];
}

export interface VarData {
  name: string;
  range: Range;
  /** The value as written in the file, for hover. */
  valueText: string;
}

/** A diagnostic with ranges relative to its chunk and no file path yet. */
export type LocalDiagnostic = OrchardDiagnostic;

export interface ChunkData {
  kind: 'header' | 'stepsHead' | 'step' | 'whole';
  text: string;
  lineCount: number;
  topKeys: Named[];
  vars: VarData[];
  varsKey?: Range;
  stepsKey?: Range;
  /** Whether `steps` is a mapping (or absent); false when it has the wrong type. */
  stepsIsMap: boolean;
  steps: StepData[];
  teardown: StepData[];
  /** Templates in `name`, `description` and var values: they count as uses and are checked like teardown's. */
  headerTemplates: TemplateRef[];
  diagnostics: LocalDiagnostic[];
  /** The chunk uses aliases or failed to parse alone: the document must be parsed as a whole. */
  needsWholeDocument: boolean;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function shiftRange(range: Range, lines: number): Range {
  if (lines === 0) return range;
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}

/** A chunk's diagnostic placed in the document: ranges moved by `lines`, paths filled in. */
export function placeDiagnostic(d: LocalDiagnostic, lines: number, path: string): OrchardDiagnostic {
  const placed: OrchardDiagnostic = { ...d, range: shiftRange(d.range, lines) };
  if (d.related) {
    placed.related = d.related.map((r) => ({ message: r.message, location: { path, range: shiftRange(r.location.range, lines) } }));
  }
  if (d.fixes) {
    placed.fixes = d.fixes.map((f) => ({
      ...f,
      edits: f.edits?.map((e) => ({ path, edits: e.edits.map((t) => ({ newText: t.newText, range: shiftRange(t.range, lines) })) })),
    }));
  }
  return placed;
}

export function containsPosition(range: Range, p: Position): boolean {
  if (p.line < range.start.line || p.line > range.end.line) return false;
  if (p.line === range.start.line && p.character < range.start.character) return false;
  if (p.line === range.end.line && p.character > range.end.character) return false;
  return true;
}

/** Offsets of line starts in `text`; index i is where line i begins. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

/** Offset -> position through a line-start table (binary search). */
export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - lineStarts[low]! };
}
