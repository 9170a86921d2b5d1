/**
 * What every code-server session of ours shares, for the UI harness (harness.mjs) and the in-host
 * suite runner (test/integration/codeServer.mjs): the Chromium launch flags that work on these
 * machines, user settings that keep runs quiet, and small process helpers.
 */
import fs from 'node:fs';
import net from 'node:net';

export const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium's connections are refused by the closed
// network, many at a time, and it fails to look up Google's hosts at every start.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Keep runs quiet and deterministic: no welcome page, no update or telemetry traffic.
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.openRepositoryInParentFolders': 'never',
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The parent environment minus VS Code's own variables: when tests run from a VS Code terminal these would make code-server act as that window's CLI. */
export function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_') && k !== 'ELECTRON_RUN_AS_NODE'));
}
