/**
 * A reference web page reduced to what a designer would note: its outline
 * (title, headings, landmarks) and its visual language (colours, fonts,
 * spacing and radius, with how often each is used). Pure and lenient: a small
 * tag scanner and a small CSS block scanner, no DOM, so any HTML that a
 * browser would show gives something, and nothing in it can run. Bounded:
 * linear in its input, with caps on what it reads and keeps, and a time budget
 * (`digestBudget.ts`) after which it returns what it has and says so.
 */
import { chooseDesignTokens } from './designTokens';
import { parseCss, parseDeclarations, type ParsedCss } from './cssScan';
import { collectStats } from './designStats';
import { DigestBudget } from './digestBudget';
import type { DesignStats, DesignTokens } from './designTypes';

// Callers import the CSS scanner and the statistics' types from here.
export { parseCss, parseDeclarations, unquote, type CssDeclaration, type CssRule, type ParsedCss } from './cssScan';
export { DigestBudget, type DigestClock } from './digestBudget';
export type { ColorContext, ColorUse, CountedValue, CustomProperty, DesignStats, FontRole, FontUse } from './designTypes';

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
  /** `href`s of `<link rel=stylesheet>`, as written (the fetcher resolves them), deduplicated: the first MAX_STYLESHEET_HREFS. */
  stylesheetHrefs: string[];
  /** Further distinct stylesheet `href`s, counted only. */
  stylesheetHrefsOmitted: number;
  baseHref: string | null;
  /** Why the scan stopped before the end (input too large, time up); empty when it read everything. */
  incomplete: string[];
}

const LANDMARK_TAGS = new Set(['nav', 'header', 'main', 'footer', 'section', 'aside', 'article', 'form']);
const LANDMARK_ROLES: Record<string, string> = { navigation: 'nav', banner: 'header', main: 'main', contentinfo: 'footer', complementary: 'aside' };
const COUNTED_ELEMENTS = new Set(['img', 'svg', 'button', 'a', 'input', 'table', 'video']);
const SKIPPED_RAW_TEXT = new Set(['script', 'textarea', 'template']);
const MAX_HEADINGS = 40;
const MAX_HEADING_CHARS = 120;
/** A reference fetches four stylesheets at most; more hrefs are only counted. */
export const MAX_STYLESHEET_HREFS = 64;
/** The fetcher's HTML limit (2 MiB): a longer text, from another caller, is read this far. */
export const MAX_HTML_CHARS = 2 * 1024 * 1024;
/** The CSS one digest reads: four 512 KiB stylesheets and the `<style>` of a 2 MiB page. */
export const MAX_CSS_CHARS = 4 * 1024 * 1024;

const TAG_OPEN = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/y;

/** Scans HTML leniently: unclosed tags, stray `<` and missing quotes are tolerated. */
export function scanHtml(fullHtml: string, budget: DigestBudget = new DigestBudget()): HtmlStructure {
  const tooLong = fullHtml.length > MAX_HTML_CHARS;
  const html = tooLong ? fullHtml.slice(0, MAX_HTML_CHARS) : fullHtml;
  if (tooLong) budget.note(`only the first ${MAX_HTML_CHARS / 1024 / 1024} MiB of HTML read`);
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
    stylesheetHrefsOmitted: 0,
    baseHref: null,
    incomplete: [],
  };
  const seenHrefs = new Set<string>();
  let openHeading: { level: 1 | 2 | 3; start: number } | null = null;
  let i = 0;
  while (i < html.length) {
    if (budget.check('html')) {
      budget.timeUp(`HTML read only up to ${Math.floor((100 * i) / html.length)}%`);
      break;
    }
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
    const { attributes, end } = readAttributes(html, lt + tag[0].length, budget);
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
    else if (name === 'link') readLink(out, attributes, seenHrefs);
    else if (name === 'base' && out.baseHref === null) out.baseHref = attributes.get('href') ?? null;
  }
  out.incomplete = [...budget.notes];
  return out;
}

function readAttributes(html: string, from: number, budget: DigestBudget): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  let j = from;
  // The budget is checked here too: one tag's attributes can run to the end of the page.
  while (j < html.length && html[j] !== '>' && !budget.check('html')) {
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
  const text = cleanText(withoutTags(inner));
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

/**
 * `inner.replace(/<[^>]*>/g, ' ')`, in one pass: that regex looked for a `>`
 * from every `<`, quadratic in a run of `<` without one. Once a `<` has no
 * `>` after it, no later `<` has one either, so the rest is kept as it is.
 */
function withoutTags(inner: string): string {
  let text = '';
  let from = 0;
  for (;;) {
    const lt = inner.indexOf('<', from);
    const gt = lt < 0 ? -1 : inner.indexOf('>', lt + 1);
    if (gt < 0) return text + inner.slice(from);
    text += `${inner.slice(from, lt)} `;
    from = gt + 1;
  }
}

/** Dedupes through `seen` (a list's `includes` was quadratic in 60,000 links) and keeps the first MAX_STYLESHEET_HREFS. */
function readLink(out: HtmlStructure, attributes: Map<string, string>, seen: Set<string>): void {
  const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
  const href = attributes.get('href')?.trim();
  // `rel=preload as=style` is how many pages load their CSS late (switched to a stylesheet on load).
  const preloadedStyle = rel.includes('preload') && attributes.get('as')?.toLowerCase() === 'style';
  const stylesheet = (rel.includes('stylesheet') && !rel.includes('alternate')) || preloadedStyle;
  if (!href || !stylesheet || seen.has(href)) return;
  seen.add(href);
  if (out.stylesheetHrefs.length < MAX_STYLESHEET_HREFS) out.stylesheetHrefs.push(href);
  else out.stylesheetHrefsOmitted++;
}

function skipPast(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at + needle.length;
}

/** One pattern per closing tag, made once: a page can hold hundreds of thousands of `<style>` or `<script>` elements. */
const CLOSING_TAGS = new Map<string, RegExp>();

function indexOfCaseless(text: string, needle: string, from: number): number {
  let pattern = CLOSING_TAGS.get(needle);
  if (pattern === undefined) {
    pattern = new RegExp(needle.replace(/[/]/g, '\\/'), 'ig');
    CLOSING_TAGS.set(needle, pattern);
  }
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', trade: '™', middot: '·', euro: '€', times: '×',
};

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
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

export interface DesignDigest {
  structure: HtmlStructure;
  stats: DesignStats;
  tokens: DesignTokens;
  /** Why the digest covers only part of the page (the structure's reasons included); empty when complete. */
  incomplete: string[];
}

/**
 * The digest of a page: its structure, usage statistics of the CSS in
 * `linkedCss` (fetched stylesheets, in document order) then its `<style>`
 * blocks and `style` attributes, and the design tokens chosen from them.
 * Within `budget`: when it runs out, the counts so far, and `incomplete` says so.
 */
export function digestDesign(structure: HtmlStructure, linkedCss: readonly string[], budget: DigestBudget = new DigestBudget()): DesignDigest {
  const sheets: ParsedCss[] = [];
  let cssLeft = MAX_CSS_CHARS;
  for (const css of [...linkedCss, ...structure.styleBlocks]) {
    if (css.length > cssLeft) budget.note(`only the first ${MAX_CSS_CHARS / 1024 / 1024} MiB of CSS read`);
    if (cssLeft === 0 || budget.check('css')) break;
    sheets.push(parseCss(css.length > cssLeft ? css.slice(0, cssLeft) : css, budget));
    cssLeft = Math.max(0, cssLeft - css.length);
  }
  const rules = sheets.flatMap((sheet) => sheet.rules);
  for (const style of structure.inlineStyles) {
    if (budget.check('css')) break;
    rules.push({ selector: '[style]', declarations: parseDeclarations(style) });
  }
  if (budget.check('css')) budget.timeUp('CSS read only in part');
  const stats = collectStats(rules, budget);
  stats.webFonts = unique(sheets.flatMap((sheet) => sheet.fontFaceFamilies));
  return { structure, stats, tokens: chooseDesignTokens(stats), incomplete: unique([...structure.incomplete, ...budget.notes]) };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
