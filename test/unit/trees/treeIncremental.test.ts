/**
 * What makes the speed trustworthy: a tree parsed after edits, reusing the
 * previous version's chunks, answers exactly like the same text parsed from
 * scratch, and a document split into chunks answers like the same document
 * parsed whole.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTreeWhole } from '../../../extension/src/core/trees/treeParse';
import type { OrchardDiagnostic } from '../../../extension/src/core/diagnostics/diagnostic';
import { parseTree, treeSymbols, validateTree } from '../../../extension/src/core/trees/treeService';
import { SEED_TREE } from './seedTree';
import { generateTree } from './treeGenerator';
import { applyMutation, mutation } from './treeMutations';
import { NO_EXTRA, PATH, SMALL } from './treeTestKit';

const base = fc.oneof(fc.constant(SEED_TREE), fc.constant(SMALL), fc.integer({ min: 1, max: 12 }).map((n) => generateTree(n)));

describe('incremental parsing', () => {
  it('reuses unchanged chunks: an edit in one step re-parses only that step', () => {
    const text = generateTree(50);
    const first = parseTree(PATH, text);
    expect(first.parsedWhole).toBe(false);
    const edited = text.replace('Item 25 for', 'Item 25 four');
    const second = parseTree(PATH, edited, first);
    const fresh = second.chunks.filter((c, i) => c.data !== first.chunks[i]?.data);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.data.steps[0]!.id).toBe('step-25');
  });

  it('reuses chunks that moved when lines are added above them', () => {
    const text = generateTree(20);
    const first = parseTree(PATH, text);
    const second = parseTree(PATH, text.replace('  step-3:\n', '  step-3:\n    # a new comment line\n'), first);
    const reused = second.chunks.filter((c) => first.chunks.some((f) => f.data === c.data));
    expect(reused.length).toBe(second.chunks.length - 1);
    expect(validateTree(second, NO_EXTRA)).toEqual(validateTree(parseTree(PATH, second.text), NO_EXTRA));
  });

  it('gives the same answers after random edits as a parse from scratch', () => {
    fc.assert(
      fc.property(base, fc.array(mutation, { minLength: 1, maxLength: 6 }), (start, mutations) => {
        let text = start;
        let tree = parseTree(PATH, text);
        for (const m of mutations) {
          text = applyMutation(text, m);
          tree = parseTree(PATH, text, tree);
          const scratch = parseTree(PATH, text);
          expect(validateTree(tree, NO_EXTRA)).toEqual(validateTree(scratch, NO_EXTRA));
          expect(treeSymbols(tree)).toEqual(treeSymbols(scratch));
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('gives the same answers split into chunks as parsed whole, and finds YAML errors in the same documents', () => {
    const isYamlError = (d: OrchardDiagnostic) => d.code === 'tree/yaml-syntax' && d.severity === 'error';
    fc.assert(
      fc.property(base, fc.array(mutation, { maxLength: 3 }), (start, mutations) => {
        const text = mutations.reduce(applyMutation, start);
        const chunked = validateTree(parseTree(PATH, text), NO_EXTRA);
        const whole = validateTree(parseTreeWhole(PATH, text), NO_EXTRA);
        expect(chunked.some(isYamlError)).toBe(whole.some(isYamlError));
        // A broken document is reported chunk by chunk, which the whole parse cannot match message for message.
        if (!whole.some(isYamlError)) expect(chunked).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
