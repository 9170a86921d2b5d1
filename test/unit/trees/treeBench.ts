/**
 * Benchmark, not a test: parseTree + validateTree after a one-character edit
 * on generated trees of 200, 2,000 and 20,000 steps (and from scratch).
 * Run: npx vite-node test/unit/trees/treeBench.ts
 */
import { parseTree, validateTree } from '../../../extension/src/core/trees/treeService';
import { generateTree, stepId } from './treeGenerator';

const options = { extraActions: {} };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

for (const size of [200, 2000, 20000]) {
  const text = generateTree(size);
  let start = performance.now();
  let tree = parseTree('/bench/tree.yaml', text);
  const diagnostics = validateTree(tree, options);
  const scratch = performance.now() - start;
  const timings: number[] = [];
  const rounds = size >= 20000 ? 10 : 30;
  // Type into a step in the middle: "a padding sentence" -> "a padding sentences", "…sentencess", …
  const marker = `  ${stepId(Math.floor(size / 2))}:`;
  const notePosition = text.indexOf('padding sentence', text.indexOf(marker)) + 'padding sentence'.length;
  let current = text;
  for (let round = 0; round < rounds; round++) {
    current = current.slice(0, notePosition) + 's' + current.slice(notePosition);
    start = performance.now();
    tree = parseTree('/bench/tree.yaml', current, tree);
    validateTree(tree, options);
    timings.push(performance.now() - start);
  }
  console.log(
    `${String(size).padStart(6)} steps, ${(text.length / 1024).toFixed(0).padStart(5)} KB: from scratch ${scratch.toFixed(0)} ms (${diagnostics.length} diagnostics); ` +
      `after a one-character edit median ${median(timings).toFixed(1)} ms, max ${Math.max(...timings).toFixed(1)} ms`,
  );
}
