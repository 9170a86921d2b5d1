/**
 * Durable file writes for the studio DB (no `vscode` import).
 *
 * - `writeFileAtomic`: temp file in the same folder -> fsync -> rename -> fsync the
 *   folder. A reader sees the old bytes or the new bytes, never half of them, and
 *   after the promise resolves the new bytes survive a power cut (the folder fsync
 *   makes the rename itself durable; without it ext4 may forget the rename).
 * - `appendDurable`: one write() of a whole batch, then fdatasync. The journal is
 *   only appended to under the store's lock, so appends of two windows never interleave.
 *   (datasync, not fsync: the size change is metadata fdatasync does flush.)
 *
 * Temp files are named `<file>.tmp-<pid>-<random>` so the store can find (and remove,
 * under its lock) the ones a killed process left behind.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

const isWindows = process.platform === 'win32';

/** The prefix of every temp file written next to `file`. */
export function tempPrefix(file: string): string {
  return `${path.basename(file)}.tmp-`;
}

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(tmp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(path.dirname(file));
}

/**
 * Writes `data` at byte `at` (the end of the last complete line the caller read) with a
 * single write, then waits until it is on disk. Bytes past `at` are a torn append of a
 * writer killed mid-write (never reported saved) and are cut off first, so they cannot
 * glue themselves to the front of this batch. Returns the new length.
 */
export async function appendDurable(file: string, data: string, at: number): Promise<number> {
  // 'r+' rather than 'a': the journal must already exist with its header; a missing
  // journal is the caller's signal to write a fresh one, not something to paper over.
  const handle = await fsp.open(file, 'r+');
  try {
    const { size } = await handle.stat();
    if (size < at) throw new Error(`${path.basename(file)} is shorter (${size} bytes) than what was read (${at}): changed behind the lock`);
    if (size > at) await handle.truncate(at);
    const bytes = Buffer.from(data, 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const r = await handle.write(bytes, written, bytes.length - written, at + written);
      written += r.bytesWritten;
    }
    await handle.datasync();
    return at + written;
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename or a new file in `dir` durable. Windows cannot open a folder for
 * fsync (and NTFS journals renames itself), so there it is a no-op.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (isWindows) return;
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (and some container overlays) refuse fsync on a folder.
    if (!isErrno(error, 'EINVAL') && !isErrno(error, 'EISDIR') && !isErrno(error, 'EPERM')) throw error;
  } finally {
    await handle.close();
  }
}

/** Reads a whole file; `undefined` when it does not exist. */
export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/** A file-name-safe timestamp for `<file>.corrupt-<timestamp>` (no ':' for Windows). */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // On Windows a virus scanner or indexer holding the target briefly makes rename
  // fail with EPERM/EBUSY; elsewhere a failure is real and is not retried.
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (error) {
      const transient = isWindows && (isErrno(error, 'EPERM') || isErrno(error, 'EBUSY') || isErrno(error, 'EACCES'));
      if (!transient || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}
