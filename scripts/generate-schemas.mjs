#!/usr/bin/env node
/**
 * `npm run schemas`: writes the published JSON Schemas in schemas/ from the zod
 * schemas they describe, so other YAML tools (yaml-language-server, IDEs with a
 * `# yaml-language-server: $schema=` line, CI linters) check the same shapes:
 *   schemas/cookbook-tree.schema.json   cookbooks/trees/*.yaml, .orchard/trees/*.yaml
 *   schemas/orchard-schema.schema.json  .orchard/schema.yaml
 * test/unit/validation/schemas.test.ts fails when a committed file is out of date.
 * `--check` exits 1 instead of writing when a file would change.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

// Bundled on the fly (CommonJS, like the host bundles: yaml is CommonJS) so the schemas come from the TypeScript source.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-schemas-'));
const entry = path.join(scratch, 'schemas.cjs');
try {
  await esbuild.build({
    stdin: {
      contents: [
        "export { treeJsonSchema } from './extension/src/core/trees/treeSchema';",
        "export { projectSchemaJsonSchema } from './extension/src/core/projectSchema/projectSchema';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    outfile: entry,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // jsonc-parser's "main" is a UMD build with requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
} catch (error) {
  fs.rmSync(scratch, { recursive: true, force: true });
  throw error;
}
const mod = createRequire(import.meta.url)(entry);
fs.rmSync(scratch, { recursive: true, force: true });

const files = {
  'cookbook-tree.schema.json': mod.treeJsonSchema(),
  'orchard-schema.schema.json': mod.projectSchemaJsonSchema(),
};

let stale = 0;
for (const [name, schema] of Object.entries(files)) {
  const file = path.join(root, 'schemas', name);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === text) {
    console.log(`schemas/${name} is up to date`);
  } else if (check) {
    console.error(`schemas/${name} is out of date: run npm run schemas`);
    stale++;
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`wrote schemas/${name} (${(text.length / 1024).toFixed(1)} KB)`);
  }
}
process.exit(stale ? 1 : 0);
