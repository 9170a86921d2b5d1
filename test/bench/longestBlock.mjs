#!/usr/bin/env node
/**
 * What kept a Node thread busy the longest without a break, and whose code it was.
 *
 * `node test/bench/longestBlock.mjs <file.cpuprofile> [--top N]` prints the longest runs of samples
 * that are not "(idle)" (an event-loop block as monitorEventLoopDelay sees it) in a CPU profile
 * (Chrome DevTools format; bench:agents keeps the extension host's in .cache/bench-agents.cpuprofile),
 * each with who ran in it and its heaviest stacks. bench:agents imports `blocksOf` to say which
 * extension the host's longest block belongs to, and how long Orchard's own code ran without a break.
 *
 * A sample belongs to the innermost frame of its stack that lives in an extension's folder
 * (`…/extensions/<name>/…` for VS Code's own, `…/exts/<publisher.name-version>/…` for installed
 * ones), else to "VS Code" or, for garbage collection, "(garbage collector)". On a loaded machine
 * the OS sometimes does not run the process at all: no sample is taken, and the next one comes tens
 * of milliseconds late. Time past three sampling intervals goes to "(not scheduled)", not to the
 * code that happened to be on the stack.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The owner of a frame's script: an extension id or folder name, or undefined for VS Code's and Node's own. */
export function ownerOfUrl(url) {
  const installed = /\/exts\/([^/]+?)-\d+\.\d+\.\d+[^/]*\//.exec(url);
  if (installed) return installed[1];
  const builtin = /\/extensions\/([^/]+)\//.exec(url);
  return builtin ? `vscode.${builtin[1]}` : undefined;
}

/** The profile's busy runs, longest first: { startMs, ms, owners: Map<owner, ms>, stacks: Map<stack, ms>, self: Map<fn, ms> }. */
export function blocksOf(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const ownerCache = new Map();
  const ownerOf = (id) => {
    if (ownerCache.has(id)) return ownerCache.get(id);
    let owner;
    for (let at = id; at !== undefined && owner === undefined; at = parent.get(at)) owner = ownerOfUrl(nodes.get(at).callFrame.url);
    owner ??= nodes.get(id).callFrame.functionName === '(garbage collector)' ? '(garbage collector)' : 'VS Code';
    ownerCache.set(id, owner);
    return owner;
  };
  const idle = (id) => nodes.get(id).callFrame.functionName === '(idle)';
  // Sample i lasts until sample i + 1 (timeDeltas[i + 1]).
  const at = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) at.push((t += profile.timeDeltas[i]));
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us / 1000);
  const deltas = profile.timeDeltas.slice(1).sort((a, b) => a - b);
  const ran = 3 * (deltas[Math.floor(deltas.length / 2)] ?? 1000);
  const blocks = [];
  let block;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (idle(id)) {
      block = undefined;
      continue;
    }
    const us = (at[i + 1] ?? at[i]) - at[i];
    if (!block) blocks.push((block = { startMs: (at[i] - profile.startTime) / 1000, ms: 0, owners: new Map(), stacks: new Map(), self: new Map() }));
    block.ms += us / 1000;
    if (us > ran) add(block.owners, '(not scheduled)', us - ran);
    add(block.owners, ownerOf(id), Math.min(us, ran));
    add(block.self, name(nodes.get(id)), Math.min(us, ran));
    const chain = [];
    for (let n = id; n !== undefined; n = parent.get(n)) chain.push(name(nodes.get(n)));
    add(block.stacks, chain.filter((x) => !x.startsWith('(root)')).reverse().slice(-12).join(' > '), Math.min(us, ran));
  }
  return blocks.sort((a, b) => b.ms - a.ms);
}

/** "vscode.json-language-features 85%, VS Code 15%" */
export function describeOwners(block) {
  return [...block.owners]
    .sort((a, b) => b[1] - a[1])
    .filter(([, ms]) => ms >= block.ms * 0.05)
    .map(([owner, ms]) => `${owner} ${Math.round((100 * ms) / block.ms)}%`)
    .join(', ');
}

/** The longest time one owner's code ran inside a single busy run. */
export function longestRunOf(blocks, owner) {
  return blocks.reduce((max, b) => Math.max(max, b.owners.get(owner) ?? 0), 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 3;
  if (!file) {
    console.error('usage: node test/bench/longestBlock.mjs <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const blocks = blocksOf(profile);
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`${file}: ${profile.samples.length} samples over ${ms((profile.endTime - profile.startTime) / 1000)}`);
  for (const block of blocks.slice(0, top)) {
    console.log(`\nblock of ${ms(block.ms)} at ${ms(block.startMs)}: ${describeOwners(block)}`);
    console.log('  by self time:');
    for (const [k, v] of [...block.self].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`    ${ms(v).padStart(9)}  ${k}`);
    console.log('  by stack:');
    for (const [k, v] of [...block.stacks].sort((a, b) => b[1] - a[1]).slice(0, 4)) console.log(`    ${ms(v).padStart(9)}  ${k}`);
  }
  const owners = new Set(blocks.flatMap((b) => [...b.owners.keys()]));
  console.log('\nlongest time each ran without a break:');
  for (const owner of [...owners].sort((a, b) => longestRunOf(blocks, b) - longestRunOf(blocks, a)).slice(0, 8)) console.log(`  ${ms(longestRunOf(blocks, owner)).padStart(9)}  ${owner}`);
}
