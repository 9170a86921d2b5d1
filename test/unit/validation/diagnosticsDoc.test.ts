/**
 * docs/diagnostics.md documents every code the validators can emit, and its
 * examples are live: each one, run through the same dispatcher as the editor
 * and the CLI, must still produce the code it illustrates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allDiagnosticCodes,
  FileClassifier,
  INTERNAL_ERROR_CODE,
  loadProjectSchema,
  validateFile,
} from '../../../extension/src/core/validation/validateFiles';
import { FILE_TOO_LARGE_CODE, FILE_UNREADABLE_CODE, MORE_PROBLEMS_CODE } from '../../../extension/src/core/validation/fileLimits';
import { memoryFs } from './memoryFs';

const doc = readFileSync(new URL('../../../docs/diagnostics.md', import.meta.url), 'utf8');
const ROOT = '/ws';

interface Example {
  code: string;
  checked?: { path: string; text: string };
  context: Record<string, string>;
}

function examples(): Example[] {
  const result: Example[] = [];
  for (const section of doc.split(/^### /m).slice(1)) {
    const code = /^`([^`]+)`/.exec(section)?.[1];
    if (!code) continue;
    const example: Example = { code, context: {} };
    for (const m of section.matchAll(/^```\w+ file=(\S+)( context)?\n([\s\S]*?)^```$/gm)) {
      const [, path, isContext, text] = m;
      if (isContext) example.context[`${ROOT}/${path}`] = text!;
      else example.checked = { path: `${ROOT}/${path}`, text: text! };
    }
    result.push(example);
  }
  return result;
}

describe('docs/diagnostics.md', () => {
  const documented = examples();

  it('documents every code the validators emit, and no other', () => {
    const codes = Object.keys(allDiagnosticCodes()).sort();
    expect(documented.map((e) => e.code).sort()).toEqual(codes);
    for (const code of codes) expect(code).toMatch(/^(tree|memory|schema|blueprint|orchard)\/[a-z]+(-[a-z]+)*$/);
  });

  // A few codes cannot have a live example (a bug, a file over a megabyte, the file system): their section says so.
  const withoutExample = new Set([INTERNAL_ERROR_CODE, FILE_TOO_LARGE_CODE, FILE_UNREADABLE_CODE, MORE_PROBLEMS_CODE]);

  it('says why the codes without an example have none', () => {
    for (const code of withoutExample) expect(doc.split(`### \`${code}\``)[1]?.split('### ')[0], code).toMatch(/No example:\s/);
  });

  it.each(documented.filter((e) => !withoutExample.has(e.code)).map((e) => [e.code, e] as const))('the example of %s produces it', (code, example) => {
    expect(example.checked, `${code} has no example block marked file=`).toBeDefined();
    const { path, text } = example.checked!;
    const fs = memoryFs({ ...example.context, [path]: text });
    const context = { root: ROOT, fs, schema: loadProjectSchema(ROOT, fs).schema, classifier: new FileClassifier() };
    const result = validateFile(path, text, context);
    expect(result, `no validator owns ${path}`).toBeDefined();
    const codes = result!.diagnostics.map((d) => d.code);
    expect(codes, `${code}: ${JSON.stringify(result!.diagnostics.map((d) => `${d.code}: ${d.message}`))}`).toContain(code);
  });
});
