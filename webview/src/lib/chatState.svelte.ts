/**
 * One surface's view of one blueprint's conversation with the Architect.
 *
 * The host owns the conversation: `chat/transcript` is the whole truth (final
 * messages only), the turn messages patch it while a turn runs. Streamed text
 * is collected in a plain string and published at most once per animation
 * frame, so a host sending hundreds of deltas a second costs one Markdown
 * render per frame. Nothing here is persisted: after a reload the surface asks
 * for the transcript again (`chat/open`).
 */
import { redactCredentials } from '../../../extension/src/core/chat/credentials';
import type { ChatMessageMsg, HostToWebview, ImageAttachment, UsageMsg, WebviewToHost } from '../../../extension/src/core/protocol';

type ChatHostMessage = Extract<HostToWebview, { type: `chat/${string}` }>;

export interface StreamingTurn {
  turnId: string;
  text: string;
}

/** How the last turn ended when it did not simply finish. */
export interface TurnProblem {
  turnId: string;
  outcome: 'stopped' | 'failed';
  error: string | null;
  retryable: boolean;
}

/** A message sent and not yet acknowledged by `chat/turnStarted`. */
interface PendingSend {
  slug: string | null;
  /**
   * The text as the host keeps it: with credentials removed (the same pure
   * function the host runs), so the stored message the host echoes is
   * recognised as ours.
   */
  text: string;
}

export interface ChatStateOptions {
  post: (message: WebviewToHost) => void;
  /** Make a blueprint the selected one (the host created it from our first message). */
  select: (slug: string) => void;
  /** Runs `flush` before the next paint; tests pass their own. */
  scheduleFrame?: (flush: () => void) => void;
  /** A clock in milliseconds; tests pass their own. */
  now?: () => number;
}

const RETRY_ANSWER_TIMEOUT_MS = 15_000;

/** One frame at 60 Hz: deltas closer together than this share a render. */
const FRAME_MS = 16;

const defaultScheduler = (flush: () => void) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
};

export class ChatState {
  /** The blueprint whose conversation is shown; null for a new conversation (the first send creates the blueprint). */
  slug = $state<string | null>(null);
  /** The user chose "New blueprint": show an empty conversation even though blueprints exist. */
  drafting = $state(false);
  /** Whether the transcript for `slug` has arrived. */
  loaded = $state(false);
  messages = $state.raw<ChatMessageMsg[]>([]);
  total = $state.raw<UsageMsg | null>(null);
  /** Provider and model line from the last transcript; null when none is configured. */
  provider = $state<string | null>(null);
  runningTurnId = $state<string | null>(null);
  streaming = $state.raw<StreamingTurn | null>(null);
  activity = $state<string | null>(null);
  problem = $state.raw<TurnProblem | null>(null);
  /** Message ids whose turn was stopped (this session only: the transcript does not record it). */
  stoppedIds = $state.raw<ReadonlySet<string>>(new Set());
  /** Bumped when the host accepts our message, so the composer can clear itself. */
  acceptedCount = $state(0);
  /** Bumped when the host turns our message down without starting a turn. */
  refusedCount = $state(0);
  /** A retry was asked for and the host has not answered yet. */
  retrying = $state(false);

  readonly #options: ChatStateOptions;
  readonly #schedule: (flush: () => void) => void;
  /** Row keys for final messages that replaced a streamed one, so the list keeps that row (and its height). */
  readonly #rowKeys = new Map<string, string>();
  #pending = $state.raw<PendingSend | null>(null);
  /** The last turn that ended: a late delta for it must not start a phantom stream. */
  #endedTurn: string | null = null;
  #buffer = '';
  #bufferTurn: string | null = null;
  #frameRequested = false;
  #lastFlushAt = -Infinity;
  readonly #now: () => number;

  constructor(options: ChatStateOptions) {
    this.#options = options;
    this.#schedule = options.scheduleFrame ?? defaultScheduler;
    this.#now = options.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.runningTurnId !== null;
  }

  /** Show `slug`'s conversation (null: a new one) and ask the host for it; nothing happens if it is already shown. */
  show(slug: string | null): void {
    if (slug === this.slug && (slug !== null || this.loaded)) return;
    const pending = this.#pending;
    this.#reset();
    // The first message of a new conversation is answered in the blueprint the host creates, which
    // the snapshot may list (and the view select) before its turnStarted arrives: keep waiting for it.
    // Any other message is not coming back here: free the composer.
    if (pending && pending.slug === null && slug !== null) this.#pending = pending;
    else if (pending) this.refusedCount++;
    this.slug = slug;
    if (slug === null) {
      // A new conversation has no transcript to wait for.
      this.loaded = true;
      return;
    }
    this.#options.post({ type: 'chat/open', slug });
  }

  /** "New blueprint": an empty conversation whose first message creates the blueprint. */
  startNew(): void {
    this.drafting = true;
    this.show(null);
  }

  /** Leave a new conversation that was never sent (the user picked a blueprint instead). */
  stopDrafting(): void {
    this.drafting = false;
  }

  rowKey(message: ChatMessageMsg): string {
    return this.#rowKeys.get(message.id) ?? message.id;
  }

  send(text: string, attachments: ImageAttachment[]): void {
    this.#pending = { slug: this.slug, text: redactCredentials(text).text };
    this.problem = null;
    this.#options.post({ type: 'chat/send', slug: this.slug, text, attachments });
  }

  stop(): void {
    if (this.slug && this.runningTurnId) this.#options.post({ type: 'chat/stop', slug: this.slug, turnId: this.runningTurnId });
  }

  retry(): void {
    if (!this.slug || this.retrying) return;
    this.retrying = true;
    this.#options.post({ type: 'chat/retry', slug: this.slug });
    // A host that never answers must not leave Retry disabled for good.
    const slug = this.slug;
    setTimeout(() => {
      if (this.retrying && this.slug === slug && !this.running) this.retrying = false;
    }, RETRY_ANSWER_TIMEOUT_MS);
  }

  /** The host reported an error while we waited: let the composer and Retry be used again. */
  requestFailed(): void {
    if (this.#pending) {
      this.#pending = null;
      this.refusedCount++;
    }
    this.retrying = false;
  }

  get waitingForHost(): boolean {
    return this.#pending !== null;
  }

  handle(message: ChatHostMessage): void {
    if (message.type === 'chat/turnStarted' && message.slug !== this.slug) this.#maybeAdopt(message.slug, message.message);
    if (message.slug !== this.slug) return;
    switch (message.type) {
      case 'chat/transcript':
        this.#applyTranscript(message);
        break;
      case 'chat/turnStarted':
        this.messages = upsert(this.messages, message.message);
        // Also when the host repeats a running turn's start after chat/open: it then sends everything
        // streamed so far as one delta, so anything this surface already had would be doubled.
        this.#buffer = '';
        this.#bufferTurn = message.turnId;
        this.activity = null;
        this.runningTurnId = message.turnId;
        this.streaming = { turnId: message.turnId, text: '' };
        this.problem = null;
        this.retrying = false;
        // Matched on the text: another surface's turn in this blueprint is not ours (the host refuses ours then).
        if (this.#pending && this.#pending.text === message.message.content) {
          this.#pending = null;
          this.acceptedCount++;
        }
        break;
      case 'chat/delta':
        if (this.runningTurnId !== null ? this.runningTurnId !== message.turnId : this.#endedTurn === message.turnId) return;
        // After a reload the deltas of a running turn may arrive before its transcript.
        this.runningTurnId ??= message.turnId;
        if (this.#bufferTurn !== message.turnId) {
          this.#bufferTurn = message.turnId;
          this.#buffer = '';
        }
        this.#buffer += message.text;
        this.#requestFrame();
        break;
      case 'chat/activity':
        if (this.runningTurnId === null || this.runningTurnId === message.turnId) this.activity = message.text;
        break;
      case 'chat/turnEnded':
        this.#endTurn(message);
        break;
    }
  }

  /** Publishes buffered deltas now (the frame callback, and before a turn's end replaces them). */
  flush(): void {
    this.#frameRequested = false;
    this.#lastFlushAt = this.#now();
    if (this.#bufferTurn === null || this.#bufferTurn !== this.runningTurnId) return;
    if (this.streaming?.turnId === this.#bufferTurn && this.streaming.text.length === this.#buffer.length) return;
    this.streaming = { turnId: this.#bufferTurn, text: this.#buffer };
  }

  /**
   * A delta after a quiet frame is shown at once (waiting for the next frame
   * would only add latency); deltas closer together wait for one frame and
   * are rendered together.
   */
  #requestFrame(): void {
    if (this.#frameRequested) return;
    if (this.#now() - this.#lastFlushAt >= FRAME_MS) {
      this.flush();
      return;
    }
    this.#frameRequested = true;
    this.#schedule(() => this.flush());
  }

  /**
   * The host created a blueprint from the message we sent with `slug: null`:
   * follow the conversation there. Matched on the text, so a turn another
   * surface started meanwhile is not mistaken for ours.
   */
  #maybeAdopt(slug: string, message: ChatMessageMsg): void {
    const pending = this.#pending;
    if (!pending || pending.slug !== null || this.slug !== null || message.content !== pending.text) return;
    this.drafting = false;
    this.#reset();
    this.slug = slug;
    this.#pending = pending;
    this.#options.select(slug);
    // The transcript brings the provider line and the total; the turn itself is handled by the caller.
    this.#options.post({ type: 'chat/open', slug });
  }

  #applyTranscript(message: Extract<ChatHostMessage, { type: 'chat/transcript' }>): void {
    this.messages = message.messages;
    this.total = message.total;
    this.provider = message.provider;
    this.loaded = true;
    this.runningTurnId = message.runningTurnId;
    // Partial text is never stored: for a running turn the host follows the transcript with
    // everything streamed so far as one delta, so what arrived before the transcript is dropped.
    this.#buffer = '';
    this.#bufferTurn = message.runningTurnId;
    this.activity = null;
    this.streaming = message.runningTurnId === null ? null : { turnId: message.runningTurnId, text: '' };
  }

  #endTurn(message: Extract<ChatHostMessage, { type: 'chat/turnEnded' }>): void {
    if (this.runningTurnId !== null && this.runningTurnId !== message.turnId) return;
    const streamed = this.streaming?.turnId === message.turnId;
    if (message.message) {
      if (streamed) this.#rowKeys.set(message.message.id, streamingRowKey(message.turnId));
      this.messages = upsert(this.messages, message.message);
      if (message.outcome === 'stopped') this.stoppedIds = new Set([...this.stoppedIds, message.message.id]);
    }
    this.total = message.total;
    this.#endedTurn = message.turnId;
    this.runningTurnId = null;
    this.streaming = null;
    this.activity = null;
    this.#buffer = '';
    this.#bufferTurn = null;
    this.retrying = false;
    this.problem =
      message.outcome === 'done'
        ? null
        : { turnId: message.turnId, outcome: message.outcome, error: message.error ?? null, retryable: message.retryable ?? false };
    // A turn that failed before it started (no turnStarted reached us) refused our message.
    if (this.#pending) {
      this.#pending = null;
      this.refusedCount++;
    }
  }

  #reset(): void {
    this.loaded = false;
    this.messages = [];
    this.total = null;
    this.provider = null;
    this.runningTurnId = null;
    this.streaming = null;
    this.activity = null;
    this.problem = null;
    this.stoppedIds = new Set();
    this.retrying = false;
    this.#pending = null;
    this.#buffer = '';
    this.#bufferTurn = null;
  }
}

/** The list row of a streaming message; the final message keeps it. */
export function streamingRowKey(turnId: string): string {
  return `turn:${turnId}`;
}

/** Appends `message`, or replaces the one with its id (a transcript may already hold it). */
function upsert(messages: ChatMessageMsg[], message: ChatMessageMsg): ChatMessageMsg[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.id === message.id) {
      const copy = messages.slice();
      copy[i] = message;
      return copy;
    }
  }
  return [...messages, message];
}
