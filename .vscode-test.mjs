// The in-host integration suite (test/integration/) for `@vscode/test-cli` with desktop VS Code:
//   npm run build && npx vscode-test
// Loading this file bundles the suite into dist-test/integration/ and copies the fixture workspace
// to .vscode-test/workspace/ (tests may write files; the checked-in fixture stays as it is).
// Machines that cannot download VS Code run the same suite in code-server instead:
// `node test/integration/codeServer.mjs` or test/e2e/integration.e2e.mjs (see test/integration/README.md).
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIntegrationSuite } from './test/integration/build.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
  throw new Error('dist/extension.js is missing: run `npm run build` first (the development extension is this checkout)');
}
await buildIntegrationSuite({ quiet: true });

const workspace = path.join(root, '.vscode-test', 'workspace', 'tinytodo');
fs.rmSync(workspace, { recursive: true, force: true });
fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'dist-test/integration/suite/**/*.test.js',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  // Same VS Code line as the code-server route (1.96) and as engines.vscode.
  version: '1.96.4',
  launchArgs: ['--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 30_000, color: true },
});
