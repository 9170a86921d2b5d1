/**
 * The two small languages inside tree values: templates (`{{ .vars.x }}`,
 * `{{ .outputs.step.key }}`) and output expressions (`.data.items[0].id`,
 * optionally compared: `.status != "empty"`), plus "did you mean".
 *
 * `{{ … }}` whose content does not look like one of our references is left
 * alone: shell commands legitimately contain Go templates of other tools
 * (`docker inspect --format '{{.State.Running}}'`), and flagging them would be
 * a false positive.
 */

export type TemplateScan =
  | { ok: true; start: number; end: number; kind: 'var'; name: string; nameStart: number }
  | { ok: true; start: number; end: number; kind: 'output'; name: string; nameStart: number; key: string; keyStart: number }
  | { ok: false; start: number; end: number; message: string };

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ROOTS = ['vars', 'outputs'];

/** Every template reference (or near miss) in `source`, with offsets into it. */
export function scanTemplates(source: string): TemplateScan[] {
  const found: TemplateScan[] = [];
  let open = source.indexOf('{{');
  while (open >= 0) {
    const close = source.indexOf('}}', open + 2);
    if (close < 0) {
      const rest = source.slice(open + 2);
      if (looksLikeReference(rest)) {
        found.push({ ok: false, start: open, end: source.length, message: 'template is not closed: add "}}"' });
      }
      break;
    }
    const scan = scanOne(source, open, close);
    if (scan) found.push(scan);
    open = source.indexOf('{{', close + 2);
  }
  return found;
}

function looksLikeReference(content: string): boolean {
  const head = /^\s*\.?\s*([A-Za-z_]+)/.exec(content);
  if (!head) return false;
  const root = head[1]!;
  return ROOTS.some((r) => editDistance(root, r) <= 1);
}

function scanOne(source: string, open: number, close: number): TemplateScan | undefined {
  const content = source.slice(open + 2, close);
  if (!looksLikeReference(content)) return undefined;
  const start = open;
  const end = close + 2;
  const leading = content.length - content.trimStart().length;
  const body = content.trim();
  const bodyStart = open + 2 + leading;
  if (!body.startsWith('.')) {
    return { ok: false, start, end, message: `template must start with a dot: "{{ .${body} }}"` };
  }
  const segments = body.slice(1).split('.');
  const root = segments[0]!;
  if (!ROOTS.includes(root)) {
    const suggestion = closest(root, ROOTS);
    return { ok: false, start, end, message: `unknown template root ".${root}"${suggestion ? `; did you mean ".${suggestion}"?` : ''}` };
  }
  const bad = segments.slice(1).find((s) => !SEGMENT.test(s));
  if (root === 'vars') {
    if (segments.length !== 2 || bad !== undefined) {
      return { ok: false, start, end, message: 'a var template is written "{{ .vars.name }}"' };
    }
    return { ok: true, start, end, kind: 'var', name: segments[1]!, nameStart: bodyStart + '.vars.'.length };
  }
  if (segments.length !== 3 || bad !== undefined) {
    return { ok: false, start, end, message: 'an output template is written "{{ .outputs.step-id.key }}"' };
  }
  const nameStart = bodyStart + '.outputs.'.length;
  return { ok: true, start, end, kind: 'output', name: segments[1]!, nameStart, key: segments[2]!, keyStart: nameStart + segments[1]!.length + 1 };
}

const PATH = String.raw`\.(?:[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])?(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*`;
const LITERAL = String.raw`"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null`;
const OUTPUT_EXPRESSION = new RegExp(String.raw`^${PATH}(?:\s*(?:==|!=|<=|>=|<|>)\s*(?:${LITERAL}|${PATH}))?$`);

/** An output that compares values rather than picking one. */
export const COMPARISON = /==|!=|<=|>=|<|>/;

/** Why an output expression is malformed, or undefined when it is well formed. */
export function outputExpressionProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text === '') return 'the output expression is empty: write a JSON path such as ".data.id"';
  if (!text.startsWith('.')) return `output expression "${text}" must start with "." (a JSON path such as ".data.id")`;
  if (!OUTPUT_EXPRESSION.test(text)) {
    return `output expression "${text}" is not a JSON path (".data.items[0].id") optionally compared with a value (".status != \\"empty\\"")`;
  }
  return undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const width = b.length + 1;
  let twoBack = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j < width; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, twoBack[j - 2]! + 1);
      }
      current[j] = best;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

/**
 * The closest candidate within a distance that scales with the length, or one
 * the word is a clear prefix of (`reference` -> `reference_url`).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  let prefixed: string | undefined;
  for (const candidate of candidates) {
    if (prefixed === undefined && lower.length >= 4 && candidate.toLowerCase().startsWith(lower)) prefixed = candidate;
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ?? prefixed;
}
