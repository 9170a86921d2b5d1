#!/usr/bin/env node
/**
 * `npm run bench:chat`: the Architect chat under load, in a real VS Code (code-server 4.96.4) with
 * the real extension, against the fake Anthropic server in this process. Not a pass/fail test:
 * prints figures against the targets and exits 0 (non-zero only when a run could not be measured).
 *
 *   - rendering lag: the fake server streams 5,000 tokens (` tok0 tok1 …`) as fast as it can; the
 *     time each token was written to the socket (recorded in this process) against the animation
 *     frame in which the Studio's Chat pane first showed it (a MutationObserver + rAF probe in the
 *     webview's document). Both clocks are epoch ms (performance.timeOrigin + now()). p50 / p95 / max.
 *   - extension-host CPU per token: user + system time of the extension host process
 *     (/proc/<pid>/stat) across the measured turn, divided by the tokens; also the total. A short
 *     warm-up turn first, so the one-off load of dist/agents.js is not counted.
 *   - webview memory with a 10,000-message transcript: the blueprint's newest revision holds the
 *     conversation (written through the store before launch); the JS heap of the renderer that hosts
 *     the workbench and its webviews, after a forced GC, with a short conversation open and then the
 *     long one. The webview's share is the difference; the whole renderer is printed beside it.
 *
 * Options: --no-package (reuse dist/orchard-studio.vsix), --tokens N (default 5000),
 * --messages N (default 10000). Run under `flock /tmp/orchard-dist.lock` (it packages).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAnthropic } from '../support/fakeAnthropic.mjs';
import { prepareWorkspace, vsixPath as builtVsix } from '../e2e/fixtures.mjs';
import { repoRoot, runCommand, startVsCode, webviewFrame } from '../e2e/harness.mjs';
import { longTranscript, writeLongConversation } from './chat/longTranscript.mjs';
import {
  CPU_RESOLUTION_MS,
  cpuMs,
  epochNow,
  extensionHostPid,
  installLagProbe,
  percentile,
  readLagProbe,
  recordDeltaWrites,
  tokenText,
  usedHeapBytes,
} from './chat/probes.mjs';

const TARGETS = { lagP95Ms: 50, webviewMb: 150 };
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const TOKENS = option('--tokens', 5000);
const MESSAGES = option('--messages', 10_000);
const LONG_SLUG = 'long-conversation';
const vsix = process.env.ORCHARD_E2E_VSIX ? path.resolve(process.env.ORCHARD_E2E_VSIX) : builtVsix;

if (vsix === builtVsix && !args.includes('--no-package')) {
  const res = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
if (!fs.existsSync(vsix)) {
  console.error(`no package at ${vsix}`);
  process.exit(1);
}
process.env.TMPDIR = path.join(repoRoot, '.cache', 'tmp');
fs.mkdirSync(process.env.TMPDIR, { recursive: true });

const workspace = prepareWorkspace();
const t0 = performance.now();
await writeLongConversation({ repoRoot, workspace, slug: LONG_SLUG, featureName: 'Long conversation', messages: longTranscript(MESSAGES) });
console.log(`wrote a ${MESSAGES.toLocaleString('en-US')}-message conversation as a revision of ${LONG_SLUG} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const loadBefore = os.loadavg()[0];
const fake = await startFakeAnthropic();
const writes = recordDeltaWrites();
let vs;
try {
  vs = await startVsCode({
    workspace,
    vsix,
    env: { ANTHROPIC_API_KEY: 'sk-ant-bench-fake-key-for-the-fake-server' },
    settings: { 'orchard.anthropic.baseUrl': fake.url },
  });
  const { page } = vs;
  await runCommand(page, 'Orchard: Open Studio');
  const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
  const chat = studio.locator('[data-testid="pane-chat"]');
  const switcher = chat.locator('[data-testid="chat-blueprint-switcher"]');
  const pick = async (slug) => {
    await chat.locator(`[data-testid="chat-blueprint-switcher"] option[value="${slug}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await switcher.selectOption(slug);
  };
  const assistants = chat.locator('[data-testid="chat-message"][data-role="assistant"]');
  const turn = async (text, waitFor) => {
    await chat.locator('[data-testid="chat-input"]').fill(text);
    await chat.locator('[data-testid="chat-send"]').click();
    await assistants.filter({ hasText: waitFor }).first().waitFor({ timeout: 120_000 });
    await chat.locator('[data-testid="chat-send"]').waitFor({ timeout: 30_000 });
  };

  await pick('todo-sharing');
  // Warm-up: loads dist/agents.js (the SDK) and opens the store, which the measured turn should not pay for.
  fake.script({ kind: 'text', text: 'Warm-up reply.' });
  await turn('Warm up.', 'Warm-up reply.');

  const pid = extensionHostPid(vs.runDir);
  if (!pid) throw new Error('the extension host process was not found under /proc');
  await installLagProbe(studio);
  fake.script({ content: [{ type: 'text', text: tokenText(TOKENS) }] });
  const cpuBefore = cpuMs(pid);
  const sentFrom = epochNow();
  await turn('Stream as fast as you can.', `tok${TOKENS - 1}`);
  const cpuAfter = cpuMs(pid);
  const turnMs = epochNow() - sentFrom;
  const probe = await readLagProbe(studio);

  const lags = [];
  for (let i = 0; i < TOKENS; i++) {
    const sent = writes.sentAt.get(i);
    const shown = probe.visibleAt[i];
    if (sent !== undefined && shown !== undefined && shown !== null) lags.push(shown - sent);
  }
  // The same split by where the time went: until the delta message reached the webview, then until it showed.
  const arrivedAt = [];
  let next = 0;
  for (const { at, max } of probe.arrivals) for (; next <= max && next < TOKENS; next++) arrivedAt[next] = at;
  const toWebview = [];
  const toScreen = [];
  for (let i = 0; i < TOKENS; i++) {
    const sent = writes.sentAt.get(i);
    if (sent === undefined || arrivedAt[i] === undefined || probe.visibleAt[i] == null) continue;
    toWebview.push(arrivedAt[i] - sent);
    toScreen.push(probe.visibleAt[i] - arrivedAt[i]);
  }
  if (lags.length < TOKENS * 0.99) throw new Error(`only ${lags.length} of ${TOKENS} tokens were both sent and seen (probe saw up to tok${probe.maxSeen})`);
  const streamMs = Math.max(...writes.sentAt.values()) - Math.min(...writes.sentAt.values());

  // Memory: the same Studio with a short conversation, then with the long one.
  const cdp = await page.context().newCDPSession(page);
  const heapShort = await usedHeapBytes(cdp);
  const domShort = await studio.locator('body').evaluate(() => document.getElementsByTagName('*').length);
  const openedAt = epochNow();
  await pick(LONG_SLUG);
  await assistants.filter({ hasText: `Answer ${MESSAGES / 2}.` }).first().waitFor({ timeout: 120_000 });
  const openMs = epochNow() - openedAt;
  await page.waitForTimeout(500);
  const heapLong = await usedHeapBytes(cdp);
  // If the webview ran in a renderer of its own, the page's heap would not see it: compare the isolates.
  const frameHeap = await studio.locator('body').evaluate(() => performance.memory?.usedJSHeapSize ?? null);
  const pageHeap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
  const domLong = await studio.locator('body').evaluate(() => document.getElementsByTagName('*').length);

  const mb = (bytes) => bytes / (1024 * 1024);
  const p95 = percentile(lags, 95);
  const webviewMb = mb(heapLong - heapShort);
  const cpuTurn = cpuAfter - cpuBefore;
  const rows = [
    ['rendering lag p50', `${percentile(lags, 50).toFixed(1)} ms`, ''],
    ['rendering lag p95', `${p95.toFixed(1)} ms`, `<= ${TARGETS.lagP95Ms} ms`, p95 <= TARGETS.lagP95Ms],
    ['rendering lag max', `${Math.max(...lags).toFixed(1)} ms`, ''],
    ['  of which server -> webview, p50 / p95', toWebview.length ? `${percentile(toWebview, 50).toFixed(1)} / ${percentile(toWebview, 95).toFixed(1)} ms` : 'n/a', ''],
    ['  of which webview -> screen, p50 / p95', toScreen.length ? `${percentile(toScreen, 50).toFixed(1)} / ${percentile(toScreen, 95).toFixed(1)} ms` : 'n/a', ''],
    ['chat/delta messages the webview got', String(probe.arrivals.length), ''],
    [`server wrote ${TOKENS} tokens in`, `${streamMs.toFixed(0)} ms`, ''],
    ['turn, send -> final message', `${turnMs.toFixed(0)} ms`, ''],
    ['webview frames that showed new tokens', String(probe.frames), ''],
    ['extension host CPU per token', `${((cpuTurn * 1000) / TOKENS).toFixed(1)} µs`, ''],
    ['extension host CPU, whole turn', `${cpuTurn.toFixed(0)} ms (±${CPU_RESOLUTION_MS.toFixed(0)} ms)`, ''],
    [`webview heap, ${MESSAGES.toLocaleString('en-US')} messages (increase)`, `${webviewMb.toFixed(1)} MB`, `<= ${TARGETS.webviewMb} MB`, webviewMb <= TARGETS.webviewMb],
    ['renderer heap, short / long conversation', `${mb(heapShort).toFixed(1)} / ${mb(heapLong).toFixed(1)} MB`, ''],
    ['Studio DOM elements, short / long', `${domShort} / ${domLong}`, ''],
    ['performance.memory, webview / workbench', `${frameHeap === null ? 'n/a' : mb(frameHeap).toFixed(1)} / ${pageHeap === null ? 'n/a' : mb(pageHeap).toFixed(1)} MB`, ''],
    [`open the ${MESSAGES.toLocaleString('en-US')}-message conversation`, `${openMs.toFixed(0)} ms`, ''],
  ];
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  console.log('');
  for (const [name, value, target, ok] of rows) {
    const verdict = target ? `${target.padEnd(12)} ${ok ? 'ok' : 'OVER'}` : '';
    console.log(`${name.padEnd(widths[0])}  ${value.padEnd(widths[1])}  ${verdict}`);
  }
  const loadAfter = os.loadavg()[0];
  console.log(`\nload average ${loadBefore.toFixed(2)} -> ${loadAfter.toFixed(2)} on ${os.cpus().length} cores; timings on a busy machine mostly measure the neighbours.`);
} catch (error) {
  console.error(`bench:chat failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  writes.restore();
  await vs?.close();
  await fake.close();
}
