/**
 * A cross-process lock file (`<file>.lock`) for the studio DB: two VS Code windows on
 * one workspace are two extension-host processes writing the same files.
 *
 * Created with the `wx` flag (fails if it exists), so at most one holder creates it.
 * The content names the holder: `{ pid, host, nonce, time }`. A lock is stale, and is
 * taken over, when
 *   - its holder is on this host and its pid no longer exists (a killed window: the
 *     common case, taken over at once rather than after a timeout), or
 *   - it is older than `staleMs` (a hung holder, or one on another host), or
 *   - it cannot be parsed and is older than a second (a holder killed between creating
 *     the file and writing its content; writing takes microseconds).
 * Critical sections are short (a journal append, at most a snapshot write), and a holder
 * refreshes the file's time while it holds it, so a live holder never looks stale.
 *
 * Taking over is a rename to a unique name followed by a check that what was renamed
 * is the stale lock that was judged, not a fresh lock another waiter created in the
 * meantime; if it was fresh it is linked back. The remaining race (a third process
 * creating a lock in the microseconds between the rename and the link) only exists
 * while a dead holder is being replaced by two waiters at once.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isErrno } from './atomicFile';

export interface LockOptions {
  /** A lock older than this is taken over even if its holder seems alive. */
  staleMs: number;
  /** Give up waiting after this long (the error names the holder). */
  timeoutMs: number;
  log?: (line: string) => void;
}

interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  time: number;
}

export type ReleaseLock = () => void;

const host = os.hostname();

/** Whether a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return isErrno(error, 'EPERM');
  }
}

/** The live process on this host holding `lockPath`, or undefined (no lock, another host, or its holder gone). */
export function lockHolder(lockPath: string): number | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockInfo>;
    return info.host === host && typeof info.pid === 'number' && pidAlive(info.pid) ? info.pid : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireLock(lockPath: string, options: LockOptions): Promise<ReleaseLock> {
  const nonce = randomBytes(6).toString('hex');
  const content = JSON.stringify({ pid: process.pid, host, nonce, time: Date.now() } satisfies LockInfo);
  const started = Date.now();
  let delay = 2;
  for (;;) {
    // Sync calls keep the window between creating the file and filling it tiny; the
    // file is a few bytes in the (local) workspace storage folder.
    try {
      fs.writeFileSync(lockPath, content, { flag: 'wx' });
      // A long hold (a rebuild from many git refs at open) keeps the lock fresh, so
      // `staleMs` only ever fires for a holder that stopped running.
      const heartbeat = setInterval(() => touch(lockPath), Math.max(1000, options.staleMs / 3));
      heartbeat.unref();
      return () => {
        clearInterval(heartbeat);
        release(lockPath, nonce, options.log);
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const holder = readLock(lockPath);
    if (holder === 'gone') continue;
    const reason = staleReason(holder, options.staleMs);
    if (reason) {
      takeOver(lockPath, holder.raw, reason, options.log);
      continue;
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${lockPath} (held by ${holder.info ? `pid ${holder.info.pid}` : 'an unknown process'})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 50);
  }
}

interface Holder {
  raw: string;
  info: LockInfo | undefined;
  ageMs: number;
}

function readLock(lockPath: string): Holder | 'gone' {
  try {
    const raw = fs.readFileSync(lockPath, 'utf8');
    const ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
    return { raw, info: parseLock(raw), ageMs };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 'gone';
    throw error;
  }
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.nonce === 'string') return v as LockInfo;
  } catch {
    // Not JSON: a holder died before writing its content.
  }
  return undefined;
}

function staleReason(holder: Holder, staleMs: number): string | undefined {
  if (!holder.info) return holder.ageMs > 1000 ? 'empty or foreign: its holder died while creating it' : undefined;
  if (holder.info.host === host && holder.info.pid !== process.pid && !pidAlive(holder.info.pid)) {
    return `pid ${holder.info.pid} is gone`;
  }
  if (holder.ageMs > staleMs) return `held for ${Math.round(holder.ageMs)} ms`;
  return undefined;
}

function takeOver(lockPath: string, judgedRaw: string, reason: string, log?: (line: string) => void): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // another waiter took it over first
    throw error;
  }
  let raw: string | undefined;
  try {
    raw = fs.readFileSync(aside, 'utf8');
    if (raw !== judgedRaw) {
      // We moved a lock that is not the one we judged stale: put it back.
      try {
        fs.linkSync(aside, lockPath);
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
      }
      return;
    }
    log?.(`studio DB: took over a stale lock (${reason})`);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function touch(lockPath: string): void {
  try {
    const now = new Date();
    fs.utimesSync(lockPath, now, now);
  } catch {
    // Gone or taken over: release() reports it.
  }
}

function release(lockPath: string, nonce: string, log?: (line: string) => void): void {
  try {
    const info = parseLock(fs.readFileSync(lockPath, 'utf8'));
    if (info?.nonce !== nonce) {
      log?.('studio DB: our lock was taken over by another process before we released it');
      return;
    }
    fs.unlinkSync(lockPath);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}
