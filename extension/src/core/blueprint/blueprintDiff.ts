/**
 * What changed between two blueprints, as a list of JSON-path changes and a
 * readable text. Pure: the store reads the revisions, this compares them.
 *
 * Lists are matched by each item's natural key (an entity's or component's
 * name, an endpoint's method and path, a question's text...) rather than by
 * index, so inserting one entity shows as one "added", not as every later
 * entity "changed". Renaming the key field therefore shows as a removal and an
 * addition. Lists whose items have no key are compared by index.
 */
import { SECTION_KEYS, SECTION_TITLES, type Blueprint, type SectionKey } from './blueprint';
import { jsonPath } from './blueprintFile';

export interface BlueprintChange {
  /** JSON path such as `$.sections.dataModel.status`; list items by index (the removed item's old index, otherwise its new one). */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /**
   * Value before/after. A list whose items only moved is one "changed" on the
   * list itself, with the items' keys in their old and new order.
   */
  before?: unknown;
  after?: unknown;
}

export interface BlueprintDiff {
  changes: BlueprintChange[];
  /** Sections with at least one change, in the schema's order. */
  sectionsChanged: SectionKey[];
  /** One line: "No changes" or "3 changes in Data model, API endpoints, summary". */
  summary: string;
}

type Path = Array<string | number>;

export function diffBlueprints(a: Blueprint, b: Blueprint): BlueprintDiff {
  const changes: BlueprintChange[] = [];
  diffValue(a, b, [], changes);
  const sections = new Set<SectionKey>();
  const others: string[] = [];
  for (const change of changes) {
    const [, top, section] = /^\$\.(\w+)(?:\.(\w+))?/.exec(change.path) ?? [];
    if (top === 'sections' && section && (SECTION_KEYS as string[]).includes(section)) sections.add(section as SectionKey);
    else if (top && !others.includes(top)) others.push(top);
  }
  const sectionsChanged = SECTION_KEYS.filter((k) => sections.has(k));
  const where = [...sectionsChanged.map((k) => SECTION_TITLES[k]), ...others];
  const summary =
    changes.length === 0 ? 'No changes' : `${changes.length} change${changes.length === 1 ? '' : 's'}${where.length ? ` in ${where.join(', ')}` : ''}`;
  return { changes, sectionsChanged, summary };
}

/** One line per change: `~ path: before -> after`, `+ path: value`, `- path: value`; "No changes" when there are none. */
export function formatDiff(diff: BlueprintDiff): string {
  if (diff.changes.length === 0) return 'No changes';
  return diff.changes
    .map((c) => {
      if (c.kind === 'added') return `+ ${c.path}: ${show(c.after)}`;
      if (c.kind === 'removed') return `- ${c.path}: ${show(c.before)}`;
      return `~ ${c.path}: ${show(c.before)} -> ${show(c.after)}`;
    })
    .join('\n');
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function diffValue(a: unknown, b: unknown, path: Path, out: BlueprintChange[]): void {
  if (equal(a, b)) return;
  if (isObject(a) && isObject(b)) return diffObject(a, b, path, out);
  if (Array.isArray(a) && Array.isArray(b)) return diffArray(a, b, path, out);
  out.push({ path: jsonPath(path), kind: 'changed', before: a, after: b });
}

function diffObject(a: Record<string, unknown>, b: Record<string, unknown>, path: Path, out: BlueprintChange[]): void {
  // An optional key present with `undefined` is the same as an absent one.
  for (const key of mergedKeys(a, b)) {
    const [before, after] = [a[key], b[key]];
    if (before === undefined && after !== undefined) out.push({ path: jsonPath([...path, key]), kind: 'added', after });
    else if (before !== undefined && after === undefined) out.push({ path: jsonPath([...path, key]), kind: 'removed', before });
    else diffValue(before, after, [...path, key], out);
  }
}

/** Both objects' keys in schema order: b's order, with keys only a has put back after their neighbours. */
function mergedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = Object.keys(b);
  let last = -1;
  for (const key of Object.keys(a)) {
    const at = keys.indexOf(key);
    if (at >= 0) last = at;
    else keys.splice(++last, 0, key);
  }
  return keys;
}

function diffArray(a: unknown[], b: unknown[], path: Path, out: BlueprintChange[]): void {
  const keysA = itemKeys(a);
  const keysB = itemKeys(b);
  if (!keysA || !keysB) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= b.length) out.push({ path: jsonPath([...path, i]), kind: 'removed', before: a[i] });
      else if (i >= a.length) out.push({ path: jsonPath([...path, i]), kind: 'added', after: b[i] });
      else diffValue(a[i], b[i], [...path, i], out);
    }
    return;
  }
  const indexInB = new Map(keysB.map((k, j) => [k, j]));
  const indexInA = new Map(keysA.map((k, i) => [k, i]));
  keysA.forEach((key, i) => {
    if (!indexInB.has(key)) out.push({ path: jsonPath([...path, i]), kind: 'removed', before: a[i] });
  });
  keysB.forEach((key, j) => {
    const i = indexInA.get(key);
    if (i === undefined) out.push({ path: jsonPath([...path, j]), kind: 'added', after: b[j] });
    else diffValue(a[i], b[j], [...path, j], out);
  });
  const keptA = keysA.filter((k) => indexInB.has(k));
  const keptB = keysB.filter((k) => indexInA.has(k));
  if (keptA.some((k, i) => k !== keptB[i])) out.push({ path: jsonPath(path), kind: 'changed', before: keptA.map(label), after: keptB.map(label) });
}

/**
 * A unique key per item, or undefined when some item has none (then the list
 * is compared by index). A repeated key gets its occurrence number, so two
 * questions with the same text still pair up in order.
 */
function itemKeys(items: unknown[]): string[] | undefined {
  const seen = new Map<string, number>();
  const keys: string[] = [];
  for (const item of items) {
    const key = naturalKey(item);
    if (key === undefined) return undefined;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    keys.push(n === 0 ? key : `${key}\u0000${n}`);
  }
  return keys;
}

const KEY_FIELDS = ['name', 'question', 'statement', 'role', 'source'] as const;

function naturalKey(item: unknown): string | undefined {
  if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return JSON.stringify(item);
  if (!isObject(item)) return undefined;
  // Endpoints: the same path under two methods is two endpoints.
  if (typeof item.method === 'string' && typeof item.path === 'string') return `${item.method} ${item.path}`;
  for (const field of KEY_FIELDS) if (typeof item[field] === 'string') return `${field}:${item[field]}`;
  return undefined;
}

/** A key as a reader would name the item: `"User"`, `"GET /todos"`. */
function label(key: string): string {
  const plain = key.split('\u0000')[0]!;
  const field = /^(\w+):/.exec(plain);
  return field && (KEY_FIELDS as readonly string[]).includes(field[1]!) ? plain.slice(field[0].length) : plain.startsWith('"') ? JSON.parse(plain) : plain;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!equal(a[key], b[key])) return false;
    return true;
  }
  return false;
}
