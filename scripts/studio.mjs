#!/usr/bin/env node
// `npm run studio`: the extension in a real VS Code (code-server) on a sample
// workspace, for a newcomer's first look or a manual check. Installs what is
// missing, builds the .vsix, installs it into a profile under .cache/studio/,
// serves VS Code on 127.0.0.1 and prints the URL. The Studio opens on its own.
//
//   ORCHARD_STUDIO_PORT=9000 npm run studio   another port (default 8080, or the next free one)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './setup-code-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const home = path.join(root, '.cache', 'studio');
const workspace = path.join(home, 'sample-project');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(title, command, args) {
  console.log(`[studio] ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[studio] ${title} failed`);
    process.exit(result.status || 1);
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort() {
  const wanted = Number(process.env.ORCHARD_STUDIO_PORT || 8080);
  for (let port = wanted; port < wanted + 50; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port between ${wanted} and ${wanted + 49}`);
}

/** The sample project is copied once and kept, so what you change in it survives restarts. */
function prepareWorkspace() {
  if (fs.existsSync(workspace)) return;
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=Orchard Studio', '-c', 'user.email=studio@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: workspace,
      stdio: 'pipe',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Sample project');
  console.log(`[studio] sample project created in ${path.relative(root, workspace)}`);
}

const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(path.join(root, 'package-lock.json')).mtimeMs) {
  // Exactly the lockfile, as `npm test` installs it.
  run('installing npm packages', npm, ['ci', '--no-audit', '--no-fund']);
}
const entry = await ensureCodeServer();
run('building the extension package', npm, ['run', '--silent', 'package']);
prepareWorkspace();

const dirs = { userData: path.join(home, 'user-data'), extensions: path.join(home, 'extensions') };
fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
if (!fs.existsSync(settingsFile)) {
  fs.writeFileSync(
    settingsFile,
    JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'update.mode': 'none', 'extensions.autoUpdate': false }, null, 2),
  );
}
// code-server would otherwise write its config and caches into $HOME.
const configFile = path.join(home, 'config.yaml');
if (!fs.existsSync(configFile)) fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(home, 'xdg-config'),
  XDG_DATA_HOME: path.join(home, 'xdg-data'),
  XDG_CACHE_HOME: path.join(home, 'xdg-cache'),
  ORCHARD_OPEN_STUDIO_ON_START: '1',
};
console.log('[studio] installing the extension into code-server');
const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', path.join(root, 'dist', 'orchard-studio.vsix'), '--force'], {
  env,
  stdio: 'inherit',
});
if (install.status !== 0) process.exit(install.status || 1);

const port = await choosePort();
const server = spawn(
  process.execPath,
  [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', workspace],
  { env, stdio: ['ignore', 'ignore', 'inherit'] },
);
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
for (let i = 0; i < 300; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(`\n  Orchard Studio is running in VS Code at\n\n    ${url}\n\n  Open it in a browser; the Studio opens beside the editor. Ctrl+C stops it.\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));
