/**
 * Drives a real VS Code (code-server 4.96.4, i.e. VS Code 1.96.4) in Debian's
 * Chromium through playwright-core. Each session gets a fresh folder under
 * `.cache/e2e-runs/` holding everything VS Code and Chromium write (user data,
 * extensions, XDG dirs, TMPDIR), so runs never share state and never touch
 * $HOME or /tmp. See scripts/setup-code-server.mjs for the install.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/setup-code-server.mjs';
import { CHROMIUM, CHROMIUM_ARGS, cleanEnv, freePort, QUIET_SETTINGS, sleep, tail } from './sessionBasics.mjs';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const EXTENSION_ID = 'orchard.orchard-studio';

/** Per page: "Activating extension 'x' failed: ..." messages the workbench logged, by extension id. */
const activationFailures = new WeakMap();

function recordActivationFailure(page, text) {
  const m = /Activating extension '([^']+)' failed: ([\s\S]*)/.exec(text);
  if (!m) return;
  if (!activationFailures.has(page)) activationFailures.set(page, new Map());
  activationFailures.get(page).set(m[1], m[2].split('\n')[0]);
}

/** Why this extension failed to activate in this page, if the workbench said so. */
export function activationFailure(page, extensionId = EXTENSION_ID) {
  return activationFailures.get(page)?.get(extensionId) ?? null;
}

/** `<yyyymmdd-hhmmss>-<pid>`: sortable, unique per process, and short (see socketSafeTmp). */
export function runStamp() {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${process.pid}`;
}

/**
 * Keeps the newest `keep` folders named by runStamp() in `parent` and deletes older ones: each run
 * leaves ~10 MB (Chromium profile, logs), and the newest are the ones worth reading after a failure.
 * Only our own names are touched; other tools may keep runs in the same folder.
 */
export function pruneRuns(parent, keep = 10) {
  if (!fs.existsSync(parent)) return;
  const ours = fs.readdirSync(parent).filter((d) => /^\d{8}-\d{6}-\d+$/.test(d)).sort();
  for (const d of ours.slice(0, Math.max(0, ours.length - keep))) fs.rmSync(path.join(parent, d), { recursive: true, force: true });
}

function newRunDir() {
  const parent = path.join(repoRoot, '.cache', 'e2e-runs');
  pruneRuns(parent);
  const dir = path.join(parent, runStamp());
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * VS Code creates `vscode-ipc-<uuid>.sock` (52 chars) in TMPDIR and a unix socket path must stay
 * under 108 bytes, or the remote CLI/IPC silently breaks. In a deeply nested checkout the run
 * folder is too long for that; only then fall back to a fresh folder under /tmp.
 */
function socketSafeTmp(preferred) {
  if (preferred.length + 1 + 52 <= 107) return { dir: preferred, cleanup: () => {} };
  const dir = fs.mkdtempSync('/tmp/orchard-e2e-');
  console.log(`[harness] run folder too deep for unix sockets; TMPDIR=${dir}`);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}



async function waitForHealthz(port, child, logFile, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${tail(logFile)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${tail(logFile)}`);
}

/**
 * Waits for the workbench and, on a first start, for the Explorer to list the workspace (the folder
 * is open and the file service works). After a reload the sidebar shows whatever was open before,
 * so pass `{ explorer: false }` and wait for what the test cares about instead.
 */
export async function waitForWorkbench(page, { timeout = 60_000, explorer = true } = {}) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  if (explorer) await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  else await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout });
}

/** Runs `Developer: Reload Window` and waits until the new workbench has loaded. */
export async function reloadWindow(page, { timeout = 60_000 } = {}) {
  // Listen before the command: the reload can finish before runCommand returns.
  const loaded = page.waitForEvent('load', { timeout });
  await runCommand(page, 'Developer: Reload Window');
  await loaded;
  await waitForWorkbench(page, { timeout, explorer: false });
}

/**
 * Starts code-server on a workspace, with `vsix` installed first, and opens it in Chromium.
 * `env` reaches the extension host; `settings` are merged over the quiet user settings. With
 * `trusted: false` VS Code asks whether to trust the folder, as it does for a user.
 */
export async function startVsCode({ workspace, vsix, env = {}, settings = {}, viewport = { width: 1440, height: 900 }, trusted = true } = {}) {
  if (!workspace) throw new Error('startVsCode: workspace is required');
  // Playwright makes its artifacts folder under this process's os.tmpdir(); keep that in .cache/ too.
  if (!process.env.TMPDIR?.startsWith(repoRoot)) {
    process.env.TMPDIR = path.join(repoRoot, '.cache', 'tmp');
    fs.mkdirSync(process.env.TMPDIR, { recursive: true });
  }
  const entry = await ensureCodeServer();
  const runDir = newRunDir();
  const dirs = Object.fromEntries(
    ['ud', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-state', 't', 'chrome'].map((d) => [d, path.join(runDir, d)]),
  );
  const tmp = socketSafeTmp(dirs.t);
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const userDataDir = dirs.ud;
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const port = await freePort();
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const sandboxEnv = {
    XDG_CONFIG_HOME: dirs['xdg-config'],
    XDG_DATA_HOME: dirs['xdg-data'],
    XDG_CACHE_HOME: dirs['xdg-cache'],
    // Builds keep their operations and worktrees under XDG_STATE_HOME/orchard (never the user's own).
    XDG_STATE_HOME: dirs['xdg-state'],
    TMPDIR: tmp.dir,
  };
  const childEnv = { ...cleanEnv(), ...sandboxEnv, ...env };
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', dirs.exts];

  let server;
  let context;
  let consoleLog;
  let closed = false;
  // The whole process group: code-server forks the extension host, pty host and file watcher, and
  // those can outlive the leader, so signal the group even when the leader has already exited.
  const killServer = (signal) => {
    if (!server?.pid) return;
    try {
      process.kill(-server.pid, signal);
    } catch {
      // ESRCH: the whole group is gone
    }
  };
  // If the test process dies without calling close(), do not leave a server behind.
  const onExit = () => killServer('SIGKILL');
  const onSignal = (sig) => {
    killServer('SIGKILL');
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  async function close() {
    if (closed) return;
    closed = true;
    await Promise.race([context?.close().catch(() => {}), sleep(10_000)]);
    consoleLog?.end();
    killServer('SIGTERM');
    for (let i = 0; i < 30 && server && server.exitCode === null && server.signalCode === null; i++) await sleep(100);
    killServer('SIGKILL');
    tmp.cleanup();
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  try {
    if (vsix) {
      const t0 = Date.now();
      const res = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix], { env: childEnv, encoding: 'utf8' });
      fs.writeFileSync(path.join(runDir, 'install-extension.log'), `${res.stdout}\n${res.stderr}`);
      if (res.status !== 0) throw new Error(`--install-extension ${vsix} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
      console.log(`[harness] installed ${path.basename(vsix)} in ${Date.now() - t0} ms`);
    }
    const logFile = path.join(runDir, 'code-server.log');
    const log = fs.openSync(logFile, 'a');
    server = spawn(
      process.execPath,
      [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
        ...(trusted ? ['--disable-workspace-trust'] : []), '--disable-getting-started-override', workspace],
      { env: childEnv, detached: true, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    const t0 = Date.now();
    await waitForHealthz(port, server, logFile);
    console.log(`[harness] code-server on :${port} healthy in ${Date.now() - t0} ms (run dir ${path.relative(repoRoot, runDir)})`);

    context = await chromium.launchPersistentContext(dirs.chrome, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...cleanEnv(), ...sandboxEnv },
      viewport,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // Browser console (workbench and webviews) goes to a file: the first place to look when a webview stays blank.
    consoleLog = fs.createWriteStream(path.join(runDir, 'browser-console.log'));
    // Events can still arrive while close() runs; writing after end() would throw.
    const write = (line) => consoleLog.writableEnded || consoleLog.write(`${line}\n`);
    page.on('console', (m) => {
      write(`[${m.type()}] ${m.text()}`);
      if (m.type() === 'error') recordActivationFailure(page, m.text());
    });
    page.on('pageerror', (e) => write(`[pageerror] ${e.stack ?? e.message}`));
    // A reload starts a new extension host: forget the old one's failures.
    page.on('framenavigated', (f) => f === page.mainFrame() && activationFailures.delete(page));
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    await page.goto(url);
    await waitForWorkbench(page);
    console.log(`[harness] workbench ready ${Date.now() - t0} ms after start`);
    return { page, context, runDir, userDataDir, stateHome: dirs['xdg-state'], port, url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What the workbench is showing that may explain a failure: a modal dialog (e.g. "Command ...
 * resulted in an error") or error/warning toasts. Goes into timeout messages.
 */
export async function workbenchProblems(page) {
  const texts = async (sel) => (await page.locator(sel).allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim());
  const found = [
    ...(await texts('.monaco-dialog-box')).map((t) => `dialog: ${t}`),
    ...(await texts('.notifications-toasts .notification-toast')).map((t) => `toast: ${t}`),
  ];
  return found.length ? found.join('\n') : '';
}

/** Closes a modal dialog left by an earlier step: it swallows every key, F1 included. */
export async function dismissDialogs(page) {
  for (let i = 0; i < 3 && (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)); i++) {
    console.log(`[harness] dismissing dialog: ${(await page.locator('.monaco-dialog-box').innerText()).replace(/\s+/g, ' ')}`);
    await page.keyboard.press('Escape');
    await sleep(200);
  }
}

/**
 * Runs a command by its title through the F1 palette, the way a user does. Pass
 * `{ waitClosed: false }` for commands that open a quick input of their own.
 */
export async function runCommand(page, title, { timeout = 15_000, waitClosed = true } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
    .first();
  const deadline = Date.now() + timeout;
  // The palette lists the commands known when it opens; on a loaded machine the remote extension
  // host may register its contributions a moment later, so reopen it until ours is listed.
  for (;;) {
    await dismissDialogs(page);
    await page.keyboard.press('F1');
    // F1 is lost while focus is inside a webview that swallows it; the title bar's
    // command center opens the same quick input.
    if (!(await input.waitFor({ timeout: 3_000 }).then(() => true, () => false))) {
      await page.locator('.command-center .search-label, .command-center-center').first().click();
      await input.waitFor({ timeout });
    }
    await input.fill(`>${title}`);
    const left = deadline - Date.now();
    if (await row.waitFor({ timeout: Math.max(1_000, Math.min(5_000, left)) }).then(() => true, () => false)) break;
    if (Date.now() >= deadline) await row.waitFor({ timeout: 1 }); // throws with the locator in the message
    await page.keyboard.press('Escape');
  }
  // Enter runs the focused row; another command may rank above ours (recently used), then click ours.
  if (await row.evaluate((el) => el.classList.contains('focused'))) await page.keyboard.press('Enter');
  else await row.click();
  if (waitClosed) await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/**
 * The inner document of one of this extension's webviews, as a FrameLocator.
 * VS Code wraps each webview in two iframes: `iframe.webview` (src carries the extension id and,
 * for sidebar views, `purpose=webviewView`) and inside it `#active-frame` with the extension's HTML.
 * There may be several Orchard webviews at once (sidebar Architect view and Studio panel), so pick
 * the one whose document has the root `[data-testid=<testId>]`, and/or the given kind.
 */
export async function webviewFrame(page, { testId, kind, extensionId = EXTENSION_ID, timeout = 20_000 } = {}) {
  let selector = `iframe.webview.ready[src*="extensionId=${extensionId}"]`;
  if (kind === 'view') selector += '[src*="purpose=webviewView"]';
  if (kind === 'panel') selector += ':not([src*="purpose=webviewView"])';
  const outer = page.locator(selector);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    // No point waiting for a webview of an extension that failed to activate.
    const failure = activationFailure(page, extensionId);
    if (failure) throw new Error(`${extensionId} failed to activate: ${failure}`);
    const n = await outer.count();
    for (let i = 0; i < n; i++) {
      const inner = outer.nth(i).contentFrame().frameLocator('#active-frame');
      if (!testId) {
        if ((await inner.locator('body').count()) > 0) return inner;
      } else if ((await inner.locator(`[data-testid="${testId}"]`).count().catch(() => 0)) > 0) {
        return inner;
      }
    }
    await sleep(150);
  }
  const found = await outer.count();
  const problems = await workbenchProblems(page);
  throw new Error(
    `no ${extensionId} webview${testId ? ` with [data-testid="${testId}"]` : ''}${kind ? ` (${kind})` : ''} within ${timeout} ms; ` +
      `${found} matching webview iframe(s)${problems ? `\nthe workbench shows:\n${problems}` : ''}`,
  );
}

/** Saves `<repo>/test-results/screenshots/<name>.png` after letting toasts and transitions settle. */
export async function screenshot(page, name) {
  await sleep(400);
  const file = path.join(repoRoot, 'test-results', 'screenshots', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/**
 * The extension's activation time as VS Code reports it.
 * With `page`: opens `Developer: Show Running Extensions` and reads the extension's row
 * ("Startup Activation: N ms" = code loading + the activate() call), returning
 * `{ ms, startup, source: 'running-extensions' }`. Without: looks for the extension in the
 * exthost log and returns `{ ms: null, activatedAt, reason }` (the log has a start, not a duration).
 */
export async function activationTimeMs(userDataDir, extensionId = EXTENSION_ID, { page, displayName = extensionId === EXTENSION_ID ? 'Orchard Studio' : undefined, timeout = 20_000 } = {}) {
  if (page) {
    await runCommand(page, 'Developer: Show Running Extensions');
    const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
    const names = [extensionId, displayName].filter(Boolean).map(escapeRegExp).join('|');
    const row = rows.filter({ has: page.locator('.name', { hasText: new RegExp(`^(${names})$`, 'i') }) }).first();
    await row.waitFor({ timeout });
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const failure = activationFailure(page, extensionId);
      if (failure) throw new Error(`${extensionId} failed to activate: ${failure}`);
      const text = (await row.locator('.activation-time').textContent()) ?? '';
      const m = /(Startup Activation|Activation):\s*(\d+)\s*ms/.exec(text);
      if (m) return { ms: Number(m[2]), startup: m[1] === 'Startup Activation', source: 'running-extensions' };
      await sleep(200);
    }
    throw new Error(`${extensionId} did not finish activating within ${timeout} ms`);
  }
  const logsDir = path.join(userDataDir, 'logs');
  for (const session of fs.existsSync(logsDir) ? fs.readdirSync(logsDir).sort().reverse() : []) {
    const file = path.join(logsDir, session, 'exthost1', 'remoteexthost.log');
    if (!fs.existsSync(file)) continue;
    const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.includes(`_doActivateExtension ${extensionId}`));
    if (line) return { ms: null, activatedAt: line.slice(0, 23), reason: /activationEvent: '([^']*)'/.exec(line)?.[1] ?? null, source: 'exthost-log' };
  }
  return { ms: null, source: 'exthost-log' };
}

/**
 * The spec files' `uiTest(name, shot, fn)`: a node:test test that screenshots `shot` when it passes
 * and leaves a `FAILED-<shot>` screenshot when it fails. `getPage` is read at run time (the page
 * exists only after the spec's `before`).
 */
export function screenshotTests(getPage, timeout) {
  return (name, shot, fn) =>
    test(name, { timeout }, async () => {
      try {
        await fn();
        await screenshot(getPage(), shot);
      } catch (err) {
        const page = getPage();
        if (page) await screenshot(page, `FAILED-${shot}`).catch(() => {});
        throw err;
      }
    });
}
