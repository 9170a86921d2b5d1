/**
 * The operations one surface shows (the Agent Grid, the Studio's Build tab):
 * the host's list of every operation, and for each watched one its view,
 * replayed from the log and then kept up by folding the live events with
 * the same pure fold the host uses (core/operations/operationView.ts).
 *
 * Events are applied strictly in order: an event already seen is skipped,
 * one after a gap asks the host for a resync, so a card never shows an event
 * twice and never silently misses one. Terminal text goes to the cards'
 * terminals as it comes (a listener per card), not through Svelte state: a
 * terminal appends, it does not re-render.
 */
import { SvelteMap } from 'svelte/reactivity';
import { applyViewEvents, type OperationView } from '../../../extension/src/core/operations/operationView';
import type { OperationEvent } from '../../../extension/src/core/operations/operationEvents';
import type { HostToWebview, OperationAction, OperationSummaryMsg, PreviewStateMsg, WebviewToHost } from '../../../extension/src/core/protocol';
import { MAX_WATCHED_OPERATIONS } from '../../../extension/src/core/protocol';

type OperationsMessage = Extract<HostToWebview, { type: `operations/${string}` | 'preview/state' }>;
/** Terminal text for a card: `reset` replaces what it shows (a replay), otherwise append. */
export type TerminalListener = (text: string, reset: boolean) => void;

declare global {
  interface Window {
    /** Events applied per operation, with the seqs seen twice or skipped: read by the e2e test and the benchmark. */
    __orchardOperationEvents?: Record<string, OperationTrace>;
  }
}

/** What one surface saw of an operation's events: the e2e test's and the benchmark's evidence. */
export interface OperationTrace {
  /** Seqs applied live after the replay, in order (the last 1,000 to 2,000). */
  applied: number[];
  lastSeq: number;
  duplicates: number;
  gaps: number;
  replays: number;
  /** Date.now() when the surface asked for it, when its replay arrived, and the frame after. */
  watchedAt?: number;
  replayedAt?: number;
  paintedAt?: number;
  /** Milliseconds from an event's time (when its runner logged it) to its being applied here; the last 5,000. */
  lagMs: number[];
}

export class OperationsState {
  /** null until the host's first list. */
  list = $state.raw<OperationSummaryMsg[] | null>(null);
  readonly views = new SvelteMap<string, OperationView>();
  /** Live previews of builds' apps, by operation (the Studio's App tab). */
  readonly previews = new SvelteMap<string, PreviewStateMsg>();
  readonly #post: (message: WebviewToHost) => void;
  readonly #terminals = new Map<string, Set<TerminalListener>>();
  #watched: string[] | undefined;

  constructor(post: (message: WebviewToHost) => void) {
    this.#post = post;
  }

  /** The operations shown now (the host replays each new one); an empty list still subscribes to the list. */
  watch(ids: readonly string[]): void {
    const next = [...new Set(ids)].slice(0, MAX_WATCHED_OPERATIONS);
    if (this.#watched && next.length === this.#watched.length && next.every((id, i) => id === this.#watched![i])) return;
    const before = this.#watched ?? [];
    this.#watched = next;
    for (const id of next) if (!before.includes(id)) this.#trace(id).watchedAt = Date.now();
    for (const id of [...this.views.keys()]) if (!next.includes(id)) this.views.delete(id);
    this.#post({ type: 'operations/watch', ids: next });
  }

  startPreview(id: string): void {
    this.#post({ type: 'preview/start', id });
  }

  stopPreview(id: string): void {
    this.#post({ type: 'preview/stop', id });
  }

  act(id: string, action: OperationAction): void {
    this.#post({ type: 'operations/action', id, action });
  }

  /** A blueprint's newest operation (the list is newest first): what the Build and App tabs show. */
  latestOf(slug: string | undefined): OperationSummaryMsg | undefined {
    return slug ? this.list?.find((s) => s.operation.slug === slug) : undefined;
  }

  summary(id: string): OperationSummaryMsg | undefined {
    return this.list?.find((s) => s.operation.id === id);
  }

  /** Calls `listener` with the terminal text so far, then with what comes; returns the unsubscriber. */
  onTerminal(id: string, listener: TerminalListener): () => void {
    let set = this.#terminals.get(id);
    if (!set) this.#terminals.set(id, (set = new Set()));
    set.add(listener);
    const view = this.views.get(id);
    if (view) listener(view.terminal, true);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#terminals.delete(id);
    };
  }

  handle(message: OperationsMessage): void {
    switch (message.type) {
      case 'preview/state':
        this.previews.set(message.preview.id, message.preview);
        return;
      case 'operations/list':
        this.list = message.operations;
        return;
      case 'operations/replay': {
        if (!this.#watched?.includes(message.id)) return;
        this.views.set(message.id, message.view);
        const trace = this.#trace(message.id);
        trace.replays++;
        trace.lastSeq = message.view.seq;
        trace.replayedAt = Date.now();
        requestAnimationFrame(() => (trace.paintedAt = Date.now()));
        for (const listener of this.#terminals.get(message.id) ?? []) listener(message.view.terminal, true);
        return;
      }
      case 'operations/events':
        for (const batch of message.batches) this.#apply(batch.id, batch.events);
        return;
    }
  }

  #apply(id: string, events: readonly OperationEvent[]): void {
    const view = this.views.get(id);
    // Not replayed yet (or no longer watched): the replay will hold these.
    if (!view) return;
    const trace = this.#trace(id);
    const now = Date.now();
    for (const event of events) {
      trace.lagMs.push(now - Date.parse(event.time));
      if (event.seq <= trace.lastSeq) trace.duplicates++;
      else if (event.seq === trace.lastSeq + 1) {
        trace.applied.push(event.seq);
        trace.lastSeq = event.seq;
      }
    }
    if (trace.applied.length > 2000) trace.applied.splice(0, trace.applied.length - 1000);
    if (trace.lagMs.length > 10_000) trace.lagMs.splice(0, trace.lagMs.length - 5000);
    const { view: next, gap, terminal } = applyViewEvents(view, events);
    this.views.set(id, next);
    if (terminal) for (const listener of this.#terminals.get(id) ?? []) listener(terminal, false);
    if (gap) {
      trace.gaps++;
      this.#post({ type: 'operations/resync', id });
    }
  }

  #trace(id: string) {
    const traces = (window.__orchardOperationEvents ??= {});
    return (traces[id] ??= { applied: [], lastSeq: 0, duplicates: 0, gaps: 0, replays: 0, lagMs: [] });
  }
}
