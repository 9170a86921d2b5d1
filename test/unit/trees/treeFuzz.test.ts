/**
 * Robustness: valid trees mutated at random (characters and lines inserted or
 * deleted, ids renamed, indentation changed, YAML features the chunker refuses
 * thrown in) — no exception escapes and every call answers.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseTree,
  treeCompletions,
  treeDefinition,
  treeHover,
  treeReferences,
  treeSymbols,
  validateTree,
  type TreeOptions,
} from '../../../extension/src/core/trees/treeService';
import { SEED_TREE } from './seedTree';
import { generateTree } from './treeGenerator';
import { applyMutation, mutation } from './treeMutations';
import { PATH, SMALL } from './treeTestKit';

const options: TreeOptions = { extraActions: { deploy: { required: ['target'], optional: ['env'] }, api: { required: [], optional: ['retry_on'] } } };
const base = fc.oneof(fc.constant(SEED_TREE), fc.constant(SMALL), fc.integer({ min: 1, max: 8 }).map((n) => generateTree(n)));

describe('fuzz', () => {
  it('answers every call on mutated trees without throwing', () => {
    fc.assert(
      fc.property(base, fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 5 }), (start, mutations, positions) => {
        let text = start;
        let tree = parseTree(PATH, text);
        for (const m of mutations) {
          text = applyMutation(text, m);
          tree = parseTree(PATH, text, tree);
          const diagnostics = validateTree(tree, options);
          expect(Array.isArray(diagnostics)).toBe(true);
          for (const d of diagnostics) {
            expect(d.code).toMatch(/^tree\//);
            expect(d.range.start.line).toBeGreaterThanOrEqual(0);
            expect(d.range.end.line).toBeGreaterThanOrEqual(d.range.start.line);
          }
        }
        const lineCount = text.split('\n').length;
        for (const [line, character] of positions) {
          const position = { line: line % lineCount, character: character % 80 };
          expect(Array.isArray(treeCompletions(tree, position, options))).toBe(true);
          treeHover(tree, position, options);
          treeDefinition(tree, position);
          expect(Array.isArray(treeReferences(tree, position, true))).toBe(true);
        }
        expect(Array.isArray(treeSymbols(tree))).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('answers for texts that are not trees at all', () => {
    for (const text of ['', '\n', '---\n---\n', '- a\n- b\n', '"just a string"', 'steps:\n\t- tab', '%YAML 1.2\n---\nname: x\n', 'a: &x [1]\nb: *x\n', '{{ .vars.x }}', 'steps: {a: {action: api}}\n']) {
      const tree = parseTree(PATH, text);
      expect(Array.isArray(validateTree(tree, options))).toBe(true);
      expect(Array.isArray(treeCompletions(tree, { line: 0, character: 1 }, options))).toBe(true);
      expect(Array.isArray(treeSymbols(tree))).toBe(true);
    }
  });
});
