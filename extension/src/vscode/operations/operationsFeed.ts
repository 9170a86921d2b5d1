/**
 * One webview's stream of operations (the Agent Grid, the Studio's Build
 * tab): the list of every operation whenever one changes, and for each one
 * the webview watches a replay of its log, then its live events.
 *
 * The order is what makes a reload safe. Live events that arrive while a
 * replay is folding the log are held back, and after the replay only those
 * past its last event go out; from then on each event goes out once, in
 * order. The webview checks the numbering anyway and asks for a resync on a
 * gap, so a missed event is repaired, never shown as if nothing happened.
 *
 * Live events go out every BATCH_MS, all watched operations in one message:
 * 1,000 lines a second from each of four builds are 20 messages a second,
 * not 4,000 (nor 80: more, smaller messages made the grid fall behind).
 */
import type * as vscode from 'vscode';
import type { OperationEvent } from '../../core/operations/operationEvents';
import type { OperationView } from '../../core/operations/operationView';
import type { HostToWebview, OperationSummaryMsg } from '../../core/protocol';
import { log } from '../log';

export interface OperationsSource {
  readonly onDidChange: vscode.Event<void>;
  readonly onDidEvent: vscode.Event<{ id: string; event: OperationEvent }>;
  /** Every operation, newest first, after listing the state folder again. */
  summaries(): Promise<OperationSummaryMsg[]>;
  /** The operation's view folded from its log; undefined for an operation it does not know. */
  foldView(id: string): Promise<OperationView | undefined>;
}

const BATCH_MS = 50;
/** Events held for one operation while its replay folds; more means the replay is stale: it runs again. */
const MAX_HELD = 20_000;
/** Events in one message, and operations in one message (the protocol allows 10,000 and 100). */
const MAX_PER_MESSAGE = 5000;
const MAX_BATCHES = 50;

interface Watch {
  /** The last seq this webview was sent. */
  sentSeq: number;
  /** Live events that came while the replay folded, or undefined once it was sent. */
  held: OperationEvent[] | undefined;
  /** Events waiting for the next batch. */
  queued: OperationEvent[];
}

export class OperationsFeed implements vscode.Disposable {
  private readonly watches = new Map<string, Watch>();
  private readonly subscriptions: vscode.Disposable[];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly source: OperationsSource,
    private readonly post: (message: HostToWebview) => Promise<unknown>,
  ) {
    this.subscriptions = [source.onDidChange(() => void this.sendList()), source.onDidEvent(({ id, event }) => this.onEvent(id, event))];
    void this.sendList();
  }

  /** The operations the webview shows now: new ones are replayed, the others no longer streamed. */
  watch(ids: readonly string[]): void {
    const wanted = new Set(ids);
    for (const id of [...this.watches.keys()]) if (!wanted.has(id)) this.watches.delete(id);
    for (const id of wanted) if (!this.watches.has(id)) void this.replay(id);
  }

  /** The webview saw a gap in an operation's events: replay it again. */
  resync(id: string): void {
    if (this.watches.has(id)) void this.replay(id);
  }

  private async sendList(): Promise<void> {
    try {
      const operations = await this.source.summaries();
      if (!this.disposed) await this.post({ type: 'operations/list', operations });
    } catch (error) {
      log().warn(`The operations list could not be sent: ${String(error)}`);
    }
  }

  private async replay(id: string): Promise<void> {
    const watch: Watch = { sentSeq: 0, held: [], queued: [] };
    this.watches.set(id, watch);
    let view: OperationView | undefined;
    try {
      view = await this.source.foldView(id);
    } catch (error) {
      log().warn(`Operation ${id} could not be replayed: ${String(error)}`);
    }
    // Unwatched (or replayed again) while the log was read.
    if (this.disposed || this.watches.get(id) !== watch) return;
    if (!view) {
      this.watches.delete(id);
      return;
    }
    await this.post({ type: 'operations/replay', id, view });
    const held = watch.held ?? [];
    watch.held = undefined;
    watch.sentSeq = view.seq;
    for (const event of held) this.onEvent(id, event);
  }

  private onEvent(id: string, event: OperationEvent): void {
    const watch = this.watches.get(id);
    if (!watch) return;
    if (watch.held) {
      watch.held.push(event);
      if (watch.held.length > MAX_HELD) void this.replay(id);
      return;
    }
    if (event.seq <= watch.sentSeq) return;
    watch.sentSeq = event.seq;
    watch.queued.push(event);
    this.batchTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.batchTimer = undefined;
    if (this.disposed) return;
    let batches: { id: string; events: OperationEvent[] }[] = [];
    let count = 0;
    const send = () => {
      if (batches.length > 0) void this.post({ type: 'operations/events', batches });
      batches = [];
      count = 0;
    };
    for (const [id, watch] of this.watches) {
      const events = watch.queued.splice(0);
      for (let at = 0; at < events.length; ) {
        if (count >= MAX_PER_MESSAGE || batches.length >= MAX_BATCHES) send();
        const part = events.slice(at, at + MAX_PER_MESSAGE - count);
        batches.push({ id, events: part });
        count += part.length;
        at += part.length;
      }
    }
    send();
  }

  dispose(): void {
    this.disposed = true;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    for (const s of this.subscriptions) s.dispose();
    this.watches.clear();
  }
}
