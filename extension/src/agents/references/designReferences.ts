/**
 * Design references given as URLs in the chat: found in a message, fetched
 * safely (urlFetcher.ts), reduced to a digest and design tokens the Architect
 * can use. A page is fetched with up to a few of its stylesheets; a stylesheet
 * that fails is noted in the digest, a page that fails is a ReferenceError.
 */
import { DigestBudget, digestDesign, parseCss, scanHtml } from '../../core/design/designDigest';
import { partialDigestLine, renderDigestText } from './digestText';
import { FetchBudget } from './fetchBudget';
import {
  DEFAULT_FETCH_LIMITS,
  ReferenceError,
  type FetchLimits,
  type FetchReferenceOptions,
  type ReferenceDigest,
} from './referenceTypes';
import { displayUrl, fetchText, systemLookup, type FetchContext } from './urlFetcher';

export const MAX_REFERENCE_URLS = 5;

/**
 * Analysis time of one reference on the extension host's thread: the HTML
 * scan, the `@import` scan and the digest together (waiting for stylesheets
 * is not counted). The scans are linear, so a page at the fetcher's limits
 * takes a fraction of this; the budget only ends what would still stall every
 * extension in the host, and the Architect then gets a partial digest that says so.
 */
export const DIGEST_TIME_MS = 400;

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`{}|\\^]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~]+$/;

/**
 * The http(s) URLs of a chat message in order of appearance, deduplicated, at
 * most five, without credentials (`user:password@` is never sent, and must
 * not reach logs or the blueprint). Trailing punctuation is trimmed, and a closing bracket only when
 * it has no opening partner in the URL — so `(see https://x.test/a)` gives
 * `https://x.test/a` while `https://en.wikipedia.org/wiki/Swiss_(typography)` stays whole.
 */
export function extractReferenceUrls(text: string): string[] {
  const urls: string[] = [];
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const candidate = trimUrl(match[0]);
    let href: string;
    try {
      href = displayUrl(new URL(candidate));
    } catch {
      continue;
    }
    if (!urls.includes(href)) urls.push(href);
    if (urls.length === MAX_REFERENCE_URLS) break;
  }
  return urls;
}

function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING_PUNCTUATION, '');
    for (const [open, close] of [['(', ')'], ['[', ']']] as const) {
      if (url.endsWith(close) && count(url, close) > count(url, open)) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * Fetches a reference page and its stylesheets within one time budget and
 * reduces them to a digest. Throws a ReferenceError when the page itself
 * cannot be had (refused, unreachable, too large, too slow, not HTML).
 */
export async function fetchReference(url: string, opts: FetchReferenceOptions = {}): Promise<ReferenceDigest> {
  const shown = withoutCredentials(url);
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...opts.limits };
  const budget = new FetchBudget(limits.timeoutMs, opts.signal);
  const ctx: FetchContext = { budget, limits, lookup: opts.lookup ?? systemLookup };
  if (opts.allowAddress) ctx.allowAddress = opts.allowAddress;
  try {
    const page = await fetchText(url, 'html', ctx);
    const analysis = new DigestBudget({ now: () => performance.now(), timeMs: DIGEST_TIME_MS });
    const structure = scanHtml(page.text, analysis);
    analysis.pause();
    const base = baseUrl(structure.baseHref, page.finalUrl);
    const linked = { hrefs: resolveAll(structure.stylesheetHrefs, base), omitted: structure.stylesheetHrefsOmitted };
    const { css, notes } = await fetchStylesheets(linked, structure.styleBlocks, base, ctx, analysis);
    // The page arrived, but a cancelled caller wants nothing more.
    if (opts.signal?.aborted) throw budget.abortError(shown);
    analysis.resume();
    const digest = digestDesign(structure, css, analysis);
    const result: ReferenceDigest = {
      url: shown,
      finalUrl: page.finalUrl,
      title: structure.title,
      text: renderDigestText({ url: shown, finalUrl: page.finalUrl, digest, stylesheetsFetched: css.length, notes }),
      tokens: digest.tokens,
    };
    if (digest.incomplete.length > 0) result.incomplete = partialDigestLine(digest.incomplete);
    return result;
  } finally {
    budget.dispose();
  }
}

/**
 * Linked stylesheets first, then `@import`s found in them and in the page's
 * `<style>` blocks (one level), at most `maxStylesheets` in all. They are
 * fetched in parallel; each failure becomes a note. `linked.omitted` and the
 * sheets' omitted imports are hrefs past the scanners' caps, counted only.
 */
async function fetchStylesheets(
  linked: { hrefs: readonly string[]; omitted: number },
  styleBlocks: readonly string[],
  pageBase: URL,
  ctx: FetchContext,
  analysis: DigestBudget,
): Promise<{ css: string[]; notes: string[] }> {
  const max = ctx.limits.maxStylesheets;
  const notes: string[] = [];
  const css: string[] = [];
  const fetchAll = async (hrefs: readonly string[]) => {
    const results = await Promise.allSettled(hrefs.map((href) => fetchText(href, 'css', ctx)));
    const fetched: { url: string; text: string }[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') fetched.push({ url: result.value.finalUrl, text: result.value.text });
      else notes.push(`stylesheet skipped — ${describeFailure(result.reason, hrefs[i]!)}`);
    });
    return fetched;
  };
  const first = await fetchAll(linked.hrefs.slice(0, max));
  // Scanning for @import is analysis: it runs on the budget's clock.
  analysis.resume();
  const scanned = [
    ...first.map((sheet) => ({ parsed: parseCss(sheet.text, analysis), base: new URL(sheet.url) })),
    ...styleBlocks.map((block) => ({ parsed: parseCss(block, analysis), base: pageBase })),
  ];
  analysis.pause();
  const linkedSet = new Set(linked.hrefs);
  const imports = unique(scanned.flatMap(({ parsed, base }) => resolveAll(parsed.imports, base))).filter((href) => !linkedSet.has(href));
  const importsOmitted = scanned.reduce((sum, { parsed }) => sum + parsed.importsOmitted, 0);
  const room = Math.max(0, max - Math.min(linked.hrefs.length, max));
  const second = room > 0 && !ctx.budget.aborted ? await fetchAll(imports.slice(0, room)) : [];
  // Imported sheets come before the rules of the sheet that imports them; close enough for usage counts.
  for (const sheet of [...second, ...first]) css.push(sheet.text);
  const left = Math.max(0, linked.hrefs.length + linked.omitted - max) + Math.max(0, imports.length + importsOmitted - room);
  if (left > 0) notes.push(`${left} more stylesheet${left === 1 ? '' : 's'} not fetched (at most ${max} per reference)`);
  return { css, notes };
}

function describeFailure(reason: unknown, href: string): string {
  return reason instanceof ReferenceError ? reason.message : `${href}: ${String(reason)}`;
}

function baseUrl(baseHref: string | null, pageUrl: string): URL {
  const page = new URL(pageUrl);
  if (baseHref === null) return page;
  try {
    const base = new URL(baseHref, page);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base : page;
  } catch {
    return page;
  }
}

/** Absolute http(s) URLs of `hrefs` against `base`, deduplicated; others (data:, javascript:, broken) are dropped. */
function resolveAll(hrefs: readonly string[], base: URL): string[] {
  const resolved = new Set<string>();
  for (const href of hrefs) {
    try {
      const url = new URL(href, base);
      url.hash = '';
      if (url.protocol === 'http:' || url.protocol === 'https:') resolved.add(displayUrl(url));
    } catch {
      // A broken href is what a browser would ignore too.
    }
  }
  return [...resolved];
}

function withoutCredentials(url: string): string {
  try {
    return displayUrl(new URL(url));
  } catch {
    return url;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
