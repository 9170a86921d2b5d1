/**
 * Hostile input for the design digest of a fetched page: generated
 * pathological HTML and CSS (runs of `<`, digits, `#`, quotes, comment and
 * string openers without closers, deep and cyclic var() chains, huge
 * selector lists…), each document held to a time and memory bound, and a few
 * hand-made worst cases at the fetcher's limits through the whole path the
 * host runs (scan, digest, text).
 *
 * The generated documents run without a clock, so the bounds test the scans'
 * linearity itself: a quadratic scan takes seconds at these sizes, which the
 * time budget would otherwise hide by cutting the digest short.
 */
import './exposeGc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGEST_TIME_MS } from '../../../extension/src/agents/references/designReferences';
import { MAX_DIGEST_CHARS, renderDigestText } from '../../../extension/src/agents/references/digestText';
import { DEFAULT_FETCH_LIMITS } from '../../../extension/src/agents/references/referenceTypes';
import { DigestBudget, digestDesign, scanHtml } from '../../../extension/src/core/design/designDigest';
import { expectWithin } from './bounds';

/** ~100 KB documents: linear work takes milliseconds, quadratic work seconds. */
const DOCUMENT_BOUND = { ms: 250, heapMb: 48 };
// Each run also costs two garbage collections (bounds.ts measures the heap): ~50 runs keep the file to seconds.
const RUNS = { numRuns: 50, endOnFailure: true };

/** A page's digest as the host makes it, optionally on the host's clock. */
function digestPage(html: string, linkedCss: readonly string[], clock?: { timeMs: number }) {
  const budget = new DigestBudget(clock ? { now: () => performance.now(), timeMs: clock.timeMs } : undefined);
  const digest = digestDesign(scanHtml(html, budget), linkedCss, budget);
  const text = renderDigestText({ url: 'https://hostile.test/', finalUrl: 'https://hostile.test/', digest, stylesheetsFetched: linkedCss.length, notes: [] });
  return { digest, text };
}

/** `motif` repeated to about `chars` characters. */
const run = (motif: string, chars: number) => motif.repeat(Math.max(1, Math.ceil(chars / motif.length)));

const HTML_MOTIFS = [
  '<', '<a', '<a ', '</', '</h1', '<!', '<!-', '<!--', '<?', '&', '&#1', '&#x1', '&amp', '"', "'", '=', ' x=', '<a x="', "<a x='",
  '<h1>', '<h2>x', '<h1><', '<style>', '<title>', '<script>', '</style', '<link rel=stylesheet href=a', '<meta name=description content=',
  ' style="', ' style=color:red', '>', '<nav role=navigation>', '<img>', '\u202e', ' ', '\n',
];
const HTML_WRAPPERS: readonly [string, string][] = [
  ['', ''], ['<h1>', '</h1>'], ['<h2>', '</h2><h1>x</h1>'], ['<title>', '</title>'], ['<style>', '</style>'], ['<a href="', '">'],
  ['<div style="', '">'], ['<!--', ''], ['<script>', ''], ['<link rel=stylesheet href=', '>'], ['<meta content="', '">'],
];

const CSS_MOTIFS = [
  '1', '1.', '.1', '-1', '1e', '#', '#a', '#1', 'a', 'a-', '_', ' ', '\n', '(', ')', '()', 'url(', 'url(a', 'url((a)', 'var(--x,', 'var(--x',
  'var(', 'var(--x) ', 'rgb(', 'rgb(1 ', 'hsl(1,', 'oklch(1 ', 'color(srgb ', '"', "'", '\\', '/*', '*/', '/', '{', '}', ';', ':', '@media{',
  '@media screen{a{', '@import "x";', '@font-face{font-family:a}', 'a,', 'a ', '.title', '!important', '! ', '1px ', '1px a ', '1px/', '--',
  ',', 'clamp(', 'h1 ', 'body,',
];
const CSS_PROPERTIES = ['margin', 'padding', 'gap', 'border-radius', 'font', 'font-size', 'font-weight', 'font-family', 'color', 'background', 'border', 'fill', '--x'];

/** One run of a motif (or of two or three together) of 20–100 KB. */
const runOf = (motifs: readonly string[]) =>
  fc.record({
    motif: fc.array(fc.constantFrom(...motifs), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
    chars: fc.integer({ min: 20_000, max: 100_000 }),
  });

const cssDocument = fc.oneof(
  fc.record({ r: runOf(CSS_MOTIFS), property: fc.constantFrom(...CSS_PROPERTIES) }).map(({ r, property }) => `:root{--x:#fff}a{${property}:${run(r.motif, r.chars)}}`),
  fc.record({ r: runOf(CSS_MOTIFS), property: fc.constantFrom(...CSS_PROPERTIES) }).map(({ r, property }) => `a{${property}: 1px ${run(r.motif, r.chars)}\n x}`),
  runOf(CSS_MOTIFS).map((r) => `${run(r.motif, r.chars)}{color:red}`),
  runOf(CSS_MOTIFS).map((r) => `body{color:#111}${run(r.motif, r.chars)}`),
);

/** Custom properties referring to each other: fan-out, chains, cycles and fallbacks, a few KB at most. */
const varGraph = fc
  .record({
    count: fc.integer({ min: 2, max: 40 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 400 }),
    uses: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...CSS_PROPERTIES)), { minLength: 1, maxLength: 40 }),
  })
  .map(({ count, edges, uses }) => {
    const values: string[][] = Array.from({ length: count }, () => []);
    for (const [from, to, fallback] of edges) values[from % count]!.push(fallback ? `var(--p${to % count}, var(--p${(to + 1) % count}, #abc))` : `var(--p${to % count})`);
    const properties = values.map((refs, i) => `--p${i}: ${refs.join(' ') || '#123456'};`).join('');
    const declarations = uses.map(([p, property]) => `${property}: var(--p${p % count}) 1px`).join(';');
    return `:root{${properties}} a{${declarations}}`;
  });

describe('the design digest on generated hostile input', () => {
  it('scans pathological HTML in bounded time and memory', () => {
    fc.assert(
      fc.property(runOf(HTML_MOTIFS), fc.constantFrom(...HTML_WRAPPERS), (r, [open, close]) => {
        const html = `${open}${run(r.motif, r.chars)}${close}`;
        const { text } = expectWithin(`HTML ${JSON.stringify(r.motif)} ×${r.chars} in ${open}`, DOCUMENT_BOUND, () => digestPage(html, []));
        expect(text.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS);
      }),
      RUNS,
    );
  });

  it('digests pathological CSS, linked or in <style>, in bounded time and memory', () => {
    fc.assert(
      fc.property(cssDocument, fc.boolean(), (sheet, inline) => {
        const html = inline ? `<style>${sheet}</style>` : '';
        const { text } = expectWithin(`CSS ${JSON.stringify(sheet.slice(0, 60))}… (${sheet.length} chars)`, DOCUMENT_BOUND, () => digestPage(html, inline ? [] : [sheet]));
        expect(text.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS);
      }),
      RUNS,
    );
  });

  it('expands any graph of var() references within bounds', () => {
    fc.assert(
      fc.property(varGraph, (sheet) => {
        const { digest } = expectWithin(`var() graph ${sheet.slice(0, 120)}…`, { ms: 250, heapMb: 32 }, () => digestPage('', [sheet]));
        // Only the expansion bound may cut a small sheet short, and it says so.
        for (const note of digest.incomplete) expect(note).toMatch(/var\(\)/);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('reads many small pathological pieces mixed together', () => {
    const piece = fc.oneof(fc.constantFrom(...HTML_MOTIFS), fc.constantFrom(...CSS_MOTIFS).map((m) => `<i style="${m}">`));
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.integer({ min: 1, max: 2000 })), { minLength: 1, maxLength: 12 }), (pieces) => {
        const html = pieces.map(([motif, times]) => motif.repeat(times)).join('');
        expectWithin(`mixed page of ${html.length} chars`, DOCUMENT_BOUND, () => digestPage(html, []));
      }),
      { ...RUNS, numRuns: 30 },
    );
  });
});

describe('the design digest at the fetcher’s limits, on the host’s clock', () => {
  const htmlMax = DEFAULT_FETCH_LIMITS.maxHtmlBytes;
  const cssMax = DEFAULT_FETCH_LIMITS.maxCssBytes;
  // Linear at these sizes, and ended by the time budget if not: the whole path stays well under a second.
  const MAX_SIZE_BOUND = { ms: 1000, heapMb: 160 };

  it('bounds the worst HTML and CSS together: a heading of `<`, digit runs, a var() fan-out, nesting', () => {
    const html = `<title>Worst</title><h1>${run('<', htmlMax - 40)}</h1>`.slice(0, htmlMax);
    const fanOut = Array.from({ length: 8 }, (_, i) => `--v${i}: ${`var(--v${i + 1}) `.repeat(32)};`).join('');
    const sheets = [
      `a{margin:${run('1', cssMax - 20)}}`,
      `a{color:rgb(${run('1', cssMax - 30)}x 1 1)}`,
      `:root{${fanOut}--v8:#123456}${run('a{color:var(--v0)}', cssMax - 2000)}`,
      run('@media screen{', cssMax),
    ];
    const { digest, text } = expectWithin('worst page at the limits', MAX_SIZE_BOUND, () => digestPage(html, sheets, { timeMs: DIGEST_TIME_MS }));
    expect(digest.structure.title).toBe('Worst');
    expect(text.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS);
  });

  it('cuts a page too large to digest in time short, and says so in the text', () => {
    // 2 MiB of dense but ordinary CSS in <style>, plus four full stylesheets: more than the budget allows here.
    const rule = (i: number) => `.c${i} > a:hover { color: #${((i * 997) % 0xffffff).toString(16).padStart(6, '0')}; margin: ${i % 40}px 8px; font: 600 14px/1.4 Inter, sans-serif; border-radius: 8px; background: var(--bg, #fff) }\n`;
    const dense = (chars: number) => {
      const rules: string[] = [];
      for (let i = 0, size = 0; size < chars; i++) size += (rules[i] = rule(i)).length;
      return rules.join('').slice(0, chars);
    };
    const html = `<title>Dense</title><style>${dense(htmlMax - 100)}</style>`;
    const sheets = Array.from({ length: 4 }, () => dense(cssMax));
    const { digest, text } = expectWithin('dense page at the limits', MAX_SIZE_BOUND, () => digestPage(html, sheets, { timeMs: DIGEST_TIME_MS }));
    expect(digest.stats.colors.length).toBeGreaterThan(0);
    if (digest.incomplete.length > 0) expect(text.split('\n')[2]).toMatch(/^Partial digest: /);
  });

  it('keeps a 2 MiB page of 60,000 links and style attributes within bounds', () => {
    const html = run('<link rel=stylesheet href=/a.css?v=1><a style="color:#fff;margin:1px">x</a>', htmlMax).slice(0, htmlMax);
    const { digest } = expectWithin('links and styles at the limit', MAX_SIZE_BOUND, () => digestPage(html, [], { timeMs: DIGEST_TIME_MS }));
    expect(digest.structure.stylesheetHrefs).toEqual(['/a.css?v=1']);
  });
});
