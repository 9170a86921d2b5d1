/**
 * The studio DB's files, and nothing about what is in them:
 *   <file>                  snapshot: a whole sql.js database, replaced atomically
 *   <file>.journal          header line + one JSON record per line, appended per batch
 *   <file>.lock             cross-process lock (fileLock.ts)
 *   <file>.tmp-<pid>-<hex>  a snapshot or journal being written (atomicFile.ts)
 *   <file>.corrupt-<time>   a snapshot (or journal) that could not be read, kept for the user
 *
 * Every method except `acquire` expects the caller to hold the lock.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { appendDurable, fileTimestamp, isErrno, readIfExists, tempPrefix, writeFileAtomic } from './atomicFile';
import { acquireLock, pidAlive, type ReleaseLock } from './fileLock';
import { journalHeader, parseHeader } from './studioDbJournal';

export interface JournalTail {
  /** The header's generation; undefined when the journal is missing or its header unreadable. */
  gen: string | undefined;
  size: number;
  /** The bytes from the requested offset to the end (empty when the generation differs). */
  bytes: Buffer;
}

export class StudioDbFiles {
  readonly journal: string;
  readonly lock: string;

  constructor(
    readonly file: string,
    private readonly lockOptions: { staleMs: number; timeoutMs: number },
    private readonly log: (line: string) => void,
  ) {
    this.journal = `${file}.journal`;
    this.lock = `${file}.lock`;
  }

  async acquire(): Promise<ReleaseLock> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    return acquireLock(this.lock, { ...this.lockOptions, log: this.log });
  }

  readSnapshot(): Promise<Buffer | undefined> {
    return readIfExists(this.file);
  }

  readJournal(): Promise<Buffer | undefined> {
    return readIfExists(this.journal);
  }

  /** Reads the journal's header and everything from `from` on, with one open. */
  async readTail(from: number, knownGen: string | undefined): Promise<JournalTail> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.journal, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { gen: undefined, size: 0, bytes: Buffer.alloc(0) };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(Math.min(size, 512));
      await handle.read(head, 0, head.length, 0);
      const nl = head.indexOf(10);
      const gen = nl > 0 ? parseHeader(head.subarray(0, nl).toString('utf8'))?.gen : undefined;
      if (gen === undefined || gen !== knownGen || size <= from) return { gen, size, bytes: Buffer.alloc(0) };
      const bytes = Buffer.alloc(size - from);
      let got = 0;
      while (got < bytes.length) {
        const r = await handle.read(bytes, got, bytes.length - got, from + got);
        if (r.bytesRead === 0) break;
        got += r.bytesRead;
      }
      return { gen, size, bytes: bytes.subarray(0, got) };
    } finally {
      await handle.close();
    }
  }

  /** Appends encoded records at `at` (end of the last complete line read); returns the new end. */
  append(text: string, at: number): Promise<number> {
    return appendDurable(this.journal, text, at);
  }

  /**
   * Writes a snapshot, then a fresh journal with a new generation. Order matters: a
   * crash in between leaves the new snapshot with the old journal, whose records the
   * snapshot already holds; replaying them again is harmless (idempotent records).
   */
  async writeSnapshot(bytes: Uint8Array): Promise<{ gen: string; journalBytes: number }> {
    const hash = await sha256(bytes);
    await writeFileAtomic(this.file, bytes);
    const gen = randomBytes(8).toString('hex');
    const header = journalHeader(gen, hash);
    await writeFileAtomic(this.journal, header);
    return { gen, journalBytes: Buffer.byteLength(header) };
  }

  /** Renames a file that could not be read to `<name>.corrupt-<time>`; never deletes it. */
  async moveAside(which: 'snapshot' | 'journal', copy = false): Promise<string> {
    const from = which === 'snapshot' ? this.file : this.journal;
    const to = `${from}.corrupt-${fileTimestamp()}`;
    // A journal is copied, not moved: its readable records are still replayed and it is
    // replaced by the next snapshot anyway.
    if (copy) await fsp.copyFile(from, to);
    else await fsp.rename(from, to);
    return to;
  }

  /**
   * Removes temp files whose writer is gone: a snapshot or journal half-written when its
   * window was killed. They were never renamed into place, so nothing refers to them.
   */
  async removeLeftoverTemps(): Promise<void> {
    const dir = path.dirname(this.file);
    const prefix = tempPrefix(this.file);
    const staleLockPrefix = `${path.basename(this.lock)}.stale-`;
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return;
      throw error;
    }
    for (const name of names) {
      // `<lock>.stale-<pid>-<hex>`: a lock being taken over when its taker was killed.
      const marker = name.startsWith(prefix) || name.startsWith(tempPrefix(this.journal)) ? '.tmp-' : name.startsWith(staleLockPrefix) ? '.stale-' : undefined;
      if (!marker) continue;
      const pid = Number(name.slice(name.lastIndexOf(marker) + marker.length).split('-')[0]);
      if (pid === process.pid || pidAlive(pid)) continue;
      await fsp.rm(path.join(dir, name), { force: true });
      this.log(`studio DB: removed ${name}, a write left unfinished by a process that is gone`);
    }
  }
}

/** SHA-256 in hex, computed on libuv's thread pool (WebCrypto): ~30 ms for 24 MB, none of it on the event loop. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/**
 * Cheap checks that catch a truncated or foreign snapshot before sql.js is asked to
 * open it (sql.js would accept garbage and fail later, mid-query). Returns a reason,
 * or undefined when the bytes look like a whole SQLite database.
 */
export function snapshotProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 100) return `too short (${bytes.length} bytes)`;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1') !== 'SQLite format 3\0') return 'not an SQLite database';
  const view = new DataView(bytes.buffer, bytes.byteOffset, 100);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `bad page size ${rawPageSize}`;
  // The in-header page count is valid when "version-valid-for" matches the change counter.
  const pages = view.getUint32(28);
  if (pages > 0 && view.getUint32(92) === view.getUint32(24) && pages * pageSize !== bytes.length) {
    return `truncated: ${bytes.length} bytes, header says ${pages * pageSize}`;
  }
  if (bytes.length % pageSize !== 0) return `truncated: ${bytes.length} bytes is not a whole number of ${pageSize}-byte pages`;
  return undefined;
}
