/**
 * Usage statistics of a page's CSS: which colours, fonts, sizes, weights,
 * spacing and radius values it uses and how often, by context (text,
 * background, border) and by role (heading, body, mono). The design tokens
 * are chosen from these counts (`designTokens.ts`); their shapes are in
 * `designTypes.ts`.
 */
import { cssColorsIn } from './cssColors';
import { unquote, type CssRule } from './cssScan';
import type { ColorContext, ColorUse, CountedValue, CustomProperty, DesignStats, FontRole, FontUse } from './designTypes';

const SPACING_PROPERTY = /^(margin|padding)(-(top|right|bottom|left|block|inline)(-(start|end))?)?$|^(row-|column-|grid-)?gap$/;
const RADIUS_PROPERTY = /^border(-(top|bottom|start|end)-(left|right|start|end))?-radius$/;
// Sizes and weights reach the Architect's text and the blueprint: only values that look like them.
const FONT_SIZE = /^(\d*\.?\d+(px|rem|em|pt|%|vw|ch)|(clamp|calc|min|max)\([^;]{1,80}\)|(xx?-)?(small|large)|medium|smaller|larger)$/i;
const FONT_WEIGHT = /^([1-9]00|[1-9]\d{0,2}|normal|bold|bolder|lighter)$/;
const MAX_FAMILY_NAME = 60;
const LENGTH = /(?<![\w.-])(\d*\.?\d+)(px|rem|em)\b/g;
const RADIUS_LENGTH = /(?<![\w.-])(\d*\.?\d+)(px|rem|em|%)/g;

/** Counts every value in `rules`; `webFonts` is left empty for the caller, who has the `@font-face` rules. */
export function collectStats(rules: readonly CssRule[]): DesignStats {
  const properties = new Map<string, CustomProperty>();
  for (const rule of rules) {
    for (const { property, value } of rule.declarations) {
      if (property.startsWith('--')) properties.set(property, { name: property, value, uses: 0 });
    }
  }
  const colors = new Map<string, ColorUse>();
  const fonts = new Map<string, FontUse>();
  const sizes = emptyByRole<Map<string, number>>(() => new Map());
  const weights = emptyByRole<Map<string, number>>(() => new Map());
  const spacing = new Map<string, number>();
  const radius = new Map<string, number>();
  for (const property of properties.values()) {
    // `--surface: white` names a colour; `--mode: wide` does not, and is not in the named list.
    const value = resolveVars(property.value, properties, 0);
    for (const color of cssColorsIn(value, /^\s*[a-z]+\s*$/i.test(value))) {
      const use = colorUse(colors, color);
      if (!use.propertyNames.includes(property.name)) use.propertyNames.push(property.name);
    }
  }
  for (const rule of rules) {
    const role = fontRole(rule.selector);
    const onPage = /(^|,)\s*(html|body|:root)\s*(,|$)/i.test(rule.selector);
    for (const declaration of rule.declarations) {
      if (declaration.property.startsWith('--')) continue;
      if (declaration.value.includes('var(')) {
        for (const match of declaration.value.matchAll(/var\(\s*(--[\w-]+)/g)) {
          const used = properties.get(match[1]!);
          if (used) used.uses++;
        }
      }
      const property = declaration.property;
      const value = resolveVars(declaration.value, properties, 0);
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
        const size = property === 'font' ? /(?:^|\s)(\d*\.?\d+(?:px|rem|em|pt|%))/.exec(value)?.[1] : value.trim();
        if (size && FONT_SIZE.test(size)) increment(sizes[role], size);
      }
      if (property === 'font-weight' || property === 'font') {
        const weight = property === 'font' ? /(?:^|\s)(bold|bolder|lighter|[1-9]00)(?=\s)/.exec(value)?.[1] : value.trim().toLowerCase();
        if (weight && FONT_WEIGHT.test(weight)) increment(weights[role], weight);
      }
      if (SPACING_PROPERTY.test(property)) countLengths(spacing, value, LENGTH);
      if (RADIUS_PROPERTY.test(property)) countLengths(radius, value, RADIUS_LENGTH);
    }
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

/** Replaces `var(--x, fallback)` by the property's value (or the fallback), a few levels deep. */
function resolveVars(value: string, properties: ReadonlyMap<string, CustomProperty>, depth: number): string {
  if (depth > 4 || !value.includes('var(')) return value;
  const replaced = value.replace(
    /var\(\s*(--[\w-]+)\s*(?:,((?:[^()]|\([^()]*\))*))?\)/g,
    (_whole, name: string, fallback: string | undefined) => properties.get(name)?.value ?? fallback?.trim() ?? '',
  );
  return resolveVars(replaced, properties, depth + 1);
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

function familyOfFontShorthand(value: string): string | null {
  // `font: [style] [weight] size[/line-height] family, …`: the family follows the size.
  return /(?:^|\s)\d*\.?\d+(?:px|rem|em|pt|%)(?:\/\S+)?\s+(.+)$/.exec(value)?.[1] ?? null;
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
