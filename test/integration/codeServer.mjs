#!/usr/bin/env node
/**
 * Runs the in-host mocha suite (test/integration/suite/) inside code-server 4.96.4 (VS Code 1.96.4),
 * the way `@vscode/test-electron` would run it in desktop VS Code:
 *
 *   1. the .vsix is installed into a *staging* extensions folder, which code-server is not pointed
 *      at: the unpacked folder is exactly what ships, and it loads once, as the development extension;
 *   2. code-server starts on a copy of the workspace with everything it writes in a per-run folder;
 *   3. the suite is bundled (and type-checked) into the run folder, so a build elsewhere cannot swap
 *      files under a running suite; Chromium opens the workbench with VS Code's web-embedder
 *      `?payload=` query:
 *        [["extensionDevelopmentPath", "vscode-remote://<host:port><unpacked extension>"],
 *         ["extensionTestsPath",       "vscode-remote://<host:port><run folder>/tests/index.js"]]
 *      (workbench.js reads both into its environment; the server maps vscode-remote URIs back to
 *      paths for the remote extension host, which then calls the tests module's run());
 *   4. the browser has no exit code to give back, so run() writes every test's outcome to the file
 *      named by ORCHARD_INTEGRATION_RESULTS (code-server's environment reaches the extension host).
 *      When run() settles the extension host exits; the page stays open, and we close everything.
 *
 * CLI: `node test/integration/codeServer.mjs [--vsix file] [--workspace dir] [--grep text]`
 * (defaults: dist/orchard-studio.vsix, so `npm run package` first, and a fresh fixture workspace).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/setup-code-server.mjs';
import { buildIntegrationSuite } from './build.mjs';
import { CHROMIUM, CHROMIUM_ARGS, cleanEnv, freePort, QUIET_SETTINGS as SETTINGS, sleep, tail } from '../e2e/sessionBasics.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));





/** The exthost log of the run, where the dev extension's load errors and the mocha spec output land. */
function exthostLogs(userDataDir) {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs.readdirSync(logs, { recursive: true }).filter((f) => /exthost\d*[\\/]remoteexthost\.log$/.test(f)).map((f) => path.join(logs, f));
}

function exthostExited(userDataDir) {
  return exthostLogs(userDataDir).some((f) => /Extension host with pid \d+ exiting with code/.test(fs.readFileSync(f, 'utf8')));
}

/**
 * Builds the suite and runs it once. Returns `{ results, runDir, timings }`; `results` is the JSON
 * that test/integration/index.ts writes. Throws (with log tails) when no results arrive.
 */
export async function runIntegrationSuite({ vsix, workspace, grep, timeoutMs = 180_000, log = console.log } = {}) {
  if (!vsix || !fs.existsSync(vsix)) throw new Error(`no extension package at ${vsix}; run \`npm run package\``);
  if (!workspace || !fs.existsSync(workspace)) throw new Error(`no workspace at ${workspace}`);
  const t0 = Date.now();
  const timings = {};
  const entry = await ensureCodeServer();

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runDir = path.join(repoRoot, '.cache', 'e2e-runs', `${stamp}-i${process.pid}`);
  const dir = (name) => {
    const p = path.join(runDir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  let mark = Date.now();
  /** Milliseconds since the previous lap. */
  const lap = () => {
    const now = Date.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const { outDir: testsDir, tests } = await buildIntegrationSuite({ typecheck: true, quiet: true, outDir: path.join(runDir, 'tests') });
  const testsModule = path.join(testsDir, 'index.js');
  timings.buildMs = lap();
  timings.testFiles = tests.length;
  const userDataDir = dir('ud');
  const dirs = { exts: dir('exts'), staged: dir('staged'), chrome: dir('chrome') };
  // VS Code puts `vscode-ipc-<uuid>.sock` (52 chars) in TMPDIR and warns from 107 chars on (unix
  // socket paths break past 107 bytes); only a deeply nested checkout needs a folder under /tmp.
  let tmpDir = dir('t');
  let ownTmp = false;
  if (tmpDir.length + 1 + 52 >= 107) {
    tmpDir = fs.mkdtempSync('/tmp/orchard-int-');
    ownTmp = true;
  }
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  // Tests edit documents (never saved) and the extension may write state: keep the caller's copy as it is.
  const ws = path.join(runDir, path.basename(workspace));
  fs.cpSync(workspace, ws, { recursive: true });
  const resultsFile = path.join(runDir, 'results.json');

  const port = await freePort();
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const sandboxEnv = { XDG_CONFIG_HOME: dir('xdg-config'), XDG_DATA_HOME: dir('xdg-data'), XDG_CACHE_HOME: dir('xdg-cache'), TMPDIR: tmpDir };
  const env = {
    ...cleanEnv(),
    ...sandboxEnv,
    ORCHARD_INTEGRATION_RESULTS: resultsFile,
    ...(grep ? { ORCHARD_INTEGRATION_GREP: grep } : {}),
  };
  const common = ['--config', configFile, '--user-data-dir', userDataDir];

  let server;
  let context;
  let consoleLog;
  const killServer = (signal) => {
    if (server?.pid && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid, signal); // the group: code-server forks the exthost, pty host, file watcher
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => killServer('SIGKILL');
  process.on('exit', onExit);

  try {
    // 1. Unpack the .vsix with code-server's own installer, into a folder only the payload names.
    const install = spawnSync(process.execPath, [entry, ...common, '--extensions-dir', dirs.staged, '--install-extension', vsix], { env, encoding: 'utf8' });
    fs.writeFileSync(path.join(runDir, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
    if (install.status !== 0) throw new Error(`--install-extension ${vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
    const unpacked = fs.readdirSync(dirs.staged, { withFileTypes: true }).find((d) => d.isDirectory() && d.name.startsWith('orchard.orchard-studio-'));
    if (!unpacked) throw new Error(`installing ${vsix} left no orchard.orchard-studio-* folder in ${dirs.staged}`);
    const extensionPath = path.join(dirs.staged, unpacked.name);
    timings.installMs = lap();

    // 2. code-server, with an empty extensions folder: the development extension is the only Orchard.
    const logFile = path.join(runDir, 'code-server.log');
    const out = fs.openSync(logFile, 'a');
    server = spawn(
      process.execPath,
      [entry, ...common, '--extensions-dir', dirs.exts, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
        '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
      { env, detached: true, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    const healthDeadline = Date.now() + 30_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}:\n${tail(logFile)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > healthDeadline) throw new Error(`code-server did not answer /healthz within 30 s:\n${tail(logFile)}`);
      await sleep(100);
    }
    timings.serverMs = lap();

    // 3. The workbench, told to run the tests.
    const authority = `127.0.0.1:${port}`;
    const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).map(encodeURIComponent).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(testsModule)],
    ];
    const url = `http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    fs.writeFileSync(path.join(runDir, 'url.txt'), `${url}\n`);
    context = await chromium.launchPersistentContext(dirs.chrome, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...cleanEnv(), ...sandboxEnv },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleFile = path.join(runDir, 'browser-console.log');
    consoleLog = fs.createWriteStream(consoleFile);
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e.message}\n`));
    let pageClosedAt = 0;
    page.on('close', () => {
      pageClosedAt = Date.now();
    });
    await page.goto(url);
    log(`[integration] code-server on :${port}, workbench loading (run dir ${path.relative(repoRoot, runDir)})`);

    // 4. Wait for run() to write its results. The extension host exits right after run() settles,
    // so an exit (or a closed page) with no file means the tests module never got that far.
    const deadline = Date.now() + timeoutMs;
    const why = () => `browser console:\n${tail(consoleFile)}\nexthost:\n${exthostLogs(userDataDir).map((f) => tail(f)).join('\n')}`;
    let gaveUpAt = 0;
    while (!fs.existsSync(resultsFile)) {
      if (!gaveUpAt && (pageClosedAt || exthostExited(userDataDir))) gaveUpAt = Date.now();
      if (gaveUpAt && Date.now() - gaveUpAt > 3_000) throw new Error(`the extension host ended without writing ${resultsFile}\n${why()}`);
      if (Date.now() > deadline) throw new Error(`no results within ${timeoutMs / 1000} s\n${why()}`);
      await sleep(100);
    }
    timings.testsMs = lap();
    timings.totalMs = Date.now() - t0;
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    return { results, runDir, timings };
  } finally {
    // An unref'd timer: a plain sleep() here would keep the process alive 10 s after every run.
    await Promise.race([context?.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000).unref())]);
    killServer('SIGTERM');
    for (let i = 0; i < 30 && server && server.exitCode === null && server.signalCode === null; i++) await sleep(100);
    killServer('SIGKILL');
    consoleLog?.end();
    if (ownTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
    // Chromium's profile is two thirds of a run folder and explains nothing; the logs stay.
    fs.rmSync(dirs.chrome, { recursive: true, force: true });
    process.off('exit', onExit);
  }
}

/** `12.3 s: build 1.1 s, install 0.7 s, code-server 0.8 s, workbench + tests 9.7 s` */
export function describeTimings(t) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  return `${s(t.totalMs)}: build+typecheck ${s(t.buildMs)}, install ${s(t.installMs)}, code-server ${s(t.serverMs)}, workbench + tests ${s(t.testsMs)}`;
}

/** One line per test, for logs: `✔ Suite test (123 ms)` / `✖ Suite test` + the error. */
export function formatResults(results) {
  const mark = { passed: '✔', failed: '✖', hook: '✖', pending: '-' };
  const lines = results.tests.map((t) => {
    const head = `${mark[t.state] ?? '?'} ${t.title}${t.state === 'hook' ? ' (hook)' : ''}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`;
    return t.error ? `${head}\n    ${t.error.split('\n').slice(0, 6).join('\n    ')}` : head;
  });
  lines.push(`${results.passes} passed, ${results.failures} failed, ${results.pending} pending in ${(results.durationMs / 1000).toFixed(1)} s`);
  if (results.error) lines.push(`run error: ${results.error}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const { prepareWorkspace, vsixPath } = await import('../e2e/fixtures.mjs');
  const { results, runDir, timings } = await runIntegrationSuite({
    vsix: path.resolve(arg('vsix') ?? vsixPath),
    workspace: arg('workspace') ? path.resolve(arg('workspace')) : prepareWorkspace(),
    grep: arg('grep'),
  });
  console.log(formatResults(results));
  console.log(`[integration] ${describeTimings(timings)}; run dir ${path.relative(repoRoot, runDir)}`);
  process.exit(results.failures === 0 && !results.error && results.tests.length > 0 ? 0 : 1);
}
