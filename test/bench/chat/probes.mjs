/**
 * What bench:chat measures with: when the fake server wrote each streamed token, when the webview
 * showed it, the extension host's CPU time, and the JS heap of the page the webview lives in.
 * Token text is ` tok<N>` so both ends can tell which token they are looking at.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

export const tokenText = (count) => Array.from({ length: count }, (_, i) => `${i === 0 ? '' : ' '}tok${i}`).join('');

/** Epoch milliseconds with sub-millisecond precision, comparable with the webview's `performance.timeOrigin + performance.now()`. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Records the time each `content_block_delta` carrying `tok<N>` is written by an HTTP server in
 * this process (the fake Anthropic server runs in-process). Returns the times and an undo.
 */
export function recordDeltaWrites() {
  const sentAt = new Map();
  const original = http.ServerResponse.prototype.write;
  http.ServerResponse.prototype.write = function write(chunk, ...rest) {
    if (typeof chunk === 'string' && chunk.startsWith('event: content_block_delta')) {
      const now = epochNow();
      for (const m of chunk.matchAll(/tok(\d+)/g)) if (!sentAt.has(Number(m[1]))) sentAt.set(Number(m[1]), now);
    }
    return original.call(this, chunk, ...rest);
  };
  return { sentAt, restore: () => (http.ServerResponse.prototype.write = original) };
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
 * Installs, in the webview's document, an observer that notes when each `tok<N>` first shows:
 * a DOM mutation schedules a check in the next animation frame (just before that frame paints),
 * which reads the newest token number at the end of the streaming message.
 */
export async function installLagProbe(frame) {
  await frame.locator('body').evaluate(() => {
    const probe = { visibleAt: [], maxSeen: -1, frames: 0, arrivals: [] };
    window.__chatLagProbe = probe;
    // When each chat/delta reached this document, and the newest token it carried: splits the lag
    // into "host to webview" and "webview to screen".
    window.addEventListener('message', (event) => {
      const data = event.data;
      if (data?.type !== 'chat/delta' || typeof data.text !== 'string') return;
      const found = [...data.text.slice(-96).matchAll(/tok(\d+)/g)];
      if (found.length > 0) probe.arrivals.push({ at: performance.timeOrigin + performance.now(), max: Number(found[found.length - 1][1]) });
    });
    let scheduled = false;
    const check = () => {
      scheduled = false;
      probe.frames++;
      const streaming = document.querySelector('[data-testid="chat-streaming"]');
      const finals = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const el = streaming ?? finals[finals.length - 1];
      const tail = (el?.textContent ?? '').slice(-96);
      const found = [...tail.matchAll(/tok(\d+)/g)];
      if (found.length === 0) return;
      const max = Number(found[found.length - 1][1]);
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

export async function readLagProbe(frame) {
  return frame.locator('body').evaluate(() => {
    const p = window.__chatLagProbe;
    return { visibleAt: p.visibleAt, maxSeen: p.maxSeen, frames: p.frames, arrivals: p.arrivals };
  });
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
