/**
 * The append-only event log of one operation: `<dir>/<operationId>.jsonl`, one JSON
 * object per line, `seq` first and contiguous from 1 (core/operations/operationEvents.ts
 * says why: a view that saw up to n asks for n + 1 onwards). Reading is in
 * operationLogReader.ts; this file is the one writer.
 *
 * - One writer per log, across processes: `<file>.lock` through store/fileLock.ts (a
 *   lock whose pid is gone is taken over at once; a live holder refuses the open).
 * - Open finds the last valid event by reading backwards from the end, a chunk at a
 *   time, so a million-line log costs a few reads. Whatever follows that event is a torn
 *   tail (a crash mid-write, or junk after a power cut) and is cut off before the first
 *   append, so new lines never glue onto half a line. When that tail holds whole lines
 *   (not just half of one: junk after a power cut, or a parser that no longer accepts
 *   the events) the file is first copied to `<file>.corrupt-<time>`, so a wrong parser
 *   can never silently wipe a log. Bad lines further up are the reader's business (it
 *   skips and reports them): the writer only needs the last seq.
 * - `append` does not run the parser (a million zod checks would cost seconds); an
 *   event the parser refuses is skipped and reported by readers.
 * - `append` is synchronous and keeps nothing: the line goes into a buffer written with
 *   one write() when it passes 64 KiB or after 25 ms. The write itself is synchronous on
 *   purpose: a loop of appends that never yields would otherwise queue async writes
 *   without bound. A 64 KiB write into the page cache takes tens of microseconds; the
 *   slow part, fsync, runs off the main thread in `flush()`.
 * - A failed write (ENOSPC) cuts the file back to its last complete line, breaks the
 *   writer, and every later append/flush/close throws it; nothing is left as an
 *   unhandled rejection. Events appended since the last successful flush may be lost:
 *   `flush()` resolving is the only promise that they are on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fileTimestamp, fsyncDir, isErrno } from '../atomicFile';
import { acquireLock, type LockOptions, type ReleaseLock } from '../fileLock';
import { decodeLine, DEFAULT_MAX_LINE_BYTES, type EventParser, type LoggedEvent } from './operationLogReader';

export { followEvents, readEvents, type EventParser, type FollowOptions, type LoggedEvent, type LogProblem, type ReadOptions } from './operationLogReader';

/** An event before the log numbers it (distributes over a union of event types). */
export type Unsequenced<E> = E extends unknown ? Omit<E, 'seq'> : never;

export interface WriterOptions {
  /** Wait this long for another writer to let go (default 0: refuse at once). */
  lockTimeoutMs?: number;
  /** A lock not refreshed for this long is taken over (default 30 s; its holder refreshes it every 10 s). */
  staleLockMs?: number;
  /** Longest line `append` accepts (bytes), so the reader never has to skip one of ours (default 1 MiB). */
  maxLineBytes?: number;
  /** Buffered bytes that trigger a write (default 64 KiB). */
  batchBytes?: number;
  /** The longest a line waits in the buffer (default 25 ms). */
  batchMs?: number;
  log?: (line: string) => void;
}

/** The file's name for an operation id (ids are validated by core/operations; this does not). */
export function operationLogPath(dir: string, operationId: string): string {
  return path.join(dir, `${operationId}.jsonl`);
}

const fdatasync = promisify(fs.fdatasync);
const SCAN_CHUNK = 64 * 1024;

export class OperationLogWriter<E extends LoggedEvent> {
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private size: number,
    private seq: number,
    private readonly releaseLock: ReleaseLock,
    private readonly options: Required<Pick<WriterOptions, 'maxLineBytes' | 'batchBytes' | 'batchMs'>>,
    /** Bytes of torn tail cut off at open (0 for a clean log). */
    readonly discardedBytes: number,
  ) {}

  static async open<E extends LoggedEvent>(file: string, parse: EventParser<E>, options: WriterOptions = {}): Promise<OperationLogWriter<E>> {
    const lockOptions: LockOptions = { staleMs: options.staleLockMs ?? 30_000, timeoutMs: options.lockTimeoutMs ?? 0, ...(options.log ? { log: options.log } : {}) };
    let release: ReleaseLock;
    try {
      release = await acquireLock(`${file}.lock`, lockOptions);
    } catch (error) {
      // fileLock's refusal names the holder; anything else (EACCES…) passes unchanged.
      if (!(error instanceof Error) || !error.message.startsWith('Timed out')) throw error;
      throw new Error(`${file} is open for writing elsewhere: ${error.message}`, { cause: error });
    }
    let fd: number | undefined;
    try {
      const existed = fs.existsSync(file);
      // Read-write without O_APPEND: lines go at the offset this writer tracks, so a
      // failed write can be cut back exactly.
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
      if (!existed) await fsyncDir(path.dirname(file)); // the new name survives a power cut
      const size = fs.fstatSync(fd).size;
      const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
      const tail = await findTail(fd, size, parse, maxLine);
      if (tail.end < size) {
        let copy = '';
        if (tail.completeLinesCut) {
          // Whole lines are about to go, not just half of one: a parser that changed, or
          // junk after a power cut. Keep the file as it was next to it before cutting.
          copy = `${file}.corrupt-${fileTimestamp()}`;
          fs.copyFileSync(file, copy);
          copy = ` (the file as it was: ${path.basename(copy)})`;
        }
        options.log?.(`${path.basename(file)}: cut ${size - tail.end} bytes of torn tail after event ${tail.seq}${copy}`);
        fs.ftruncateSync(fd, tail.end);
        await fdatasync(fd);
      }
      const writerOptions = { maxLineBytes: maxLine, batchBytes: options.batchBytes ?? 64 * 1024, batchMs: options.batchMs ?? 25 };
      return new OperationLogWriter<E>(file, fd, tail.end, tail.seq, release, writerOptions, size - tail.end);
    } catch (error) {
      if (fd !== undefined) fs.closeSync(fd);
      release();
      throw error;
    }
  }

  /** The seq of the last event appended (or found at open); 0 for an empty log. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Numbers the event and buffers its line; throws if the writer failed or the line is too long. */
  append(event: Unsequenced<E>): E {
    this.check();
    const seq = this.seq + 1;
    // seq first: readers skip lines before fromSeq on this prefix alone. Assigned
    // again after the copy in case a seq slipped through in the input.
    const full = Object.assign({ seq }, event) as unknown as E;
    full.seq = seq;
    const line = `${JSON.stringify(full)}\n`;
    // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when it could matter.
    if (line.length * 3 > this.options.maxLineBytes && Buffer.byteLength(line) - 1 > this.options.maxLineBytes) {
      throw new RangeError(`${path.basename(this.file)}: event ${seq} is ${Buffer.byteLength(line) - 1} bytes, over the ${this.options.maxLineBytes}-byte line cap`);
    }
    this.seq = seq;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.options.batchBytes) {
      this.writePending();
      this.check(); // the write that failed surfaces here, not later
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.writePending(); // a failure is kept for the next call
      }, this.options.batchMs);
    }
    return full;
  }

  /** Writes what is buffered and waits until it is on disk. */
  async flush(): Promise<void> {
    this.check();
    this.writePending();
    this.check();
    try {
      await fdatasync(this.fd);
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: never retry it.
      this.failure ??= this.wrap(error, 'fsync');
      throw this.failure;
    }
  }

  /** Flushes, closes the file and releases the lock; a second close does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    let error: unknown;
    try {
      await this.flush();
    } catch (e) {
      error = e;
    }
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    fs.closeSync(this.fd);
    this.releaseLock();
    if (error) throw error;
  }

  private check(): void {
    if (this.closed) throw new Error(`${path.basename(this.file)}: the log writer is closed`);
    if (this.failure) throw this.failure;
  }

  /** One write() of the whole buffer (more only if the kernel takes part of it). */
  private writePending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.failure || this.closed) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
      this.size += written;
    } catch (error) {
      this.failure = this.wrap(error, 'write');
      try {
        if (written > 0) fs.ftruncateSync(this.fd, this.size); // no half line left behind
      } catch {
        // The next open cuts it off instead.
      }
    }
  }

  private wrap(error: unknown, what: string): Error {
    const code = isErrno(error, 'ENOSPC') ? ' (disk full)' : '';
    return new Error(`${path.basename(this.file)}: ${what} failed${code} after event ${this.seq}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The last valid event and the offset just past its newline, reading backwards from
 * the end in 64 KiB chunks. A line's bytes are held only up to `maxLine` (a longer one
 * is invalid anyway), so a huge torn tail costs time, never memory.
 */
async function findTail<E extends LoggedEvent>(fd: number, size: number, parse: EventParser<E>, maxLine: number): Promise<Tail> {
  const read = promisify(fs.read);
  let lineEnd = -1; // offset of the newline ending the line being collected; -1 before the last newline
  let parts: Buffer[] = [];
  let held = 0;
  let tooLong = false;
  let lastNewline = -1;
  const judge = (): Tail | undefined => {
    if (tooLong) return undefined;
    const event = decodeLine(Buffer.concat(parts), parse);
    return typeof event === 'string' ? undefined : { seq: event.seq, end: lineEnd + 1, completeLinesCut: lastNewline > lineEnd };
  };
  for (let chunkEnd = size; chunkEnd > 0; ) {
    const start = Math.max(0, chunkEnd - SCAN_CHUNK);
    const buf = Buffer.allocUnsafe(chunkEnd - start);
    const { bytesRead } = await read(fd, buf, 0, buf.length, start);
    if (bytesRead !== buf.length) throw new Error(`short read at ${start} (the log changed under its lock?)`);
    let i = buf.length; // bytes [0, i) of this chunk are not yet looked at
    while (i > 0) {
      const nl = buf.lastIndexOf(0x0a, i - 1);
      if (lineEnd >= 0) {
        // Bytes (nl, i) belong to the line ending at lineEnd; prepended, as we walk backwards.
        const piece = buf.subarray(nl + 1, i);
        if (!tooLong && held + piece.length > maxLine) {
          tooLong = true;
          parts = [];
        }
        if (!tooLong) {
          parts.unshift(piece);
          held += piece.length;
        }
        if (nl >= 0) {
          const found = judge();
          if (found) return found;
        }
      }
      if (nl < 0) break;
      lineEnd = start + nl; // bytes after the last newline are torn: never judged
      if (lastNewline < 0) lastNewline = lineEnd;
      parts = [];
      held = 0;
      tooLong = false;
      i = nl;
    }
    chunkEnd = start;
  }
  const none = { seq: 0, end: 0, completeLinesCut: lastNewline >= 0 };
  return (lineEnd >= 0 ? judge() : undefined) ?? none; // judge(): the file's first line
}

interface Tail {
  seq: number;
  /** Offset just past the last valid line: where the next line goes. */
  end: number;
  /** Whether anything after `end` has a newline (more than a half-written last line). */
  completeLinesCut: boolean;
}
