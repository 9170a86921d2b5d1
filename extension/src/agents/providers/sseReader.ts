/**
 * Server-sent events (the Messages API's streaming format), decoded a whole
 * network chunk at a time. The SDK's Stream yields one parsed event per
 * `await`: at thousands of tokens a second the per-event hops (an async
 * generator step, a microtask, a timer re-arm in the caller) cost more than
 * the parsing. Here one chunk in gives every event it completes out, so the
 * provider handles a burst in one synchronous pass.
 *
 * Follows the WHATWG event-stream rules for what we use: lines end with
 * `\r\n`, `\n` or `\r` (a `\r` at a chunk's end may be the first half of a
 * `\r\n`); a blank line dispatches; `event` and `data` fields (several `data`
 * lines join with `\n`); one space after the colon is dropped; lines starting
 * with `:` are comments; other fields (`id`, `retry`) are ignored; a BOM at the
 * very start is skipped. Pure: no I/O.
 */

export interface SseEvent {
  /** The `event` field; null when the block had none. */
  event: string | null;
  data: string;
}

export class SseDecoder {
  /** An incomplete line carried over from the previous chunk. */
  private partial = '';
  /** The previous chunk ended with `\r`: a `\n` starting the next one belongs to it. */
  private pendingCR = false;
  private started = false;
  private event: string | null = null;
  /** The block's data lines joined so far; null before its first `data` line. */
  private data: string | null = null;
  private hasFields = false;

  /** Decodes the next piece of the stream; returns the events it completes, in order. */
  push(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    if (chunk === '') return out;
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.pendingCR) {
      this.pendingCR = false;
      if (chunk.charCodeAt(start) === 0x0a) start++;
    }
    // The common case: the line ending is `\n` alone, found with indexOf rather than a char loop.
    const hasCR = chunk.indexOf('\r', start) !== -1;
    for (;;) {
      const end = hasCR ? nextLineEnd(chunk, start) : chunk.indexOf('\n', start);
      if (end === -1) break;
      if (this.partial === '') {
        this.takeLine(chunk, start, end, out);
      } else {
        const line = this.partial + chunk.slice(start, end);
        this.partial = '';
        this.takeLine(line, 0, line.length, out);
      }
      start = end + 1;
      if (chunk.charCodeAt(end) === 0x0d) {
        if (end + 1 === chunk.length) {
          this.pendingCR = true;
        } else if (chunk.charCodeAt(end + 1) === 0x0a) {
          start++;
        }
      }
    }
    if (start < chunk.length) this.partial += chunk.slice(start);
    return out;
  }

  /** The stream ended: a last line without its ending still counts, and a block without its blank line is dispatched. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.takeLine(line, 0, line.length, out);
    }
    this.takeLine('', 0, 0, out);
    return out;
  }

  /**
   * The line `text[from, to)`, read in place: a fast stream has three lines per
   * token, and slicing each out before looking at it was the decoder's main cost.
   */
  private takeLine(text: string, from: number, to: number, out: SseEvent[]): void {
    if (from === to) {
      if (this.hasFields) out.push({ event: this.event, data: this.data ?? '' });
      this.event = null;
      this.data = null;
      this.hasFields = false;
      return;
    }
    let field: 'event' | 'data';
    let valueFrom: number;
    if (text.startsWith('data', from)) {
      field = 'data';
      valueFrom = from + 4;
    } else if (text.startsWith('event', from)) {
      field = 'event';
      valueFrom = from + 5;
    } else {
      // A comment (`:`), or a field we do not use (`id`, `retry`, anything else).
      return;
    }
    if (valueFrom < to) {
      // `datax: …` is another field; `data:value` and `data: value` are the same value.
      if (text.charCodeAt(valueFrom) !== 0x3a) return;
      valueFrom += text.charCodeAt(valueFrom + 1) === 0x20 ? 2 : 1;
    }
    const value = valueFrom >= to ? '' : text.slice(valueFrom, to);
    if (field === 'event') this.event = value;
    else this.data = this.data === null ? value : `${this.data}\n${value}`;
    this.hasFields = true;
  }
}

function nextLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
  }
  return -1;
}
