/**
 * Hostile input for the language server's validators: Markdown memory files
 * (CLAUDE.md, Cursor `.mdc` rules with front matter), cookbook trees and
 * `.orchard/schema.yaml` (YAML), and blueprints (JSON). Generated
 * pathological documents — long runs of `[`, `]`, `(`, backticks, `<`, `@`,
 * `#`, `*`, `_`, `\`, deep nesting, huge lines, many lines, CR-only and mixed
 * line endings, front matter with no end, anchors and aliases — plus the worst
 * cases found by hand, each held to a time and memory bound per document.
 *
 * Every document goes through the dispatcher both hosts use (validateFile),
 * and memory files through the editor features the server answers with, so
 * the bounds are what a user waits for. At these sizes linear work takes
 * milliseconds and the quadratic scans this suite was written against took
 * seconds (half a megabyte of links and code spans: 20 s).
 */
import './exposeGc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../../extension/src/core/diagnostics/nestingDepth';
import { memoryCompletions, memoryHover, memorySymbols } from '../../../extension/src/core/memory/memoryService';
import { MAX_CHECKED_BYTES } from '../../../extension/src/core/validation/fileLimits';
import { FileClassifier, loadProjectSchema, validateFile, type ValidationContext } from '../../../extension/src/core/validation/validateFiles';
import { memoryFs } from '../validation/memoryFs';
import { expectWithin, type Bounds } from './bounds';

const ROOT = '/ws';
// Link and import targets of the motifs exist, so the bounds measure the scans, not a hundred thousand diagnostics.
const fs = memoryFs({
  [`${ROOT}/package.json`]: JSON.stringify({ scripts: { build: 'tsc', test: 'vitest' } }),
  [`${ROOT}/b`]: 'b',
  [`${ROOT}/docs/a.md`]: '# A\n',
  [`${ROOT}/a.md`]: '# A\n',
});
const context: ValidationContext = { root: ROOT, fs, schema: loadProjectSchema(ROOT, fs).schema, classifier: new FileClassifier() };
const memoryContext = { root: ROOT, fs, schema: context.schema };

/** ~100 KB generated documents; the YAML parser alone takes 3–8 µs a byte, so YAML ones are smaller. */
const MEMORY_BOUND: Bounds = { ms: 400, heapMb: 48 };
const YAML_BOUND: Bounds = { ms: 800, heapMb: 48 };
const JSON_BOUND: Bounds = { ms: 300, heapMb: 32 };
/** The hand-made worst cases at half a megabyte. */
const WORST_BOUND: Bounds = { ms: 1500, heapMb: 96 };
// Each run also costs two garbage collections (bounds.ts): these counts keep the file to seconds.
const RUNS = { numRuns: 25, endOnFailure: true };

/** Validation, then what the editor asks of a memory file (outline, completion at the end, hover in the middle). */
function check(path: string, text: string) {
  const validation = validateFile(path, text, context);
  expect(validation, `no validator owns ${path}`).toBeDefined();
  if (validation!.kind === 'memory' && !validation!.notChecked) {
    const lastLine = text.split(/\r\n|\r|\n/).length - 1;
    memorySymbols(path, text);
    memoryCompletions(path, text, { line: lastLine, character: 1_000_000 }, memoryContext);
    memoryHover(path, text, { line: Math.floor(lastLine / 2), character: 3 }, memoryContext);
  }
  return validation!;
}

/** `motif` repeated to about `chars` characters. */
const run = (motif: string, chars: number) => motif.repeat(Math.max(1, Math.ceil(chars / motif.length)));

const MARKDOWN_MOTIFS = [
  '[', ']', '(', ')', '](', '](<', '](b', '[a](b)', '[a](b) ', '[a]: b', '`', '``', '` `', '`c` ', '<', '<!--', '-->', '<!-- `a` -->',
  '@', '@a.md', '@docs/a.md ', '@a.', '.', '#', '# ', ' #', '\t#', '*', '_', '\\', '\\`', '~~~', '```', '```sh\n', '    ', '\t', ' ',
  '\n', '\r', '\r\n', '\n\n', '---', '---\n', '=\n', '-\n', '- ', '1. ', '> ', '|', 'npm run build ', '`npm run x` ', 'pnpm x ', 'cd a && ',
  'yarn run ', 'sk-', 'sk-ant-', 'AKIA', 'aws_secret_access_key = ', '-----BEGIN PRIVATE KEY-----', 'Last Updated ', 'jan ', 'mdc:',
  '%', '%E0%A4%A', '\u0000', '😀', '\u2028',
];
const MARKDOWN_WRAPPERS: readonly [string, string][] = [
  ['', ''], ['# Title\n', '\n'], ['# ', ''], ['see ', ' done'], ['`', '`'], ['```sh\n', '\n```\n'], ['<!-- ', ' -->'], ['- item ', ''],
  ['Para\n\n    ', ''], ['Last Updated: ', ''], ['[x](', ')'], ['@', '.md'],
];

/** One run of a motif (or two or three together) of 20–100 KB, inside a wrapper, in a memory file. */
const markdownRun = fc.record({
  motif: fc.array(fc.constantFrom(...MARKDOWN_MOTIFS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
  chars: fc.integer({ min: 20_000, max: 100_000 }),
  wrapper: fc.constantFrom(...MARKDOWN_WRAPPERS),
});

/** A mix of many short motifs: every kind of line and construct next to every other. */
const markdownMix = fc.array(fc.constantFrom(...MARKDOWN_MOTIFS), { minLength: 2000, maxLength: 20_000 }).map((parts) => parts.join(''));

const FRONT_MATTER_MOTIFS = ['a: b\n', 'globs: *.ts\n', 'globs: [', '- ', '  - x\n', '"', "'", ': ', ' ', '\t', '#', '[', '{', '&a ', '*a ', '\r', '\n', '---'];

describe('memory files', () => {
  it('generated runs: each document within its bound', () => {
    fc.assert(
      fc.property(markdownRun, ({ motif, chars, wrapper }) => {
        const text = wrapper[0] + run(motif, chars) + wrapper[1];
        expectWithin(`CLAUDE.md: ${JSON.stringify(motif)} × ${chars} in ${JSON.stringify(wrapper)}`, MEMORY_BOUND, () => check(`${ROOT}/CLAUDE.md`, text));
      }),
      RUNS,
    );
  });

  it('generated mixes, in CLAUDE.md and in context/CURRENT_STATUS.md (which checks its date too)', () => {
    fc.assert(
      fc.property(markdownMix, fc.constantFrom('CLAUDE.md', 'context/CURRENT_STATUS.md'), (text, file) => {
        expectWithin(`${file}: a mix of ${text.length} characters`, MEMORY_BOUND, () => check(`${ROOT}/${file}`, text));
      }),
      RUNS,
    );
  });

  it('.mdc rules: front matter with runs, no end, or nesting', () => {
    const frontMatter = fc.record({
      motif: fc.array(fc.constantFrom(...FRONT_MATTER_MOTIFS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
      chars: fc.integer({ min: 1000, max: 60_000 }),
      closed: fc.boolean(),
    });
    fc.assert(
      fc.property(frontMatter, ({ motif, chars, closed }) => {
        const text = `---\ndescription: x\n${run(motif, chars)}\n${closed ? '---\n' : ''}# Rules\n`;
        expectWithin(`.mdc front matter: ${JSON.stringify(motif)} × ${chars}${closed ? '' : ', never closed'}`, YAML_BOUND, () => check(`${ROOT}/.cursor/rules/r.mdc`, text));
      }),
      RUNS,
    );
  });

  const HALF_MB = 512 * 1024;
  const sized = (motif: string, prefix = '', suffix = '') => prefix + run(motif, HALF_MB - prefix.length - suffix.length) + suffix;
  it.each([
    ['links on one line', sized('[a](b) ')],
    ['links and code spans on one line', sized('[a](b) `c` ')],
    ['links and code spans, many lines', sized('See [a](b) and `c`, [a](b) and `c`.\n')],
    ['imports and code spans on one line', sized('@docs/a.md `c` ')],
    ['comments around code spans on one line', sized('<!-- `a` --> ')],
    ['npm commands in code spans', sized('`npm run build` ')],
    ['npm commands in prose after code spans', sized('`a` npm run build ')],
    ['npm commands in a shell block', sized('npm run build && pnpm x\n', '```sh\n')],
    ['a heading of blanks', sized(' ', '#', 'x')],
    ['a heading of closing hashes', sized(' #', '# a')],
    ['a heading of tabs and hashes', sized('\t#', '#', 'x')],
    ['an import with trailing dots', sized('.', '@a', 'x')],
    ['angle links that never close', sized('](<')],
    ['backtick runs of every length', Array.from({ length: 1000 }, (_, i) => '`'.repeat(i + 1) + 'a').join('')],
    ['CR-only line endings', sized('# h\r[a](b) `c` @a.md\r')],
    ['a reference definition with no end', sized('a', '[')],
  ])('the worst case by hand: %s (half a megabyte)', (what, text) => {
    expectWithin(`CLAUDE.md: ${what}`, WORST_BOUND, () => check(`${ROOT}/CLAUDE.md`, text));
  });

  it.each([
    ['front matter that never closes', sized('a: b\n', '---\n')],
    ['front matter lines with long blank runs (lenient reader)', `---\nglobs: *.ts\n${sized(' ', 'a: x', 'y\n')}---\n# R\n`],
    ['front matter nested 100,000 deep', `---\na: ${'['.repeat(100_000)}\n---\n# R\n`],
  ])('the worst case by hand in a .mdc rule: %s', (what, text) => {
    const validation = expectWithin(`.mdc: ${what}`, WORST_BOUND, () => check(`${ROOT}/.cursor/rules/r.mdc`, text));
    expect(validation.diagnostics.length).toBeLessThanOrEqual(2);
  });

  it('a hundred thousand broken links: linear in the diagnostics too', () => {
    const text = run('[x](missing.md) ', HALF_MB);
    const validation = expectWithin('CLAUDE.md: 32,768 broken links', { ms: 2000, heapMb: 160 }, () => check(`${ROOT}/CLAUDE.md`, text));
    expect(validation.diagnostics.length).toBe(Math.ceil(HALF_MB / 16));
  });

  it('a file over the limit is refused at once, with one diagnostic', () => {
    const text = run('[a](b) `c` ', MAX_CHECKED_BYTES.memory + 1);
    const validation = expectWithin('CLAUDE.md over 1 MiB', { ms: 100, heapMb: 8 }, () => check(`${ROOT}/CLAUDE.md`, text));
    expect(validation.diagnostics.map((d) => d.code)).toEqual(['orchard/file-too-large']);
  });
});

const YAML_MOTIFS = [
  '[', ']', '{', '}', '[a, ', '{a: ', '{a: [', '- ', '- - ', '? ', ': ', 'a: ', 'a:\n', '  ', '\t', ',', '"', "'", '\\', '#', '|', '>',
  '&a ', '*a ', '&a [x, x] ', '<<: *a\n', '!t ', '!!str ', '%YAML 1.2\n', '---\n', '...\n', '\n', '\r', '\r\n', '{{ .vars.x }}', '{{',
  '}}', '{{ .outputs.a.b }} ', 'steps:\n', '  s:\n', '    action: shell\n', '    run: ', '    depends_on: [', '😀',
];
const YAML_WRAPPERS: readonly [string, string][] = [
  ['', ''], ['name: x\nsteps:\n  a:\n    action: shell\n    run: ', '\n'], ['name: x\nsteps:\n  ', ''], ['name: x\nvars:\n  v: ', '\n'],
  ['name: x\nsteps: ', ''], ['name: "', '"\n'], ['name: x\ndescription: |\n  ', '\n'],
];

describe('YAML: cookbook trees and .orchard/schema.yaml', () => {
  const yamlRun = fc.record({
    motif: fc.array(fc.constantFrom(...YAML_MOTIFS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
    chars: fc.integer({ min: 2000, max: 20_000 }),
    wrapper: fc.constantFrom(...YAML_WRAPPERS),
    file: fc.constantFrom('cookbooks/trees/t.yaml', '.orchard/schema.yaml'),
  });

  it('generated runs: each document within its bound', () => {
    fc.assert(
      fc.property(yamlRun, ({ motif, chars, wrapper, file }) => {
        const text = wrapper[0] + run(motif, chars) + wrapper[1];
        expectWithin(`${file}: ${JSON.stringify(motif)} × ${chars} in ${JSON.stringify(wrapper)}`, YAML_BOUND, () => check(`${ROOT}/${file}`, text));
      }),
      RUNS,
    );
  });

  const deep = (what: string, text: string) => [what, text] as const;
  it.each([
    deep('flow sequences 100,000 deep', '['.repeat(100_000)),
    deep('flow sequences 100,000 deep, closed', '['.repeat(100_000) + ']'.repeat(100_000)),
    deep('flow mappings 50,000 deep', '{a: '.repeat(50_000)),
    deep('compact sequences 50,000 deep', '- '.repeat(50_000) + 'x'),
    deep('explicit keys 50,000 deep', '? '.repeat(50_000) + 'x'),
    deep('an indentation staircase 1,000 deep', Array.from({ length: 1000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n')),
    deep('a step nested 100,000 deep', 'name: x\nsteps:\n  a:\n    action: shell\n    run: ' + '['.repeat(100_000) + '\n  b:\n    action: shell\n    run: ls\n'),
  ])('nested too deeply: %s — a clear error naming the limit, never a crash', (what, text) => {
    for (const file of ['cookbooks/trees/t.yaml', '.orchard/schema.yaml']) {
      // Twice: the `yaml` package, once overflowed, could take the whole process down on the next parse.
      for (let round = 0; round < 2; round++) {
        const validation = expectWithin(`${file}: ${what}`, YAML_BOUND, () => check(`${ROOT}/${file}`, text));
        const messages = validation.diagnostics.map((d) => d.message);
        expect(messages.some((m) => m.includes(`nested deeper than ${MAX_NESTING_DEPTH} levels`)), `${file}: ${messages.slice(0, 3).join(' | ')}`).toBe(true);
        expect(validation.diagnostics.map((d) => d.code)).not.toContain('orchard/internal-error');
      }
    }
  });

  it.each([
    ['an alias bomb (nine levels of nine aliases)', ['name: x', 'vars:', '  a0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`), 'steps: {}'].join('\n')],
    ['ten thousand merge keys', 'name: x\nvars:\n  base: &b {action: shell, run: ls}\nsteps:\n' + Array.from({ length: 10_000 }, (_, i) => `  s${i}:\n    <<: *b\n`).join('')],
    ['a 300 KB line', 'name: x\nsteps:\n  a:\n    action: shell\n    run: ' + 'x'.repeat(300_000) + '\n'],
    ['a template opened 30,000 times', 'name: x\nsteps:\n  a:\n    action: shell\n    run: "' + '{{ '.repeat(30_000) + '"\n'],
    ['CR-only line endings, 2,000 steps', 'name: x\rsteps:\r' + Array.from({ length: 2000 }, (_, i) => `  s${i}:\r    action: shell\r    run: ls\r`).join('')],
  ])('the worst case by hand: %s', (what, text) => {
    for (const file of ['cookbooks/trees/t.yaml', '.orchard/schema.yaml']) {
      const validation = expectWithin(`${file}: ${what}`, { ms: 3000, heapMb: 96 }, () => check(`${ROOT}/${file}`, text));
      expect(validation.diagnostics.map((d) => d.code)).not.toContain('orchard/internal-error');
    }
  });
});

const JSON_MOTIFS = ['[', ']', '{', '}', '{"a":', '[[', '"a":', '"', '\\', '\\"', ',', ':', '1', '-', '1e', 'true', 'null', ' ', '\n', '\r', '/*', '//', '😀'];

describe('JSON blueprints', () => {
  it('generated runs and mixes: each document within its bound', () => {
    const jsonDocument = fc.oneof(
      fc
        .record({ motif: fc.array(fc.constantFrom(...JSON_MOTIFS), { minLength: 1, maxLength: 3 }).map((p) => p.join('')), chars: fc.integer({ min: 20_000, max: 200_000 }) })
        .map(({ motif, chars }) => `{"featureName": "x", "notes": ${run(motif, chars)}`),
      fc.array(fc.constantFrom(...JSON_MOTIFS), { minLength: 1000, maxLength: 20_000 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(jsonDocument, (text) => {
        expectWithin(`.orchard/blueprints/x.json: ${JSON.stringify(text.slice(0, 40))}… (${text.length} characters)`, JSON_BOUND, () =>
          check(`${ROOT}/.orchard/blueprints/x.json`, text),
        );
      }),
      RUNS,
    );
  });

  it.each([
    ['arrays 100,000 deep', '['.repeat(100_000)],
    ['arrays 100,000 deep, closed', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['objects 100,000 deep', '{"a":'.repeat(100_000)],
    ['objects 100,000 deep, closed', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['a value 257 deep inside a valid blueprint', `{"featureName": "x", "notes": ${'['.repeat(257)}${']'.repeat(257)}}`],
  ])('nested too deeply: %s — a clear error at the bracket past the limit', (what, text) => {
    const validation = expectWithin(`blueprint: ${what}`, JSON_BOUND, () => check(`${ROOT}/.orchard/blueprints/x.json`, text));
    expect(validation.diagnostics).toEqual([
      expect.objectContaining({ code: 'blueprint/json-syntax', message: `JSON syntax error: nested deeper than ${MAX_NESTING_DEPTH} levels (the most Orchard reads), so it was not parsed` }),
    ]);
  });

  it('a syntax error per character: the first 100 are listed, the scan stops after them', () => {
    // 200,000 commas made 400,000 errors and took 841 ms to list (found by the generated runs above).
    const text = `{"featureName": "x", "notes": ${','.repeat(200_000)}`;
    const validation = expectWithin('blueprint: 200,000 commas', JSON_BOUND, () => check(`${ROOT}/.orchard/blueprints/x.json`, text));
    expect(validation.diagnostics).toHaveLength(101);
    expect(validation.diagnostics.every((d) => d.code === 'blueprint/json-syntax')).toBe(true);
    expect(validation.diagnostics.at(-1)!.message).toBe(
      'JSON syntax error: more errors after the first 100 are not listed (later ones often follow from an earlier one: fix those first)',
    );
  });

  it.each([
    ['half a megabyte of closing braces', '}'.repeat(512 * 1024)],
    ['fifty thousand unknown keys', `{"featureName": "x", ${Array.from({ length: 50_000 }, (_, i) => `"k${i}": 1`).join(', ')}}`],
    ['fifty thousand wrong entities', `{"featureName": "x", "sections": {"dataModel": {"entities": [${Array(50_000).fill('1').join(',')}]}}}`],
    ['a string of a megabyte, less one byte', `{"featureName": "${'x'.repeat(MAX_CHECKED_BYTES.blueprint - 20)}"}`],
    ['CR-only line endings', `{\r"featureName": "x",\r${Array.from({ length: 20_000 }, (_, i) => `"k${i}": 1`).join(',\r')}\r}`],
  ])('the worst case by hand: %s', (what, text) => {
    const validation = expectWithin(`blueprint: ${what}`, { ms: 2000, heapMb: 128 }, () => check(`${ROOT}/.orchard/blueprints/x.json`, text));
    expect(validation.diagnostics.map((d) => d.code)).not.toContain('orchard/internal-error');
  });
});
