#!/usr/bin/env node
/**
 * Installs what the real-VS-Code tests need: Debian's Chromium (plus the
 * build deps code-server's native modules need) and code-server 4.96.4 from
 * npm into `<repo>/.cache/code-server/`.
 *
 * Why by hand: these machines reach only the npm registry and Debian apt.
 * code-server's own postinstall refuses to run as root on npm 11, one of its
 * shrinkwrapped deps points at GitHub, and @vscode/ripgrep downloads its
 * binary from GitHub. So we repeat that postinstall ourselves, offline-safe.
 *
 * npm 11 blocks dependency install scripts unless they are listed in an
 * `allowScripts` field, which would make `npm rebuild` silently skip the
 * native builds. We therefore write `allowScripts` into the package.json of
 * each tree we rebuild, and afterwards *load* every native module in a child
 * node to prove it was compiled for this Node.
 *
 * Idempotent: a stamp file marks a finished install; a second run only checks
 * the stamp (well under a second). Delete `.cache/code-server` to start over.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.96.4';
// The version code-server 4.96.4's shrinkwrap pins by git URL; same integrity on npm.
const PROXY_AGENT = '@vscode/proxy-agent@0.27.0';
// bubblewrap: the sandbox agent commands run in (platform/sandboxedCommand.ts), tested in the unit tier.
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'git', 'bubblewrap'];
// A binary that proves a package is usable even if it was not installed by dpkg.
const APT_BINARIES = { chromium: '/usr/bin/chromium', ripgrep: 'rg', git: 'git', bubblewrap: 'bwrap' }; // the harness launches /usr/bin/chromium

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const cacheDir = path.join(repoRoot, '.cache', 'code-server');
const pkgDir = path.join(cacheDir, 'node_modules', 'code-server');
const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
const stampFile = path.join(cacheDir, `.installed-${CODE_SERVER_VERSION}.json`);
export const codeServerEntry = path.join(pkgDir, 'out', 'node', 'entry.js');

const rel = (p) => path.relative(repoRoot, p) || '.';

function run(cmd, args, { cwd = repoRoot, env, capture = false } = {}) {
  console.log(`[setup] $ ${[cmd, ...args].join(' ')}${cwd !== repoRoot ? `   (in ${rel(cwd)})` : ''}`);
  const res = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
  return capture ? res.stdout.trim() : '';
}

function quiet(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return res.status === 0 ? res.stdout : null;
}

function which(bin) {
  return quiet('sh', ['-c', `command -v ${bin}`])?.trim() || null;
}

async function step(name, fn) {
  const t0 = performance.now();
  const out = await fn();
  console.log(`[setup] ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((p) => {
    const status = quiet('dpkg', ['-s', p]);
    if (status && /^Status: install ok installed$/m.test(status)) return false;
    return !(APT_BINARIES[p] && which(APT_BINARIES[p]));
  });
  if (missing.length === 0) {
    console.log(`[setup] apt packages present: ${APT_PACKAGES.join(', ')}`);
    return;
  }
  console.log(`[setup] apt packages missing: ${missing.join(', ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (sudo.length ? run('sudo', ['-E', 'apt-get', ...args], { env }) : run('apt-get', args, { env }));
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...missing]);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
function writeJson(file, data) {
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

/** Sets `allowScripts` entries so npm 11 runs (true) or skips (false) these packages' install/gyp scripts. */
function allowScripts(packageJsonFile, decisions) {
  const pkg = readJson(packageJsonFile);
  const allowed = { ...(pkg.allowScripts ?? {}) };
  let changed = false;
  for (const [n, ok] of Object.entries(decisions)) {
    if (allowed[n] !== ok) {
      allowed[n] = ok;
      changed = true;
    }
  }
  if (changed) writeJson(packageJsonFile, { ...pkg, allowScripts: allowed });
}

function installCodeServerPackage() {
  fs.mkdirSync(cacheDir, { recursive: true });
  const manifest = path.join(cacheDir, 'package.json');
  if (!fs.existsSync(manifest)) writeJson(manifest, { name: 'orchard-code-server-cache', private: true });
  // code-server's own postinstall is what we replace below; deny it so npm stops warning about it.
  allowScripts(manifest, { argon2: true, 'code-server': false });
  const installed = path.join(pkgDir, 'package.json');
  if (!fs.existsSync(installed) || readJson(installed).version !== CODE_SERVER_VERSION) {
    run('npm', ['install', '--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], { cwd: cacheDir });
  }
  // argon2's prebuilt download goes to GitHub and fails here; compiling works.
  run('npm', ['rebuild', 'argon2'], { cwd: cacheDir });
}

function pointProxyAgentAtRegistry() {
  const file = path.join(vscodeDir, 'npm-shrinkwrap.json');
  const shrink = readJson(file);
  const entry = shrink.packages?.['node_modules/@vscode/proxy-agent'];
  if (!entry) throw new Error(`no @vscode/proxy-agent entry in ${rel(file)}`);
  // Only a git URL needs fixing. After the first install npm may rewrite the file without
  // `resolved` (omit-lockfile-registry-resolved), which resolves from the registry anyway.
  if (!/^git|github\.com/.test(entry.resolved ?? '')) return;
  const tarball = run('npm', ['view', PROXY_AGENT, 'dist.tarball'], { capture: true });
  const integrity = run('npm', ['view', PROXY_AGENT, 'dist.integrity'], { capture: true });
  if (entry.integrity && entry.integrity !== integrity) {
    console.log(`[setup] note: shrinkwrap integrity ${entry.integrity} differs from the registry's; using the registry's`);
  }
  console.log(`[setup] @vscode/proxy-agent: ${entry.resolved} -> ${tarball}`);
  shrink.packages['node_modules/@vscode/proxy-agent'] = { ...entry, resolved: tarball, integrity };
  writeJson(file, shrink);
}

/** Names of packages in a tree that have a binding.gyp or install scripts (what `npm rebuild` must run). */
function packagesWithBuilds(nodeModules) {
  const names = [];
  const visit = (dir, name) => {
    const pj = path.join(dir, 'package.json');
    if (!fs.existsSync(pj)) return;
    const scripts = readJson(pj).scripts ?? {};
    if (fs.existsSync(path.join(dir, 'binding.gyp')) || scripts.install || scripts.preinstall || scripts.postinstall) names.push(name);
  };
  for (const e of fs.readdirSync(nodeModules)) {
    if (e.startsWith('.')) continue;
    if (e.startsWith('@')) {
      for (const s of fs.readdirSync(path.join(nodeModules, e))) visit(path.join(nodeModules, e, s), `${e}/${s}`);
    } else visit(path.join(nodeModules, e), e);
  }
  return names;
}

function installVsCodeServerDeps() {
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: vscodeDir });
  // @vscode/ripgrep's postinstall downloads from GitHub and skips when bin/ exists.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) not found on PATH');
  fs.copyFileSync(rg, path.join(rgBin, 'rg'));
  fs.chmodSync(path.join(rgBin, 'rg'), 0o755);
  const builds = packagesWithBuilds(path.join(vscodeDir, 'node_modules'));
  console.log(`[setup] packages with native builds/scripts in lib/vscode: ${builds.join(', ')}`);
  allowScripts(path.join(vscodeDir, 'package.json'), Object.fromEntries(builds.map((n) => [n, true])));
  run('npm', ['rebuild'], { cwd: vscodeDir });
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: path.join(vscodeDir, 'extensions') });
}

function symlink(target, link) {
  fs.rmSync(link, { force: true, recursive: false });
  fs.symlinkSync(target, link);
}

/** Loads each native module in a fresh node: proves it exists and matches this Node's ABI. */
function verifyNativeModules() {
  const nm = path.join(vscodeDir, 'node_modules');
  const modules = [
    path.join(cacheDir, 'node_modules', 'argon2'),
    path.join(nm, 'node-pty'),
    path.join(nm, '@vscode', 'spdlog'),
    path.join(nm, 'kerberos'),
    path.join(nm, 'native-watchdog'),
    path.join(nm, '@parcel', 'watcher'),
  ];
  const script = `for (const m of ${JSON.stringify(modules)}) { require(m); }`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`a native module does not load:\n${res.stderr}`);
  // node-pty loads its binding lazily; check the compiled file is there too.
  const ptyNode = path.join(nm, 'node-pty', 'build', 'Release', 'pty.node');
  if (!fs.existsSync(ptyNode)) throw new Error(`missing ${rel(ptyNode)}: node-pty was not built`);
  console.log(`[setup] native modules load: ${modules.map((m) => path.basename(m)).join(', ')}`);
}

/**
 * The fast path: a stamp from a finished install for this Node ABI (native modules break when Node
 * changes, e.g. a restored CI cache), and Chromium still on the machine.
 */
function isInstalled() {
  try {
    const stamp = readJson(stampFile);
    // Every package with a binary still there too (a package added later, such as bubblewrap, gets installed).
    const binaries = Object.values(APT_BINARIES).every((bin) => (bin.startsWith('/') ? fs.existsSync(bin) : which(bin)));
    return stamp.abi === process.versions.modules && fs.existsSync(codeServerEntry) && binaries;
  } catch {
    return false;
  }
}

/** Returns the absolute path of code-server's `out/node/entry.js`, installing first if needed. */
export async function ensureCodeServer() {
  if (isInstalled()) return codeServerEntry;
  // The e2e, integration and benchmark runners may all call this at once on a fresh machine;
  // one installs, the others wait for its stamp.
  const release = await acquireLock();
  try {
    if (isInstalled()) return codeServerEntry;
    return await install();
  } finally {
    release();
  }
}

const lockDir = path.join(path.dirname(cacheDir), 'code-server.lock');
const STALE_LOCK_MS = 15 * 60_000;

/** An installer interrupted by Ctrl-C leaves its lock behind; its pid tells. */
function ownerGone() {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    return false; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

async function acquireLock() {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS || ownerGone()) {
      console.log(`[setup] removing a stale lock: ${rel(lockDir)}`);
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) console.log(`[setup] another process is installing code-server; waiting (${rel(lockDir)})`);
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function install() {
  const t0 = performance.now();
  console.log(`[setup] installing code-server ${CODE_SERVER_VERSION} into ${rel(cacheDir)}`);
  await step('apt packages', ensureAptPackages);
  await step('code-server package + argon2', installCodeServerPackage);
  await step('proxy-agent shrinkwrap rewrite', pointProxyAgentAtRegistry);
  await step('lib/vscode deps, rebuild, links, extensions', installVsCodeServerDeps);
  await step('native module check', verifyNativeModules);
  const seconds = (performance.now() - t0) / 1000;
  writeJson(stampFile, { version: CODE_SERVER_VERSION, node: process.version, abi: process.versions.modules, seconds, at: new Date().toISOString() });
  console.log(`[setup] code-server ready in ${seconds.toFixed(1)} s`);
  return codeServerEntry;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  ensureCodeServer().then(
    (entry) => console.log(`[setup] ${rel(entry)} (${Math.round(performance.now() - t0)} ms)`),
    (err) => {
      console.error(`[setup] failed: ${err.message}`);
      process.exit(1);
    },
  );
}
