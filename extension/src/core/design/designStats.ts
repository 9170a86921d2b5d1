/**
 * Usage statistics of a page's CSS: which colours, fonts, sizes, weights,
 * spacing and radius values it uses and how often, by context (text,
 * background, border) and by role (heading, body, mono). The design tokens
 * are chosen from these counts (`designTokens.ts`); their shapes are in
 * `designTypes.ts`.
 */
import { cssColorsIn } from './cssColors';
import { unquote, type CssRule } from './cssScan';
import type { DigestBudget } from './digestBudget';
import type { ColorContext, ColorUse, CountedValue, CustomProperty, DesignStats, FontRole, FontUse } from './designTypes';

const SPACING_PROPERTY = /^(margin|padding)(-(top|right|bottom|left|block|inline)(-(start|end))?)?$|^(row-|column-|grid-)?gap$/;
const RADIUS_PROPERTY = /^border(-(top|bottom|start|end)-(left|right|start|end))?-radius$/;
// A number as `\d*\.?\d+` reads it (`4`, `.5`, `1.25`), written so that a run of digits has one way
// to match: `\d*\.?\d+` could split a run between `\d*` and `\d+` in every way, and rejecting a long
// run (`1111…x`) tried them all — quadratic, minutes for a 300 KB value.
const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
// Sizes and weights reach the Architect's text and the blueprint: only values that look like them.
const FONT_SIZE = new RegExp(`^(${NUMBER}(px|rem|em|pt|%|vw|ch)|(clamp|calc|min|max)\\([^;]{1,80}\\)|(xx?-)?(small|large)|medium|smaller|larger)$`, 'i');
const FONT_WEIGHT = /^([1-9]00|[1-9]\d{0,2}|normal|bold|bolder|lighter)$/;
const MAX_FAMILY_NAME = 60;
const LENGTH = new RegExp(`(?<![\\w.-])(${NUMBER})(px|rem|em)\\b`, 'g');
const RADIUS_LENGTH = new RegExp(`(?<![\\w.-])(${NUMBER})(px|rem|em|%)`, 'g');
const SHORTHAND_SIZE = new RegExp(`(?:^|\\s)(${NUMBER}(?:px|rem|em|pt|%))`);
/** `font: [style] [weight] size[/line-height] family…` up to the family (see familyOfFontShorthand). */
const SHORTHAND_BEFORE_FAMILY = new RegExp(`(?:^|\\s)${NUMBER}(?:px|rem|em|pt|%)(?:\\/\\S+)?\\s+`, 'g');
const VAR_REFERENCE = /var\(\s*(--[\w-]+)\s*(?:,((?:[^()]|\([^()]*\))*))?\)/g;
/** Levels of var() replaced: `--a: var(--b)` chains deeper than this stay unresolved (and cycles end). */
const MAX_VAR_DEPTH = 5;
/** Characters var() expansion may add to one value; real values add tens. */
const MAX_VAR_GROWTH = 4096;
const VAR_NOTE = 'some var() custom properties expand too far and were left partly unresolved';

/** Counts every value in `rules`; `webFonts` is left empty for the caller, who has the `@font-face` rules. */
export function collectStats(rules: readonly CssRule[], budget: DigestBudget): DesignStats {
  const properties = new Map<string, CustomProperty>();
  for (const rule of rules) {
    for (const { property, value } of rule.declarations) {
      if (property.startsWith('--')) properties.set(property, { name: property, value, uses: 0 });
    }
  }
  const cut = () => {
    budget.timeUp('CSS usage counted only in part');
    return true;
  };
  let stopped = false;
  const colors = new Map<string, ColorUse>();
  const fonts = new Map<string, FontUse>();
  const sizes = emptyByRole<Map<string, number>>(() => new Map());
  const weights = emptyByRole<Map<string, number>>(() => new Map());
  const spacing = new Map<string, number>();
  const radius = new Map<string, number>();
  for (const property of properties.values()) {
    if (budget.check('counting')) {
      stopped = cut();
      break;
    }
    // `--surface: white` names a colour; `--mode: wide` does not, and is not in the named list.
    const value = resolveVars(property.value, properties, budget);
    for (const color of cssColorsIn(value, /^\s*[a-z]+\s*$/i.test(value))) {
      const use = colorUse(colors, color);
      // Each property comes once, so a repeat can only be the last name (`--a: #fff #fff`):
      // searching the whole list was quadratic when thousands of properties share a colour.
      if (use.propertyNames[use.propertyNames.length - 1] !== property.name) use.propertyNames.push(property.name);
    }
  }
  for (const rule of stopped ? [] : rules) {
    const role = fontRole(rule.selector);
    const onPage = /(^|,)\s*(html|body|:root)\s*(,|$)/i.test(rule.selector);
    for (const declaration of rule.declarations) {
      if (budget.check('counting')) {
        stopped = cut();
        break;
      }
      if (declaration.property.startsWith('--')) continue;
      if (declaration.value.includes('var(')) {
        for (const match of declaration.value.matchAll(/var\(\s*(--[\w-]+)/g)) {
          const used = properties.get(match[1]!);
          if (used) used.uses++;
        }
      }
      const property = declaration.property;
      const value = resolveVars(declaration.value, properties, budget);
      const context = colorContext(property);
      for (const color of cssColorsIn(value, context !== 'other' || property === 'fill' || property === 'stroke')) {
        const use = colorUse(colors, color);
        use.count++;
        use.contexts[context]++;
        if (onPage) use.pageContexts[context]++;
      }
      if (property === 'font-family' || property === 'font') {
        const family = property === 'font' ? familyOfFontShorthand(value) : value;
        if (family) countFont(fonts, family, role);
      }
      if (property === 'font-size' || property === 'font') {
        const size = property === 'font' ? SHORTHAND_SIZE.exec(value)?.[1] : value.trim();
        if (size && FONT_SIZE.test(size)) increment(sizes[role], size);
      }
      if (property === 'font-weight' || property === 'font') {
        const weight = property === 'font' ? /(?:^|\s)(bold|bolder|lighter|[1-9]00)(?=\s)/.exec(value)?.[1] : value.trim().toLowerCase();
        if (weight && FONT_WEIGHT.test(weight)) increment(weights[role], weight);
      }
      if (SPACING_PROPERTY.test(property)) countLengths(spacing, value, LENGTH);
      if (RADIUS_PROPERTY.test(property)) countLengths(radius, value, RADIUS_LENGTH);
    }
    if (stopped) break;
  }
  return {
    colors: [...colors.values()].sort((a, b) => b.count - a.count),
    fonts: [...fonts.values()].sort((a, b) => b.count - a.count),
    fontSizes: mapRoles(sizes, ranked),
    fontWeights: mapRoles(weights, ranked),
    spacing: ranked(spacing),
    radius: ranked(radius),
    customProperties: [...properties.values()],
    webFonts: [],
  };
}

/**
 * Replaces `var(--x, fallback)` by the property's value (or the fallback), a
 * level at a time, MAX_VAR_DEPTH levels deep — which also ends cycles. Each
 * level may multiply the length (`--a: var(--b) var(--b)`, `--b: var(--c)
 * var(--c)`…), so the growth of one value is bounded (MAX_VAR_GROWTH), and so
 * is the work of all of them (the budget's expansionLeft: every level scanned
 * and built counts, kept or not). A level that would pass a bound is not
 * applied; its references stay as written, naming no colour or size.
 */
function resolveVars(value: string, properties: ReadonlyMap<string, CustomProperty>, budget: DigestBudget): string {
  let current = value;
  for (let depth = 0; depth < MAX_VAR_DEPTH && current.includes('var('); depth++) {
    if (budget.expansionLeft <= 0) {
      budget.note(VAR_NOTE);
      return current;
    }
    const room = value.length + MAX_VAR_GROWTH - current.length;
    let growth = 0;
    let tooLong = false;
    const replaced = current.replace(VAR_REFERENCE, (whole: string, name: string, fallback: string | undefined) => {
      if (tooLong) return whole;
      const replacement = properties.get(name)?.value ?? fallback?.trim() ?? '';
      growth += replacement.length - whole.length;
      tooLong = growth > room;
      return tooLong ? whole : replacement;
    });
    budget.expansionLeft -= current.length + replaced.length;
    if (tooLong) {
      budget.note(VAR_NOTE);
      return current;
    }
    current = replaced;
  }
  return current;
}

function colorContext(property: string): ColorContext {
  if (property === 'color') return 'text';
  if (property.startsWith('background')) return 'background';
  if (property.startsWith('border') || property.startsWith('outline')) return 'border';
  return 'other';
}

function fontRole(selector: string): FontRole {
  if (/(^|[\s>+~,(])h[1-3](?![\w-])|[.#][\w-]*(title|heading|headline|display|hero)/i.test(selector)) return 'heading';
  if (/(^|[\s>+~,(])(code|pre|kbd|samp)(?![\w-])|mono/i.test(selector)) return 'mono';
  if (/(^|,)\s*(html|body|:root|\*|p)\s*(,|$)/i.test(selector)) return 'body';
  return 'other';
}

/**
 * `font: [style] [weight] size[/line-height] family, …`: the family follows
 * the size, up to the end of the value, on one line — what
 * `/(?:^|\s)SIZE(?:\/\S+)?\s+(.+)$/` captures. That regex retried `(.+)$` up
 * to a line break from every size before it (quadratic on `1px a 1px a …\n`),
 * so the family is checked here instead: after the whitespace that follows a
 * size, with no line break after it. (A size followed only by whitespace has
 * no family either way: the regex would capture one blank.)
 */
function familyOfFontShorthand(value: string): string | null {
  const lastBreak = Math.max(value.lastIndexOf('\n'), value.lastIndexOf('\r'), value.lastIndexOf('\u2028'), value.lastIndexOf('\u2029'));
  SHORTHAND_BEFORE_FAMILY.lastIndex = 0;
  for (let match = SHORTHAND_BEFORE_FAMILY.exec(value); match !== null; match = SHORTHAND_BEFORE_FAMILY.exec(value)) {
    const familyStart = match.index + match[0].length;
    if (familyStart > lastBreak && familyStart < value.length) return value.slice(familyStart);
    // Sizes may overlap (`1px 2px Inter`): the next search starts just after this size's first character.
    SHORTHAND_BEFORE_FAMILY.lastIndex = match.index + 1;
  }
  return null;
}

function countFont(fonts: Map<string, FontUse>, value: string, role: FontRole): void {
  const names = value.split(',').map(unquote).filter((name) => name !== '');
  if (names.some((name) => name.length > MAX_FAMILY_NAME)) return;
  const family = names.join(', ');
  if (family === '' || /^(inherit|initial|unset|revert)$/i.test(family)) return;
  const use = fonts.get(family) ?? { family, count: 0, roles: emptyByRole(() => 0) };
  use.count++;
  use.roles[role]++;
  fonts.set(family, use);
}

function colorUse(colors: Map<string, ColorUse>, value: string): ColorUse {
  let use = colors.get(value);
  if (!use) {
    use = { value, count: 0, contexts: emptyContexts(), pageContexts: emptyContexts(), propertyNames: [] };
    colors.set(value, use);
  }
  return use;
}

function countLengths(counts: Map<string, number>, value: string, pattern: RegExp): void {
  for (const match of value.matchAll(pattern)) {
    const amount = Number(match[1]);
    if (amount > 0) increment(counts, `${amount}${match[2]}`);
  }
}

function emptyContexts(): Record<ColorContext, number> {
  return { text: 0, background: 0, border: 0, other: 0 };
}

function emptyByRole<T>(make: () => T): Record<FontRole, T> {
  return { heading: make(), body: make(), mono: make(), other: make() };
}

function mapRoles<A, B>(byRole: Record<FontRole, A>, map: (value: A) => B): Record<FontRole, B> {
  return { heading: map(byRole.heading), body: map(byRole.body), mono: map(byRole.mono), other: map(byRole.other) };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function ranked(counts: ReadonlyMap<string, number>): CountedValue[] {
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
}
