// Builds every bundle: the extension host's (activation wiring plus the lazily
// loaded Studio host, store, language client and agents), the language server,
// the `orchard` CLI and the webview.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import sveltePlugin from 'esbuild-svelte';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  metafile: true,
  logLevel: 'info',
  legalComments: production ? 'none' : 'inline',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    // dist/extension.js is what loads at activation: only the wiring. The
    // Studio host (zod, the schema, webview sessions), the blueprint store
    // (simple-git), the language client and the agents (the Anthropic SDK,
    // loaded on the first chat message) are separate entry points required on
    // first use (vscode/lazyBundle.ts).
    entryPoints: {
      extension: 'extension/src/vscode/extension.ts',
      studioHost: 'extension/src/vscode/studioHost.ts',
      store: 'extension/src/store/storeBundle.ts',
      lspClient: 'extension/src/vscode/lsp/lspClient.ts',
      agents: 'extension/src/agents/agentsBundle.ts',
      operations: 'extension/src/orchestration/operations/operationsBundle.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // jsonc-parser's "main" is a UMD build whose inner requires esbuild cannot
    // follow (the bundle then throws "Cannot find module './impl/format'").
    mainFields: ['module', 'main'],
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { server: 'language-server/src/server.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // jsonc-parser's "main" is a UMD build whose inner requires esbuild cannot
    // follow (the bundle then throws "Cannot find module './impl/format'").
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    // The `orchard` CLI (package.json "bin"); shipped in the .vsix as the runner
    // process of builds started in VS Code (vscode/operations/buildRunner.ts).
    entryPoints: { cli: 'extension/src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: { main: 'webview/src/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    // ES modules so that the Preview's Markdown renderer can be a chunk loaded
    // after first paint (dynamic import); the page loads main.js as a module.
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'es2022',
    mainFields: ['svelte', 'browser', 'module', 'main'],
    conditions: ['svelte', 'browser'],
    plugins: [
      sveltePlugin({
        // Svelte 5 strips `lang="ts"` types itself; type-checking is svelte-check's job.
        compilerOptions: { css: 'external', dev: !production },
        // `.svelte.ts` rune modules are first stripped of types with esbuild's
        // transform API, which rejects the build's `sourcemap: 'linked'` (and
        // the plugin would otherwise copy it over). Type stripping needs nothing else.
        esbuildTsTransformOptions: { sourcemap: false },
      }),
    ],
  },
];

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  // sql.js loads its wasm from next to the bundle at first use (the studio DB).
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, 'dist', 'sql-wasm.wasm'));
}

function writeMetafile(results) {
  const merged = { inputs: {}, outputs: {} };
  for (const r of results) {
    Object.assign(merged.inputs, r.metafile.inputs);
    Object.assign(merged.outputs, r.metafile.outputs);
  }
  writeFileSync(join(root, 'dist', 'meta.json'), JSON.stringify(merged));
}

if (watch) {
  copyAssets();
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[esbuild] watching for changes');
} else {
  // Chunk names carry a content hash: without this, every older Markdown chunk would ship in the .vsix too.
  rmSync(join(root, 'dist', 'webview', 'chunks'), { recursive: true, force: true });
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  writeMetafile(results);
}
