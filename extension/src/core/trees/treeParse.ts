/**
 * parseTree: text -> ParsedTree, reusing the chunks of the previous version
 * whose text did not change. Each changed chunk is parsed alone; if a chunk
 * cannot stand alone (an alias, whose anchor may be elsewhere) the whole
 * document is parsed instead, so a valid document's result never depends on
 * how it was split (the property tests hold us to that).
 *
 * A YAML error stays in its chunk: a chunk starts at a key at the indentation
 * of its siblings, and text that fails there alone fails in context too (an
 * unclosed quote or bracket cannot continue on a line indented that little).
 * So a typo costs one chunk's parse, and the other steps keep their checks
 * instead of being swallowed by the parser's recovery.
 *
 * A lone `\r` ends a line for the editor but not for the `yaml` package: the
 * tree is parsed from the text with those turned into `\n` (same offsets).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Range } from '../diagnostics/diagnostic';
import { withLfLineBreaks } from '../diagnostics/lineIndex';
import { runToEnd, type Steps } from '../diagnostics/steps';
import { splitChunks, type ChunkSpan } from './treeChunks';
import { ChunkExtractor } from './treeExtract';
import type { ChunkData, Named, StepData, TemplateRef, VarData } from './treeModel';
import { lineStartsOf, shiftRange } from './treeModel';
import { checkFieldType, describeNode } from './treeTypes';

export interface PlacedChunk {
  data: ChunkData;
  startLine: number;
}

/** A piece of chunk data and the document line its chunk starts on. */
export interface Placed<T> {
  item: T;
  line: number;
}

export interface ParsedTree {
  readonly path: string;
  readonly text: string;
  readonly lineStarts: readonly number[];
  /** The chunks as split; kept even when the document had to be parsed whole, for the next edit. */
  readonly chunks: readonly PlacedChunk[];
  /** What the checks read: the chunks, or the one whole-document chunk. */
  readonly effective: readonly PlacedChunk[];
  readonly parsedWhole: boolean;
  readonly topKeys: readonly Placed<Named>[];
  readonly steps: readonly Placed<StepData>[];
  readonly teardown: readonly Placed<StepData>[];
  /** Templates outside steps (`name`, `description`, var values), one holder per chunk that has any. */
  readonly headerTemplates: readonly Placed<StepData>[];
  readonly vars: readonly Placed<VarData>[];
  /** Index into `steps` of the first step with each id. */
  readonly stepIndex: ReadonlyMap<string, number>;
  readonly stepsKey?: Range;
  readonly stepsIsMap: boolean;
}

/** A line of the document without its line break. */
export function lineTextOf(tree: ParsedTree, line: number): string {
  const start = tree.lineStarts[line];
  if (start === undefined) return '';
  const next = tree.lineStarts[line + 1];
  return tree.text.slice(start, next === undefined ? tree.text.length : next - 1).replace(/\r$/, '');
}

export function parseTree(path: string, documentText: string, previous?: ParsedTree): ParsedTree {
  return runToEnd(parseTreeSteps(path, documentText, previous));
}

/** parseTree, yielding after each chunk it parses (cached ones cost nothing): a 20,000-step tree is 20,000 short steps. */
export function* parseTreeSteps(path: string, documentText: string, previous?: ParsedTree): Steps<ParsedTree> {
  const text = withLfLineBreaks(documentText);
  if (previous && previous.path === path && previous.text === text) return previous;
  const lineStarts = lineStartsOf(text);
  const spans = splitChunks(text, lineStarts);
  if (!spans) return assemble(path, text, lineStarts, [], [{ data: parseWhole(text), startLine: 0 }], true);
  const reuse = reusableChunks(previous, path);
  const chunks: PlacedChunk[] = [];
  for (const [i, span] of spans.entries()) {
    const end = span.endLine < lineStarts.length ? lineStarts[span.endLine]! : text.length;
    const chunkText = text.slice(lineStarts[span.startLine]!, end);
    const cached = reuse.at(i, chunkText, span.kind);
    chunks.push({ data: cached ?? parseChunk(span, detached(chunkText)), startLine: span.startLine });
    if (!cached) yield;
  }
  if (chunks.some((c) => c.data.needsWholeDocument)) {
    return assemble(path, text, lineStarts, chunks, [{ data: parseWhole(text), startLine: 0 }], true);
  }
  return assemble(path, text, lineStarts, chunks, chunks, false);
}

/**
 * A copy of a slice: V8 keeps a slice's whole parent string alive, and a chunk
 * outlives many versions of the document, so a cached chunk must not hold one.
 */
function detached(slice: string): string {
  return (slice + ' ').slice(0, -1);
}

/**
 * Previous chunks by position: at the same index first, shifted by the number
 * of chunks an earlier edit added or removed second, then nearby (an edit adds
 * or removes a few chunks, not thousands; a text-keyed map of every chunk
 * would cost more than the parse it saves).
 */
function reusableChunks(previous: ParsedTree | undefined, path: string) {
  const old = previous && previous.path === path ? previous.chunks : [];
  let shift = 0;
  const matches = (candidate: PlacedChunk | undefined, chunkText: string, kind: ChunkSpan['kind']) =>
    candidate !== undefined && candidate.data.kind === kind && candidate.data.text.length === chunkText.length && candidate.data.text === chunkText;
  return {
    at(index: number, chunkText: string, kind: ChunkSpan['kind']): ChunkData | undefined {
      const shifted = old[index + shift];
      if (matches(shifted, chunkText, kind)) return shifted!.data;
      if (shift !== 0 && matches(old[index], chunkText, kind)) {
        shift = 0;
        return old[index]!.data;
      }
      for (let distance = 1; distance <= REUSE_WINDOW; distance++) {
        for (const candidate of [index + shift - distance, index + shift + distance]) {
          if (matches(old[candidate], chunkText, kind)) {
            shift = candidate - index;
            return old[candidate]!.data;
          }
        }
      }
      return undefined;
    },
  };
}

/** How far (in chunks) a reused chunk may have moved since the previous version. */
const REUSE_WINDOW = 32;

function parseChunk(span: ChunkSpan, text: string): ChunkData {
  const extractor = new ChunkExtractor(text);
  if (span.kind === 'stepsHead') {
    const keyRange = { start: { line: 0, character: span.keyStart ?? 0 }, end: { line: 0, character: span.keyEnd ?? 5 } };
    return extractor.finish('stepsHead', { topKeys: [{ name: 'steps', range: keyRange }], stepsKey: keyRange });
  }
  const doc = extractor.parse();
  const root = doc.contents as Node | null;
  if (span.kind === 'step') {
    if (!isMap(root)) {
      extractor.needsWholeDocument = true;
      return extractor.finish('step', {});
    }
    const steps = root.items.flatMap((pair) => (isScalar(pair.key) ? [stepOf(extractor, pair.key, pair.value as Node | null)] : []));
    return extractor.finish('step', { steps });
  }
  return extractTop(extractor, root, 'header');
}

function parseWhole(text: string): ChunkData {
  const extractor = new ChunkExtractor(text);
  const doc = extractor.parse();
  return extractTop(extractor, doc.contents as Node | null, 'whole');
}

function stepOf(extractor: ChunkExtractor, key: Node, value: Node | null): StepData {
  const name = String((key as { value: unknown }).value);
  return extractor.step({ name, range: extractor.nodeRange(key) }, value, extractor.nodeRange(key));
}

/** The top-level mapping (or one key of it): the same code for a header chunk and for the whole document. */
function extractTop(extractor: ChunkExtractor, root: Node | null, kind: ChunkData['kind']): ChunkData {
  if (root === null || (isScalar(root) && root.value === null)) return extractor.finish(kind, {});
  if (!isMap(root)) {
    extractor.problem(extractor.nodeRange(root), 'tree/wrong-type', 'a tree file must be a mapping with "name", "steps" and optionally "description", "vars", "teardown"');
    return extractor.finish(kind, {});
  }
  const data: Partial<ChunkData> = { topKeys: [], vars: [], steps: [], teardown: [], headerTemplates: [], stepsIsMap: true };
  for (const pair of root.items) {
    if (!isScalar(pair.key)) {
      if (pair.key) extractor.problem(extractor.nodeRange(pair.key as Node), 'tree/wrong-type', 'top-level keys must be plain names');
      continue;
    }
    const name = typeof pair.key.value === 'symbol' ? '<<' : String(pair.key.value);
    const keyRange = extractor.nodeRange(pair.key);
    data.topKeys!.push({ name, range: keyRange });
    const value = pair.value as Node | null;
    if (name === 'name' || name === 'description') {
      checkFieldType(extractor, pair, name, { type: 'string', description: '' });
      extractor.walk(value, name, data.headerTemplates!);
    } else if (name === 'vars') {
      for (const variable of extractor.vars(value, data.headerTemplates!)) data.vars!.push(variable);
      data.varsKey ??= keyRange;
    } else if (name === 'steps') {
      data.stepsKey ??= keyRange;
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value)) {
        extractor.problem(extractor.valueRange(pair), 'tree/wrong-type', `"steps" must be a mapping of step ids to steps, not ${describeNode(value)}`);
        data.stepsIsMap = false;
        continue;
      }
      for (const stepPair of value.items) {
        if (isScalar(stepPair.key)) data.steps!.push(stepOf(extractor, stepPair.key, stepPair.value as Node | null));
        else if (stepPair.key) extractor.problem(extractor.nodeRange(stepPair.key as Node), 'tree/wrong-type', 'step ids must be plain names');
      }
    } else if (name === 'teardown') {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isSeq(value)) {
        extractor.problem(extractor.valueRange(pair), 'tree/wrong-type', '"teardown" must be a list of steps ("- action: …")');
        continue;
      }
      for (const item of value.items as (Node | null)[]) {
        const itemRange = item ? extractor.nodeRange(item) : keyRange;
        data.teardown!.push(extractor.step(undefined, item, itemRange));
      }
    }
  }
  return extractor.finish(kind, data);
}

const EMPTY_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Header templates dressed as a step without id or keys, so the template checks treat them like teardown's. */
function templateHolder(templates: TemplateRef[]): StepData {
  return { idRange: EMPTY_RANGE, range: EMPTY_RANGE, keys: [], dependsOn: [], outputs: [], templates, notAMapping: true };
}

function assemble(
  path: string,
  text: string,
  lineStarts: number[],
  chunks: PlacedChunk[],
  effective: readonly PlacedChunk[],
  parsedWhole: boolean,
): ParsedTree {
  const topKeys: Placed<Named>[] = [];
  const steps: Placed<StepData>[] = [];
  const teardown: Placed<StepData>[] = [];
  const headerTemplates: Placed<StepData>[] = [];
  const vars: Placed<VarData>[] = [];
  const stepIndex = new Map<string, number>();
  let stepsKey: Range | undefined;
  let stepsIsMap = true;
  for (const { data, startLine: line } of effective) {
    for (const item of data.topKeys) topKeys.push({ item, line });
    for (const item of data.vars) vars.push({ item, line });
    for (const item of data.teardown) teardown.push({ item, line });
    if (data.headerTemplates.length > 0) headerTemplates.push({ item: templateHolder(data.headerTemplates), line });
    for (const item of data.steps) {
      if (item.id !== undefined && !stepIndex.has(item.id)) stepIndex.set(item.id, steps.length);
      steps.push({ item, line });
    }
    if (data.stepsKey && !stepsKey) stepsKey = shiftRange(data.stepsKey, line);
    if (!data.stepsIsMap) stepsIsMap = false;
  }
  return { path, text, lineStarts, chunks, effective, parsedWhole, topKeys, steps, teardown, headerTemplates, vars, stepIndex, stepsKey, stepsIsMap };
}

/** The document parsed as one piece, never split: what the chunked parse must always agree with (tests compare the two). */
export function parseTreeWhole(path: string, documentText: string): ParsedTree {
  const text = withLfLineBreaks(documentText);
  return assemble(path, text, lineStartsOf(text), [], [{ data: parseWhole(text), startLine: 0 }], true);
}
