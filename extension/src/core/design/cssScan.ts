/**
 * A lenient CSS block scanner: flat style rules (with the rules inside
 * `@media`, `@supports`, `@layer`… flattened in), `@import` URLs and
 * `@font-face` families. No CSSOM; a broken block is skipped, never fatal,
 * because reference pages are whatever the web serves. Linear in its input:
 * every scan moves forward, nesting deeper than MAX_NESTING is skipped (not
 * recursed into), and the budget can end it early.
 */
import { DigestBudget } from './digestBudget';

export interface CssDeclaration {
  property: string;
  value: string;
}

export interface CssRule {
  selector: string;
  declarations: CssDeclaration[];
}

export interface ParsedCss {
  rules: CssRule[];
  /** URLs of `@import` rules, as written: the first MAX_IMPORTS. */
  imports: string[];
  /** `@import` rules past MAX_IMPORTS, counted only. */
  importsOmitted: number;
  /** Families declared by `@font-face` (web fonts the page loads). */
  fontFaceFamilies: string[];
}

/** At-rules whose blocks hold ordinary rules; other blocks (keyframes, page…) are skipped. */
const NESTING_AT_RULES = new Set(['media', 'supports', 'layer', 'container', 'document', 'scope', 'starting-style']);

/**
 * At-rule blocks nested deeper are skipped whole: real stylesheets nest two
 * or three levels, and each level was a recursion (100,000 `@media{` overflowed the stack).
 */
const MAX_NESTING = 32;
/** At most this many `@import` URLs are kept per sheet; a reference fetches four stylesheets at most. */
export const MAX_IMPORTS = 64;

/** Parses CSS leniently into flat style rules; a broken block is skipped, never fatal. */
export function parseCss(css: string, budget: DigestBudget = new DigestBudget()): ParsedCss {
  const out: ParsedCss = { rules: [], imports: [], importsOmitted: 0, fontFaceFamilies: [] };
  parseBlockInto(css.replace(/\/\*[\s\S]*?(\*\/|$)/g, ' '), 0, out, { budget, depth: 0 });
  return out;
}

interface ParseState {
  budget: DigestBudget;
  depth: number;
}

function parseBlockInto(css: string, from: number, out: ParsedCss, state: ParseState): number {
  let i = from;
  while (i < css.length) {
    if (state.budget.check('css')) {
      state.budget.timeUp('CSS read only in part');
      return css.length;
    }
    const stop = findTopLevel(css, i, '{;}');
    if (stop < 0) return css.length;
    const prelude = css.slice(i, stop).trim();
    const char = css[stop];
    if (char === '}') return stop + 1;
    if (char === ';') {
      const imported = /^@import\s+(?:url\(\s*)?["']?([^"')\s]+)/i.exec(prelude);
      if (imported && out.imports.length < MAX_IMPORTS) out.imports.push(imported[1]!);
      else if (imported) out.importsOmitted++;
      i = stop + 1;
      continue;
    }
    const atRule = /^@([\w-]+)/.exec(prelude)?.[1]?.toLowerCase();
    if (atRule !== undefined && NESTING_AT_RULES.has(atRule) && state.depth < MAX_NESTING) {
      state.depth++;
      i = parseBlockInto(css, stop + 1, out, state);
      state.depth--;
      continue;
    }
    if (atRule !== undefined && NESTING_AT_RULES.has(atRule)) state.budget.note(`CSS blocks nested deeper than ${MAX_NESTING} levels skipped`);
    const close = findTopLevel(css, stop + 1, '}');
    const end = close < 0 ? css.length : close;
    const declarations = parseDeclarations(css.slice(stop + 1, end));
    if (atRule === 'font-face') {
      const family = declarations.find((d) => d.property === 'font-family');
      if (family) out.fontFaceFamilies.push(unquote(family.value));
    } else if (atRule === undefined && prelude !== '') {
      out.rules.push({ selector: prelude.replace(/\s+/g, ' '), declarations });
    }
    i = end + 1;
  }
  return i;
}

/** `prop: value` pairs of a declaration block; nested blocks (CSS nesting) are left out. */
export function parseDeclarations(block: string): CssDeclaration[] {
  const declarations: CssDeclaration[] = [];
  let start = 0;
  for (;;) {
    const stop = findTopLevel(block, start, ';{');
    const end = stop < 0 ? block.length : stop;
    const text = block.slice(start, end);
    const colon = text.indexOf(':');
    if (colon > 0) {
      const property = text.slice(0, colon).trim();
      const value = text.slice(colon + 1).replace(/!\s*important\s*$/i, '').trim();
      if (/^-?-?[a-zA-Z][\w-]*$/.test(property) && value !== '') {
        declarations.push({ property: property.startsWith('--') ? property : property.toLowerCase(), value });
      }
    }
    if (stop < 0) return declarations;
    if (block[stop] === '{') {
      const close = findTopLevel(block, stop + 1, '}');
      if (close < 0) return declarations;
      start = close + 1;
    } else {
      start = stop + 1;
    }
  }
}

/** Index of the first of `chars` at depth 0 (outside strings, parentheses and inner blocks), or -1. */
function findTopLevel(text: string, from: number, chars: string): number {
  let parens = 0;
  let braces = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '\\') {
      i++;
    } else if (c === '(') {
      parens++;
    } else if (c === ')') {
      parens = Math.max(0, parens - 1);
    } else if (parens === 0 && braces === 0 && chars.includes(c)) {
      return i;
    } else if (parens === 0 && c === '{') {
      braces++;
    } else if (parens === 0 && c === '}') {
      braces--;
      if (braces < 0) return chars.includes('}') ? i : -1;
    }
  }
  return -1;
}

export function unquote(value: string): string {
  const trimmed = value.trim();
  // Most names are bare (`Inter`, `sans-serif`): no regex for them.
  if (trimmed[0] !== '"' && trimmed[0] !== "'") return trimmed;
  return trimmed.replace(/^(["'])(.*)\1$/, '$2');
}
