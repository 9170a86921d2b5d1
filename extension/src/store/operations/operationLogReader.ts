/**
 * Reading an operation's event log (`<dir>/<operationId>.jsonl`, one JSON object per
 * line, seq 1, 2, 3… — written by operationLog.ts). A log may hold a million lines,
 * so everything here streams: a file handle read a 64 KiB chunk at a time, split on
 * the newline *byte* (a multi-byte UTF-8 character split across two chunks is only
 * decoded once its whole line is there), one line at most `maxLineBytes` held.
 *
 * Corruption never throws. A line is an event only when its newline is there (a line
 * without one is still being written, or was torn by a crash), it parses, the caller's
 * parser accepts it and its seq is above the last one seen. Anything else is skipped
 * and reported through `onProblem` with the file, the byte offset and, when counted
 * from the start, the line number. Why not throw on a bad line in the middle: the
 * events around it are still true, and a view of a build that cannot show any of them
 * because of one torn line in a crash long ago helps nobody.
 */
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import { isErrno } from '../atomicFile';

export interface LoggedEvent {
  seq: number;
}
/** Validates one parsed JSON line; undefined = not a valid event. */
export type EventParser<E extends LoggedEvent> = (value: unknown) => E | undefined;

/** A line the reader skipped (or, for `gap`, an event after missing ones). */
export interface LogProblem {
  file: string;
  kind: 'invalid-json' | 'invalid-event' | 'too-long' | 'out-of-order' | 'gap' | 'truncated';
  /** Byte offset of the line's start. */
  offset: number;
  /** 1-based line number; undefined when reading started past the start (the fromSeq fast path). */
  line: number | undefined;
  /** The event's seq, for `out-of-order` and `gap`. */
  seq?: number;
}

export interface ReadOptions {
  /** First seq wanted (default 1). */
  fromSeq?: number;
  /** Skipped lines, gaps, a file cut shorter under a follower. */
  onProblem?: (problem: LogProblem) => void;
  /** Lines longer than this (bytes, newline excluded) are skipped unbuffered (default 1 MiB). */
  maxLineBytes?: number;
  /** readEvents stops early; followEvents ends when it aborts (iteration ends, no error). */
  signal?: AbortSignal;
}

export interface FollowOptions extends ReadOptions {
  /** How often to look when fs.watch says nothing (default 200 ms; watch misses events on some file systems). */
  pollMs?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
/** Files below this are scanned from the start even with a fromSeq. */
const SEEK_MIN_BYTES = 1024 * 1024;
const SEQ_HEAD = Buffer.from('{"seq":', 'latin1');

/** A complete line as an event, or why it is not one. Shared with the writer's tail scan. */
export function decodeLine<E extends LoggedEvent>(bytes: Buffer, parse: EventParser<E>): E | 'invalid-json' | 'invalid-event' {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'invalid-json';
  }
  const event = parse(value);
  if (event === undefined || !Number.isSafeInteger(event.seq) || event.seq < 1) return 'invalid-event';
  return event;
}

/**
 * The seq of a line the writer wrote (`{"seq":N,…`, seq always first) without parsing
 * the line: lines before fromSeq are skipped on this alone.
 */
export function seqPrefix(bytes: Buffer, start = 0, end = bytes.length): number | undefined {
  if (end - start < SEQ_HEAD.length + 1) return undefined;
  for (let k = 0; k < SEQ_HEAD.length; k++) if (bytes[start + k] !== SEQ_HEAD[k]) return undefined;
  let n = 0;
  let i = start + SEQ_HEAD.length;
  for (; i < end && i < start + SEQ_HEAD.length + 16; i++) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  const next = bytes[i];
  return i > start + SEQ_HEAD.length && (next === 0x2c || next === 0x7d) && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Events with seq >= fromSeq to the end of the file as it is now. A missing file throws ENOENT. */
export async function* readEvents<E extends LoggedEvent>(file: string, parse: EventParser<E>, options: ReadOptions = {}): AsyncGenerator<E> {
  const handle = await fsp.open(file, 'r');
  try {
    const scanner = new LogScanner(file, parse, options);
    await scanner.seek(handle);
    for await (const event of scanner.scan(handle)) {
      if (options.signal?.aborted) return;
      yield event;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Like readEvents, then waits for more (fs.watch, and a poll every `pollMs` in case
 * the watch misses a change or cannot be set up) until `signal` aborts. Waits for a
 * file that does not exist yet. Each event is yielded once: the scanner only moves
 * past complete lines, so a line arriving in pieces is read again from its start.
 * Follows the file by its open handle: the writer appends in place and never replaces it.
 */
export async function* followEvents<E extends LoggedEvent>(file: string, parse: EventParser<E>, options: FollowOptions & { signal: AbortSignal }): AsyncGenerator<E> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 200;
  let changed = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    changed = true;
    wake?.();
  };
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  /** Resolves on a change, the poll interval or the abort, whichever is first. */
  const nextChange = async (): Promise<void> => {
    if (changed || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  };

  let handle: fsp.FileHandle | undefined;
  let watcher: FSWatcher | undefined;
  try {
    while (!handle) {
      if (signal.aborted) return;
      try {
        handle = await fsp.open(file, 'r');
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
        await nextChange();
      }
    }
    try {
      watcher = watch(file, { persistent: false }, notify);
      watcher.on('error', () => undefined); // the poll carries on
    } catch {
      // No inotify watches left, or a file system without change events: poll only.
    }
    const scanner = new LogScanner(file, parse, options);
    await scanner.seek(handle);
    let seen = { size: -1, mtimeMs: -1 };
    let watched = true; // the first pass reads whatever is there
    while (!signal.aborted) {
      // A change the watch reported is read at once; a poll first asks whether anything changed, so
      // it reads nothing when nothing is new (a trailing run of bad lines is re-read only on change).
      // Streaming, that is a stat and one read per change, not two stats and two reads: half the
      // calls into the thread pool the extension host shares with every other extension.
      const stat = watched ? undefined : await handle.stat();
      changed = false;
      if (!stat || stat.size !== seen.size || stat.mtimeMs !== seen.mtimeMs) {
        if (stat) seen = { size: stat.size, mtimeMs: stat.mtimeMs };
        for await (const event of scanner.scan(handle, stat?.size)) {
          if (signal.aborted) return;
          yield event;
        }
      }
      await nextChange();
      watched = changed;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    watcher?.close();
    await handle?.close();
  }
}

/**
 * Walks a log from `resume` to its end, as often as asked. `resume` only ever moves to
 * the end of a complete *valid* line: a partial last line, and a trailing run of bad
 * lines, are read again next time — the writer cuts exactly those off when it reopens
 * after a crash and writes new lines in their place.
 */
class LogScanner<E extends LoggedEvent> {
  private resume = 0;
  private lineAtResume: number | undefined = 1;
  /** Last valid seq seen (yielded, or skipped as below fromSeq); undefined after a seek. */
  private lastSeq: number | undefined = 0;
  /** Problems before this offset were reported already (re-reads stay quiet). */
  private reportedTo = 0;
  private readonly fromSeq: number;
  private readonly maxLine: number;

  constructor(
    private readonly file: string,
    private readonly parse: EventParser<E>,
    private readonly options: ReadOptions,
  ) {
    this.fromSeq = Math.max(1, options.fromSeq ?? 1);
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** The fromSeq fast path: binary search by byte offset on the seq prefix of the writer's lines. */
  async seek(handle: fsp.FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (this.fromSeq <= 1 || size < SEEK_MIN_BYTES) return;
    let lo = 0; // always a line start whose line has seq < fromSeq (or 0)
    let hi = size;
    const buf = Buffer.allocUnsafe(CHUNK);
    while (hi - lo > CHUNK) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, mid);
      const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
      const seq = nl < 0 ? undefined : seqPrefix(buf, nl + 1, bytesRead);
      if (seq === undefined) break; // a huge or foreign line: scan from what is known
      if (seq < this.fromSeq) lo = mid + nl + 1;
      else hi = mid;
    }
    if (lo > 0) {
      this.resume = lo;
      this.reportedTo = lo;
      this.lineAtResume = undefined;
      this.lastSeq = undefined;
    }
  }

  /** The complete lines past the last one read; `knownSize` is the file's size if just looked up. */
  async *scan(handle: fsp.FileHandle, knownSize?: number): AsyncGenerator<E> {
    const size = knownSize ?? (await handle.stat()).size;
    if (size < this.resume) {
      // Cut below a line already read: not something the writer does. Start over; the
      // seq check keeps what was yielded from being yielded again.
      this.report('truncated', size, undefined);
      this.resume = 0;
      this.lineAtResume = 1;
      this.reportedTo = size; // everything below was judged already: re-reads stay quiet
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = this.resume; // file offset of buf[0] on the next read
    let line = this.lineAtResume;
    let lineStart = this.resume;
    let parts: Buffer[] = [];
    let held = 0;
    let tooLong = false;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) return; // what is held has no newline yet: not an event
      const view = buf.subarray(0, bytesRead);
      let from = 0;
      for (;;) {
        const nl = view.indexOf(NEWLINE, from);
        if (nl < 0) break;
        const end = pos + nl + 1;
        let verdict: E | 'skip' | undefined;
        if (tooLong || held + nl - from > this.maxLine) {
          this.report('too-long', lineStart, line);
        } else {
          const piece = view.subarray(from, nl);
          verdict = this.judge(held === 0 ? piece : Buffer.concat([...parts, piece]), lineStart, line);
        }
        if (verdict !== undefined) {
          this.resume = end;
          this.lineAtResume = line === undefined ? undefined : line + 1;
        }
        parts = [];
        held = 0;
        tooLong = false;
        lineStart = end;
        if (line !== undefined) line++;
        from = nl + 1;
        if (verdict !== undefined && verdict !== 'skip') yield verdict;
      }
      if (!tooLong && held + bytesRead - from > this.maxLine) {
        tooLong = true; // keep going to its newline, holding nothing
        parts = [];
        held = 0;
      }
      if (!tooLong && from < bytesRead) {
        parts.push(Buffer.from(view.subarray(from))); // a copy: buf is reused
        held += bytesRead - from;
      }
      pos += bytesRead;
      // A short read of a regular file is its end: asking again would only read nothing.
      if (bytesRead < CHUNK) return;
    }
  }

  /**
   * A complete line: the event to yield, 'skip' for a valid line not to yield (before
   * fromSeq), undefined for a bad line (reported once; resume does not move past it).
   */
  private judge(bytes: Buffer, offset: number, line: number | undefined): E | 'skip' | undefined {
    const quick = seqPrefix(bytes);
    if (quick !== undefined && quick < this.fromSeq && (this.lastSeq === undefined || quick > this.lastSeq)) {
      this.lastSeq = quick;
      return 'skip'; // before the window: not even parsed
    }
    const result = decodeLine(bytes, this.parse);
    if (typeof result === 'string') {
      this.report(result, offset, line);
      return undefined;
    }
    const last = this.lastSeq;
    if (last !== undefined && result.seq <= last) {
      this.report('out-of-order', offset, line, result.seq);
      return undefined;
    }
    if (last !== undefined && result.seq > last + 1 && result.seq > this.fromSeq) this.report('gap', offset, line, result.seq);
    this.lastSeq = result.seq;
    return result.seq >= this.fromSeq ? result : 'skip';
  }

  private report(kind: LogProblem['kind'], offset: number, line: number | undefined, seq?: number): void {
    if (offset < this.reportedTo && kind !== 'truncated') return;
    if (kind !== 'truncated') this.reportedTo = offset + 1;
    this.options.onProblem?.({ file: this.file, kind, offset, line, ...(seq === undefined ? {} : { seq }) });
  }
}
