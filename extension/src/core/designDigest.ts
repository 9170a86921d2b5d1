/**
 * A reference web page reduced to what a designer would note: its outline
 * (title, headings, landmarks) and its visual language (colours, fonts,
 * spacing and radius, with how often each is used). Pure and lenient: a small
 * tag scanner and a small CSS block scanner, no DOM, so any HTML that a
 * browser would show gives something, and nothing in it can run.
 */
import { chooseDesignTokens, cssColorsIn, type DesignTokens } from './designTokens';

export interface Heading {
  level: 1 | 2 | 3;
  text: string;
}

export interface HtmlStructure {
  title: string | null;
  description: string | null;
  /** The first h1–h3 headings, in document order (at most 40). */
  headings: Heading[];
  /** Headings past that limit, counted only. */
  headingsOmitted: number;
  /** Landmark elements (and ARIA landmark roles) with counts: nav, header, main, footer, section, aside, article, form. */
  landmarks: Record<string, number>;
  /** Other telling elements with counts: img, svg, button, a, input, table, video. */
  elements: Record<string, number>;
  /** Contents of `<style>` elements, in document order. */
  styleBlocks: string[];
  /** Values of `style="…"` attributes. */
  inlineStyles: string[];
  /** `href`s of `<link rel=stylesheet>`, as written (the fetcher resolves them). */
  stylesheetHrefs: string[];
  baseHref: string | null;
}

const LANDMARK_TAGS = new Set(['nav', 'header', 'main', 'footer', 'section', 'aside', 'article', 'form']);
const LANDMARK_ROLES: Record<string, string> = { navigation: 'nav', banner: 'header', main: 'main', contentinfo: 'footer', complementary: 'aside' };
const COUNTED_ELEMENTS = new Set(['img', 'svg', 'button', 'a', 'input', 'table', 'video']);
const SKIPPED_RAW_TEXT = new Set(['script', 'textarea', 'template']);
const MAX_HEADINGS = 40;
const MAX_HEADING_CHARS = 120;

const TAG_OPEN = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/y;

/** Scans HTML leniently: unclosed tags, stray `<` and missing quotes are tolerated. */
export function scanHtml(html: string): HtmlStructure {
  const out: HtmlStructure = {
    title: null,
    description: null,
    headings: [],
    headingsOmitted: 0,
    landmarks: {},
    elements: {},
    styleBlocks: [],
    inlineStyles: [],
    stylesheetHrefs: [],
    baseHref: null,
  };
  let openHeading: { level: 1 | 2 | 3; start: number } | null = null;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    TAG_OPEN.lastIndex = lt;
    const tag = TAG_OPEN.exec(html);
    if (!tag) {
      const bang = html[lt + 1] === '!' || html[lt + 1] === '?';
      i = bang ? skipPast(html, '>', lt) : lt + 1;
      continue;
    }
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    const { attributes, end } = readAttributes(html, lt + tag[0].length);
    i = end;
    if (closing) {
      if (openHeading && name === `h${openHeading.level}`) {
        addHeading(out, openHeading.level, html.slice(openHeading.start, lt));
        openHeading = null;
      }
      continue;
    }
    const style = attributes.get('style');
    if (style) out.inlineStyles.push(style);
    countLandmark(out, name, attributes.get('role'));
    if (COUNTED_ELEMENTS.has(name)) out.elements[name] = (out.elements[name] ?? 0) + 1;
    if (name === 'style' || name === 'title' || SKIPPED_RAW_TEXT.has(name)) {
      const close = indexOfCaseless(html, `</${name}`, i);
      const content = html.slice(i, close < 0 ? html.length : close);
      if (name === 'style') out.styleBlocks.push(content);
      if (name === 'title' && out.title === null) out.title = cleanText(content) || null;
      i = close < 0 ? html.length : skipPast(html, '>', close);
      continue;
    }
    if (/^h[1-3]$/.test(name)) openHeading = { level: Number(name[1]) as 1 | 2 | 3, start: i };
    else if (name === 'meta') readMeta(out, attributes);
    else if (name === 'link') readLink(out, attributes);
    else if (name === 'base' && out.baseHref === null) out.baseHref = attributes.get('href') ?? null;
  }
  return out;
}

function readAttributes(html: string, from: number): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  let j = from;
  while (j < html.length && html[j] !== '>') {
    if (/[\s/]/.test(html[j]!)) {
      j++;
      continue;
    }
    ATTRIBUTE.lastIndex = j;
    const attribute = ATTRIBUTE.exec(html);
    if (!attribute) {
      j++;
      continue;
    }
    const key = attribute[1]!.toLowerCase();
    if (!attributes.has(key)) attributes.set(key, decodeEntities(attribute[2] ?? attribute[3] ?? attribute[4] ?? ''));
    j = ATTRIBUTE.lastIndex;
  }
  return { attributes, end: Math.min(j + 1, html.length) };
}

function countLandmark(out: HtmlStructure, tagName: string, role: string | undefined): void {
  const fromRole = role ? LANDMARK_ROLES[role.trim().toLowerCase()] : undefined;
  const landmark = LANDMARK_TAGS.has(tagName) ? tagName : fromRole;
  if (landmark) out.landmarks[landmark] = (out.landmarks[landmark] ?? 0) + 1;
}

function addHeading(out: HtmlStructure, level: 1 | 2 | 3, inner: string): void {
  const text = cleanText(inner.replace(/<[^>]*>/g, ' '));
  if (text === '') return;
  if (out.headings.length >= MAX_HEADINGS) {
    out.headingsOmitted++;
    return;
  }
  out.headings.push({ level, text: text.length > MAX_HEADING_CHARS ? `${text.slice(0, MAX_HEADING_CHARS - 1)}…` : text });
}

function readMeta(out: HtmlStructure, attributes: Map<string, string>): void {
  const key = (attributes.get('name') ?? attributes.get('property') ?? '').toLowerCase();
  const content = cleanText(attributes.get('content') ?? '');
  if (content === '') return;
  if (key === 'description' || (key === 'og:description' && out.description === null)) out.description = content;
  if (key === 'og:title' && out.title === null) out.title = content;
}

function readLink(out: HtmlStructure, attributes: Map<string, string>): void {
  const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
  const href = attributes.get('href')?.trim();
  // `rel=preload as=style` is how many pages load their CSS late (switched to a stylesheet on load).
  const preloadedStyle = rel.includes('preload') && attributes.get('as')?.toLowerCase() === 'style';
  const stylesheet = (rel.includes('stylesheet') && !rel.includes('alternate')) || preloadedStyle;
  if (href && stylesheet && !out.stylesheetHrefs.includes(href)) out.stylesheetHrefs.push(href);
}

function skipPast(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at + needle.length;
}

function indexOfCaseless(text: string, needle: string, from: number): number {
  const pattern = new RegExp(needle.replace(/[/]/g, '\\/'), 'ig');
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', trade: '™', middot: '·', euro: '€', times: '×',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Control characters and bidi overrides: invisible in a digest, but able to disguise what a line says. */
export const INVISIBLE_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

function cleanText(text: string): string {
  return decodeEntities(text).replace(INVISIBLE_CHARACTERS, '').replace(/\s+/g, ' ').trim();
}

// ---- usage statistics ---------------------------------------------------------

/** Where a colour is used: `text` is `color`, `background` any background, `border` borders and outlines. */
export type ColorContext = 'text' | 'background' | 'border' | 'other';
export type FontRole = 'heading' | 'body' | 'mono' | 'other';

export interface ColorUse {
  /** Normalized: `#rrggbb`, `#rrggbbaa`, `rgba(r, g, b, a)` for translucent rgb/hsl, other colour spaces as written. */
  value: string;
  count: number;
  contexts: Record<ColorContext, number>;
  /** Uses in rules for `html`, `body` or `:root` — the page's own background and text. */
  pageContexts: Record<ColorContext, number>;
  /** Custom properties whose value is this colour (`--brand-blue`). */
  propertyNames: string[];
}

export interface FontUse {
  /** The stack as written, quotes removed: `Inter, system-ui, sans-serif`. */
  family: string;
  count: number;
  roles: Record<FontRole, number>;
}

export interface CountedValue {
  value: string;
  count: number;
}

export interface CustomProperty {
  name: string;
  value: string;
  /** `var(--name)` uses in the page's CSS. */
  uses: number;
}

export interface DesignStats {
  colors: ColorUse[];
  fonts: FontUse[];
  fontSizes: Record<FontRole, CountedValue[]>;
  fontWeights: Record<FontRole, CountedValue[]>;
  spacing: CountedValue[];
  radius: CountedValue[];
  customProperties: CustomProperty[];
  /** Families declared by `@font-face`. */
  webFonts: string[];
}

export interface DesignDigest {
  structure: HtmlStructure;
  stats: DesignStats;
  tokens: DesignTokens;
}

/**
 * The digest of a page: its structure, usage statistics of the CSS in
 * `linkedCss` (fetched stylesheets, in document order) then its `<style>`
 * blocks and `style` attributes, and the design tokens chosen from them.
 */
export function digestDesign(structure: HtmlStructure, linkedCss: readonly string[]): DesignDigest {
  const sheets = [...linkedCss, ...structure.styleBlocks].map(parseCss);
  const rules = sheets.flatMap((sheet) => sheet.rules);
  for (const style of structure.inlineStyles) rules.push({ selector: '[style]', declarations: parseDeclarations(style) });
  const stats = collectStats(rules);
  stats.webFonts = unique(sheets.flatMap((sheet) => sheet.fontFaceFamilies));
  return { structure, stats, tokens: chooseDesignTokens(stats) };
}

const SPACING_PROPERTY = /^(margin|padding)(-(top|right|bottom|left|block|inline)(-(start|end))?)?$|^(row-|column-|grid-)?gap$/;
const RADIUS_PROPERTY = /^border(-(top|bottom|start|end)-(left|right|start|end))?-radius$/;
// Sizes and weights reach the Architect's text and the blueprint: only values that look like them.
const FONT_SIZE = /^(\d*\.?\d+(px|rem|em|pt|%|vw|ch)|(clamp|calc|min|max)\([^;]{1,80}\)|(xx?-)?(small|large)|medium|smaller|larger)$/i;
const FONT_WEIGHT = /^([1-9]00|[1-9]\d{0,2}|normal|bold|bolder|lighter)$/;
const MAX_FAMILY_NAME = 60;
const LENGTH = /(?<![\w.-])(\d*\.?\d+)(px|rem|em)\b/g;
const RADIUS_LENGTH = /(?<![\w.-])(\d*\.?\d+)(px|rem|em|%)/g;

function collectStats(rules: readonly CssRule[]): DesignStats {
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

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// ---- CSS ---------------------------------------------------------------------

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
  /** URLs of `@import` rules, as written. */
  imports: string[];
  /** Families declared by `@font-face` (web fonts the page loads). */
  fontFaceFamilies: string[];
}

/** At-rules whose blocks hold ordinary rules; other blocks (keyframes, page…) are skipped. */
const NESTING_AT_RULES = new Set(['media', 'supports', 'layer', 'container', 'document', 'scope', 'starting-style']);

/** Parses CSS leniently into flat style rules; a broken block is skipped, never fatal. */
export function parseCss(css: string): ParsedCss {
  const out: ParsedCss = { rules: [], imports: [], fontFaceFamilies: [] };
  parseBlockInto(css.replace(/\/\*[\s\S]*?(\*\/|$)/g, ' '), 0, out);
  return out;
}

function parseBlockInto(css: string, from: number, out: ParsedCss): number {
  let i = from;
  while (i < css.length) {
    const stop = findTopLevel(css, i, '{;}');
    if (stop < 0) return css.length;
    const prelude = css.slice(i, stop).trim();
    const char = css[stop];
    if (char === '}') return stop + 1;
    if (char === ';') {
      const imported = /^@import\s+(?:url\(\s*)?["']?([^"')\s]+)/i.exec(prelude);
      if (imported) out.imports.push(imported[1]!);
      i = stop + 1;
      continue;
    }
    const atRule = /^@([\w-]+)/.exec(prelude)?.[1]?.toLowerCase();
    if (atRule !== undefined && NESTING_AT_RULES.has(atRule)) {
      i = parseBlockInto(css, stop + 1, out);
      continue;
    }
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
  return value.trim().replace(/^(["'])(.*)\1$/, '$2');
}
