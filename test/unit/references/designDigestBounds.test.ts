/**
 * Regression tests for the design digest's bounds: each input here froze or
 * killed the extension host before (var() chains that grew a 1 KB stylesheet
 * to gigabytes, scans quadratic in a run of `<` or digits, recursion as deep
 * as the nesting, lists deduplicated in quadratic time). Each is held to a
 * time bound well under what the old code took (seconds to minutes) and to the
 * results a normal page would give.
 */
import '../hostile/exposeGc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchReference } from '../../../extension/src/agents/references/designReferences';
import { renderDigestText } from '../../../extension/src/agents/references/digestText';
import { digestDesign, parseCss, scanHtml } from '../../../extension/src/core/design/designDigest';
import { DigestBudget } from '../../../extension/src/core/design/digestBudget';
import { expectWithin } from '../hostile/bounds';
import { allowLoopbackOnly, css, html, startLoopbackServer, type LoopbackServer } from './loopbackServer';

// The old code took 1 s to minutes on each input here; the new one takes a few ms to tens.
const FAST = { ms: 500, heapMb: 64 };
const KB = 1024;
const digestCss = (sheet: string) => digestDesign(scanHtml(''), [sheet]);

describe('var() expansion', () => {
  it('stops a fan-out chain of custom properties instead of growing without bound', () => {
    // 1.3 KB: each property refers to the next sixteen times; fully expanded, --v0 is 16^6 references long.
    const chain = Array.from({ length: 6 }, (_, i) => `--v${i}: ${`var(--v${i + 1}) `.repeat(16)};`).join('');
    const digest = expectWithin('fan-out var chain', FAST, () => digestCss(`:root{${chain}--v6:#123456} a{color:var(--v0)}`));
    expect(digest.incomplete.join(' ')).toMatch(/var\(\)/);
    // The property that holds the colour itself is still seen.
    expect(digest.stats.colors[0]?.propertyNames).toContain('--v6');
  });

  it('resolves cycles and ordinary chains as before, with nothing cut', () => {
    const digest = digestCss(':root{--a: var(--b); --b: var(--a) var(--a); --c: var(--d, #f60); --d: var(--e)} a{color:var(--c); background: var(--a)}');
    expect(digest.stats.colors.map((c) => c.value)).toEqual([]);
    expect(digest.incomplete).toEqual([]);
    const chained = digestCss(':root{--x: var(--y, #f60); --link: var(--x)} a{color:var(--link)}');
    expect(chained.stats.colors.map((c) => [c.value, c.count])).toEqual([['#ff6600', 1]]);
  });
});

describe('linear scans', () => {
  it('strips tags from a heading full of `<` in linear time', () => {
    const structure = expectWithin('h1 of 100 KB of <', FAST, () => scanHtml(`<h1>${'<'.repeat(100 * KB)}</h1><h2>a<b>b</b>c</h2>`));
    expect(structure.headings[1]).toEqual({ level: 2, text: 'a b c' });
    expect(structure.headings[0]?.text).toMatch(/^<+…$/);
  });

  it('deduplicates and caps 60,000 stylesheet links', () => {
    const links = Array.from({ length: 60_000 }, (_, i) => `<link rel=stylesheet href=/s${i % 30_000}.css>`).join('');
    const structure = expectWithin('60,000 links', FAST, () => scanHtml(links));
    expect(structure.stylesheetHrefs.slice(0, 2)).toEqual(['/s0.css', '/s1.css']);
    expect(structure.stylesheetHrefs.length + structure.stylesheetHrefsOmitted).toBeGreaterThanOrEqual(30_000);
    expect(structure.stylesheetHrefs.length).toBeLessThanOrEqual(100);
  });

  it.each([
    ['margin', `a{margin:${'1'.repeat(60 * KB)}}`],
    ['border-radius', `a{border-radius:${'1'.repeat(60 * KB)}x}`],
    ['font-size', `a{font-size:${'1'.repeat(60 * KB)}x}`],
    ['font shorthand size', `a{font: ${'1'.repeat(60 * KB)}x}`],
    ['rgb()', `a{color:rgb(${'1'.repeat(60 * KB)}x 1 1)}`],
    ['oklch()', `a{color:oklch(${'1'.repeat(60 * KB)}x 1 1)}`],
  ])('reads a 60 KB run of digits in %s in linear time', (_what, sheet) => {
    const digest = expectWithin(`digits in ${_what}`, FAST, () => digestCss(sheet));
    expect(digest.stats.colors).toEqual([]);
    expect(digest.stats.spacing).toEqual([]);
  });

  it('reads a font shorthand with a line break after many sizes in linear time', () => {
    const digest = expectWithin('font shorthand', FAST, () => digestCss(`a{font:${' 1px a'.repeat(20 * KB)}\nb}`));
    expect(digest.stats.fonts).toEqual([]);
  });

  it('keeps the font shorthand family when the size ends a line', () => {
    const digest = digestCss('h1 { font: 700 2.5rem/1.1\n  "Fraunces", serif } p { font: italic .875em Inter } code { font: 5.px Mono }');
    expect(digest.stats.fonts.map((f) => f.family)).toEqual(['Fraunces, serif', 'Inter']);
    expect(digest.stats.fontSizes.heading).toEqual([{ value: '2.5rem', count: 1 }]);
    expect(digest.stats.fontSizes.body).toEqual([{ value: '.875em', count: 1 }]);
  });

  it('names 60,000 custom properties of one colour in linear time', () => {
    const sheet = `:root{${Array.from({ length: 60_000 }, (_, i) => `--p${i}:#fff;`).join('')}}`;
    const digest = expectWithin('60,000 properties', { ms: 1000, heapMb: 64 }, () => digestCss(sheet));
    expect(digest.stats.colors[0]?.propertyNames.slice(0, 2)).toEqual(['--p0', '--p1']);
  });
});

describe('nesting and lists', () => {
  it('survives 100,000 nested @media blocks without exhausting the stack', () => {
    const parsed = expectWithin('nested @media', FAST, () => parseCss(`${'@media screen{'.repeat(100 * KB)}a{color:red}`));
    expect(parsed.rules).toEqual([]);
    expect(parseCss('@media a{@supports b{@layer c{.x{gap:4px}}}}').rules).toEqual([{ selector: '.x', declarations: [{ property: 'gap', value: '4px' }] }]);
  });

  it('caps the @import list of a sheet', () => {
    const parsed = expectWithin('40,000 imports', FAST, () => parseCss('@import "a.css";'.repeat(40_000)));
    expect(parsed.imports.length).toBeLessThanOrEqual(100);
    expect(parsed.imports.length + parsed.importsOmitted).toBe(40_000);
  });
});

describe('the time budget', () => {
  // A clock that moves one millisecond each time it is read: the budget runs out after a fixed number of checks.
  const tickingClock = () => {
    let t = 0;
    return () => t++;
  };

  it('ends a long HTML scan with a partial structure and says so', () => {
    const budget = new DigestBudget({ now: tickingClock(), timeMs: 20 });
    const page = `<title>Big</title><h1>First</h1>${'<section><p>x</p></section>'.repeat(20_000)}<h2>Last</h2>`;
    const structure = scanHtml(page, budget);
    expect(structure.title).toBe('Big');
    expect(structure.headings).toEqual([{ level: 1, text: 'First' }]);
    expect(structure.incomplete).toEqual([expect.stringMatching(/^HTML read only up to \d+% in the 20 ms allowed$/)]);
    expect(budget.check('html')).toBe(true);
  });

  it('ends a long CSS digest, keeps what was counted and tells the reader', () => {
    const budget = new DigestBudget({ now: tickingClock(), timeMs: 20 });
    const sheet = `body{color:#111111}${'.c{margin:4px}'.repeat(50_000)}.z{color:#999999}`;
    const digest = digestDesign(scanHtml('<title>T</title>'), [sheet], budget);
    expect(digest.stats.colors.map((c) => c.value)).toContain('#111111');
    expect(digest.stats.colors.map((c) => c.value)).not.toContain('#999999');
    expect(digest.incomplete.length).toBeGreaterThan(0);
    const text = renderDigestText({ url: 'https://big.test/', finalUrl: 'https://big.test/', digest, stylesheetsFetched: 1, notes: [] });
    expect(text.split('\n')[2]).toMatch(/^Partial digest: the page was too large or complex to analyse fully \(.+\)\. What follows covers only part of it\.$/);
  });

  it('does not count time while paused (waiting for stylesheets)', () => {
    let t = 0;
    const budget = new DigestBudget({ now: () => t, timeMs: 100 });
    t = 50;
    budget.pause();
    t = 10_000;
    budget.resume();
    expect(budget.check('counting')).toBe(false);
    t = 10_060;
    for (let i = 0; i < 100; i++) budget.check('counting');
    expect(budget.exhausted).toBe(true);
  });

  it('stops reading before counting, leaving counting time', () => {
    let t = 0;
    const budget = new DigestBudget({ now: () => t, timeMs: 100 });
    t = 50;
    expect(budget.check('html')).toBe(true);
    expect(budget.check('css')).toBe(false);
    expect(budget.check('counting')).toBe(false);
  });

  it('leaves a normal page complete', () => {
    const digest = digestDesign(scanHtml('<title>Hi</title><style>body{color:#222}</style>'), [], new DigestBudget({ now: () => performance.now(), timeMs: 400 }));
    expect(digest.incomplete).toEqual([]);
    const text = renderDigestText({ url: 'https://a.test/', finalUrl: 'https://a.test/', digest, stylesheetsFetched: 0, notes: [] });
    expect(text).not.toContain('Partial digest');
  });
});

describe('fetchReference on a hostile page', () => {
  let server: LoopbackServer;
  beforeEach(async () => {
    server = await startLoopbackServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('resolves thousands of links and imports in bounded time and still notes what was not fetched', async () => {
    const links = Array.from({ length: 30_000 }, (_, i) => `<link rel=stylesheet href=/l${i}.css>`).join('');
    const imports = Array.from({ length: 30_000 }, (_, i) => `@import "/i${i}.css";`).join('');
    server.route('/', html(`<title>Links</title>${links}<style>${imports} body{color:#123456}</style>`));
    server.route('*', css('a{color:#abcdef}'));
    const started = performance.now();
    const digest = await fetchReference(`${server.origin}/`, { allowAddress: allowLoopbackOnly });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(digest.title).toBe('Links');
    expect(digest.text).toMatch(/Note: \d{5} more stylesheets not fetched \(at most 4 per reference\)/);
    expect(digest.incomplete).toBeUndefined();
  });

  it('marks a digest cut short, in its text and for the user', async () => {
    const chain = Array.from({ length: 6 }, (_, i) => `--v${i}: ${`var(--v${i + 1}) `.repeat(16)};`).join('');
    server.route('/', html(`<title>Chain</title><style>:root{${chain}--v6:#123456} a{color:var(--v0)}</style>`));
    const digest = await fetchReference(`${server.origin}/`, { allowAddress: allowLoopbackOnly });
    expect(digest.incomplete).toBe(
      'Partial digest: the page was too large or complex to analyse fully (some var() custom properties expand too far and were left partly unresolved). What follows covers only part of it.',
    );
    expect(digest.text.split('\n')[2]).toBe(digest.incomplete);
  });
});
