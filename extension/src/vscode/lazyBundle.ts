import * as path from 'node:path';

/**
 * Loads one of our own bundles that sit next to dist/extension.js. Heavy code
 * (zod and the Studio host, the language client, the store, the model SDK and
 * the agents) lives in such bundles so activation loads only the wiring. The
 * path is computed so that esbuild does not inline the bundle into the
 * activation bundle.
 */
export function loadBundle<T>(fileName: 'studioHost.js' | 'lspClient.js' | 'store.js' | 'agents.js' | 'operations.js'): T {
  return require(path.join(__dirname, fileName)) as T;
}
