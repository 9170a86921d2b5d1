/**
 * What bench:chat measures with: when the fake server wrote each streamed token, when the webview
 * showed it, the extension host's CPU time, and the JS heap of the page the webview lives in.
 * Token text is ` <marker><N>` (a new marker per stream, e.g. `s1t`) so both ends can tell which
 * token of which stream they are looking at.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

export const tokenText = (count, marker) => Array.from({ length: count }, (_, i) => `${i === 0 ? '' : ' '}${marker}${i}`).join('');

/** Epoch milliseconds with sub-millisecond precision, comparable with the webview's `performance.timeOrigin + performance.now()`. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Records the time each `content_block_delta` carrying `<marker><N>` is written by an HTTP server
 * in this process (the fake Anthropic server runs in-process). `track(marker)` starts a new stream's
 * record and returns its map of token -> time.
 */
export function recordDeltaWrites() {
  let current = null;
  const original = http.ServerResponse.prototype.write;
  http.ServerResponse.prototype.write = function write(chunk, ...rest) {
    if (current && typeof chunk === 'string' && chunk.startsWith('event: content_block_delta')) {
      const now = epochNow();
      for (const m of chunk.matchAll(current.pattern)) if (!current.sentAt.has(Number(m[1]))) current.sentAt.set(Number(m[1]), now);
    }
    return original.call(this, chunk, ...rest);
  };
  return {
    track(marker) {
      current = { pattern: new RegExp(`${marker}(\\d+)`, 'g'), sentAt: new Map() };
      return current.sentAt;
    },
    restore: () => (http.ServerResponse.prototype.write = original),
  };
}

/** The extension host process of the code-server session whose run folder is `runDir`. */
export function extensionHostPid(runDir) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=extensionHost')) continue;
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').includes(runDir)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (resolution 1000 / CLK_TCK ms). */
export function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export const CPU_RESOLUTION_MS = 1000 / CLOCK_TICKS;

/**
 * Installs, in the webview's document, an observer that notes when each `<marker><N>` first shows:
 * a DOM mutation schedules a check in the next animation frame (just before that frame paints),
 * which reads the newest token number at the end of the streaming message (or of the newest
 * reply, for the last tokens when the final message replaced the streaming one). Also notes when
 * each chat/delta message reached the document. Each stream gets its own marker (`resetLagProbe`).
 */
export async function installLagProbe(frame) {
  await frame.locator('body').evaluate(() => {
    let probe = null;
    window.__chatLagProbeReset = (marker) => {
      probe = { pattern: new RegExp(`${marker}(\\d+)`, 'g'), visibleAt: [], maxSeen: -1, frames: 0, arrivals: [] };
      window.__chatLagProbe = probe;
    };
    const newest = (text) => {
      const found = [...text.slice(-96).matchAll(probe.pattern)];
      return found.length > 0 ? Number(found[found.length - 1][1]) : -1;
    };
    window.addEventListener('message', (event) => {
      const data = event.data;
      if (!probe || data?.type !== 'chat/delta' || typeof data.text !== 'string') return;
      const max = newest(data.text);
      if (max >= 0) probe.arrivals.push({ at: performance.timeOrigin + performance.now(), max });
    });
    let scheduled = false;
    const check = () => {
      scheduled = false;
      if (!probe) return;
      probe.frames++;
      const streaming = document.querySelector('[data-testid="chat-streaming"]');
      const finals = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const max = newest((streaming ?? finals[finals.length - 1])?.textContent ?? '');
      if (max <= probe.maxSeen) return;
      const now = performance.timeOrigin + performance.now();
      for (let i = probe.maxSeen + 1; i <= max; i++) probe.visibleAt[i] = now;
      probe.maxSeen = max;
    };
    new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(check);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

export async function resetLagProbe(frame, marker) {
  await frame.locator('body').evaluate((m) => window.__chatLagProbeReset(m), marker);
}

export async function readLagProbe(frame) {
  return frame.locator('body').evaluate(() => {
    const p = window.__chatLagProbe;
    return { visibleAt: p.visibleAt, maxSeen: p.maxSeen, frames: p.frames, arrivals: p.arrivals };
  });
}

/** Lags per token (shown - written) and their split at the delta's arrival in the webview. */
export function lagStats(sentAt, probe, tokens) {
  const arrivedAt = [];
  let next = 0;
  for (const { at, max } of probe.arrivals) for (; next <= max && next < tokens; next++) arrivedAt[next] = at;
  const total = [];
  const toWebview = [];
  const toScreen = [];
  for (let i = 0; i < tokens; i++) {
    const sent = sentAt.get(i);
    const shown = probe.visibleAt[i];
    if (sent === undefined || shown === undefined || shown === null) continue;
    total.push(shown - sent);
    if (arrivedAt[i] !== undefined) {
      toWebview.push(arrivedAt[i] - sent);
      toScreen.push(shown - arrivedAt[i]);
    }
  }
  const times = [...sentAt.values()];
  return { total, toWebview, toScreen, streamMs: times.length ? Math.max(...times) - Math.min(...times) : 0, deltas: probe.arrivals.length, frames: probe.frames };
}

/** Used JS heap of the renderer that hosts the page and its (same-site) webview frames, after a full GC, in bytes. */
export async function usedHeapBytes(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
