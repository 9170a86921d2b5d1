// Bundles a TypeScript entry for Node the way esbuild.mjs bundles the host targets (cjs,
// node20, `mainFields: ['module', 'main']` — see its jsonc-parser note), for tests and
// benchmarks that run our code in a child process. One place, so they cannot drift apart.
import { build } from 'esbuild';

/** Writes `outfile` (a .js/.cjs path) from `entry`; resolves to `outfile`. */
export async function bundleForNode({ entry, outfile, banner }) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    ...(banner ? { banner: { js: banner } } : {}),
    logLevel: 'warning',
  });
  return outfile;
}
