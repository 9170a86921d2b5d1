/**
 * Benchmark, not a test: parseTree + validateTree after a one-character edit
 * on generated trees of 200, 2,000 and 20,000 steps, from scratch, and after
 * an edit that leaves a YAML error (which stays in its chunk).
 * Wall time and this process's CPU time (the machine may be shared).
 * Run: npx vite-node test/bench/treeParse.ts [sizes…]
 * (node --expose-gc node_modules/.bin/vite-node … adds the memory retention figure)
 */
import { parseTree, validateTree, type ParsedTree } from '../../extension/src/core/trees/treeService';
import { generateTree, stepId } from '../unit/trees/treeGenerator';

const options = { extraActions: {} };
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(run: () => void): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

for (const size of sizes.length > 0 ? sizes : [200, 2000, 20000]) {
  const text = generateTree(size);
  let tree: ParsedTree = parseTree('/bench/tree.yaml', text);
  let count = 0;
  const scratch = timed(() => {
    tree = parseTree('/bench/tree.yaml', text);
    count = validateTree(tree, options).length;
  });
  const walls: number[] = [];
  const cpus: number[] = [];
  const rounds = size >= 20000 ? 15 : 40;
  // Type into a step in the middle: "a padding sentence" -> "a padding sentences", "…sentencess", …
  const marker = `  ${stepId(Math.floor(size / 2))}:`;
  const notePosition = text.indexOf('padding sentence', text.indexOf(marker)) + 'padding sentence'.length;
  let current = text;
  for (let round = 0; round < rounds; round++) {
    current = current.slice(0, notePosition) + 's' + current.slice(notePosition);
    const { wall, cpu } = timed(() => {
      tree = parseTree('/bench/tree.yaml', current, tree);
      validateTree(tree, options);
    });
    walls.push(wall);
    cpus.push(cpu);
  }
  // An unclosed quote: only its step's chunk is re-parsed, and reports the error.
  const broken = current.slice(0, notePosition) + '"' + current.slice(notePosition);
  const withError = timed(() => validateTree(parseTree('/bench/tree.yaml', broken, tree), options));
  console.log(
    `${String(size).padStart(6)} steps, ${(text.length / 1024).toFixed(0).padStart(5)} KB | ` +
      `one-character edit: median ${ms(median(walls))} wall, ${ms(median(cpus))} CPU; max ${ms(Math.max(...walls))} | ` +
      `from scratch ${ms(scratch.wall)} (${count} diagnostics) | edit leaving a YAML error ${ms(withError.wall)}`,
  );
}

// Retention: 60 edits in different steps of a 2,000-step tree. A cached chunk that kept a slice of
// its document would keep every version alive (~50 MB here); run with `node --expose-gc` to see it.
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) {
  let text = generateTree(2000);
  let tree = parseTree('/bench/memory.yaml', text);
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 60; i++) {
    const at = text.indexOf('padding sentence', text.indexOf(`  ${stepId(i * 30)}:`)) + 'padding sentence'.length;
    text = text.slice(0, at) + 's' + text.slice(at);
    tree = parseTree('/bench/memory.yaml', text, tree);
  }
  collect();
  console.log(`heap growth after 60 edits in different steps of 2,000: ${((process.memoryUsage().heapUsed - before) / 1e6).toFixed(1)} MB (document ${(text.length / 1e6).toFixed(2)} MB)`);
}
