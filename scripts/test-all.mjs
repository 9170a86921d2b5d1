// `npm test`: the whole suite from a clean clone. Installs what is missing
// (npm packages, then the system packages and code-server), type-checks, runs the unit and webview tests, then the end-to-end
// tests in a real VS Code. Stops at the first tier that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, command, args) {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`=== ${title}: FAILED after ${seconds} s (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
  console.log(`=== ${title}: ok in ${seconds} s`);
}

// Install when node_modules is missing or older than the lockfile (after a pull that changed it).
// `npm ci` installs exactly the lockfile, as CI templates do; test/unit/repo/lockfile.test.ts
// keeps the lockfile one that `npm ci` accepts on every platform.
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  step('install npm packages', npm, ['ci', '--no-audit', '--no-fund']);
}
// System packages (bubblewrap is used by the unit tier's sandbox tests) and code-server, before any tier:
// a second run only checks its stamp.
step('system packages and code-server', process.execPath, ['scripts/setup-code-server.mjs']);
step('type-check', npm, ['run', '--silent', 'typecheck']);
step('unit and webview tests', npm, ['run', '--silent', 'test:unit']);
step('end-to-end tests in VS Code (code-server)', npm, ['run', '--silent', 'test:e2e']);
