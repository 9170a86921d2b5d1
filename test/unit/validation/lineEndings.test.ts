/**
 * A line ends at `\n`, `\r\n` or a lone `\r` (old Mac files), as LSP and VS
 * Code count lines: every validator must put its diagnostics on the line the
 * editor shows, whatever the file's line endings — not all on line 1.
 */
import { describe, expect, it } from 'vitest';
import { LineIndex, splitLines } from '../../../extension/src/core/diagnostics/lineIndex';
import { FileClassifier, loadProjectSchema, validateFile, type ValidationContext } from '../../../extension/src/core/validation/validateFiles';
import { memoryFs } from './memoryFs';

const ROOT = '/ws';

function context(files: Record<string, string> = {}): ValidationContext {
  const fs = memoryFs(files);
  return { root: ROOT, fs, schema: loadProjectSchema(ROOT, fs).schema, classifier: new FileClassifier() };
}

/** The same document with each kind of line ending. */
const ENDINGS = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;
const withEnding = (lines: string[], ending: string) => lines.join(ending) + ending;

/** Each diagnostic as `code@line:character`, the part that must not depend on line endings. */
const placed = (path: string, text: string, ctx = context()) =>
  validateFile(path, text, ctx)!.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`).sort();

describe('LineIndex and splitLines', () => {
  it('count \\n, \\r\\n and a lone \\r as one line end each', () => {
    const text = 'a\rb\r\nc\nd\r\re';
    const index = new LineIndex(text);
    expect(index.lineCount).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((line) => index.lineText(line))).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(splitLines(text)).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(index.positionAt(text.indexOf('e'))).toEqual({ line: 5, character: 0 });
    expect(index.positionAt(text.indexOf('c'))).toEqual({ line: 2, character: 0 });
    // A column past the end of the line stops before its line break.
    expect(index.offsetAt({ line: 1, character: 9 })).toBe(text.indexOf('b') + 1);
  });
});

describe.each(Object.entries(ENDINGS))('diagnostics on the right line with %s line endings', (_name, ending) => {
  it('memory files: imports, links, headings and the line budget', () => {
    const ctx = context({ [`${ROOT}/docs/here.md`]: '# Here\n' });
    const text = withEnding(['# App', '', '@docs/missing.md', '', 'See [here](docs/here.md) and [gone](docs/gone.md).', '', '## App', '# App'], ending);
    expect(placed(`${ROOT}/CLAUDE.md`, text, ctx)).toEqual([
      'memory/duplicate-heading@7:2',
      'memory/import-not-found@2:0',
      'memory/link-not-found@4:36',
    ]);
  });

  it('memory front matter (Cursor .mdc, strict YAML and the lenient reader)', () => {
    const strict = withEnding(['---', 'description: Rules', 'alwaysApply: maybe', '---', '# Rules'], ending);
    expect(placed(`${ROOT}/.cursor/rules/a.mdc`, strict)).toEqual(['memory/front-matter-field@2:13']);
    const lenient = withEnding(['---', 'globs: *.ts', 'not a field', '---', '# Rules'], ending);
    expect(placed(`${ROOT}/.cursor/rules/b.mdc`, lenient)).toEqual(['memory/front-matter-syntax@2:0']);
  });

  it('blueprint files: a JSON syntax error and a schema error', () => {
    const syntax = withEnding(['{', '  "featureName": "Todo",', '  oops', '}'], ending);
    expect(placed(`${ROOT}/.orchard/blueprints/todo.json`, syntax)[0]).toMatch(/^blueprint\/json-syntax@2:/);
    const schema = withEnding(['{', '  "featureName": "Todo",', '  "status": "done"', '}'], ending);
    expect(placed(`${ROOT}/.orchard/blueprints/todo.json`, schema)).toEqual(['blueprint/schema@2:12']);
  });

  it('cookbook trees', () => {
    const tree = withEnding(['name: nightly', 'steps:', '  build:', '    action: shell', '    run: npm test', '  smoke:', '    depends_on: [biuld]', '    action: shell', '    run: npm start'], ending);
    expect(placed(`${ROOT}/cookbooks/trees/nightly.yaml`, tree)).toEqual(['tree/unknown-dependency@6:17']);
  });

  it('.orchard/schema.yaml', () => {
    const schema = withEnding(['version: 1', 'memory:', '  claude:', '    requiredSections: [Map]', '    maxLine: 10'], ending);
    expect(placed(`${ROOT}/.orchard/schema.yaml`, schema)).toEqual(['schema/unknown-key@4:4']);
  });
});
