/**
 * The webview's state: what the host last told us plus the user's view
 * choices (selection, pane sizes), which are persisted with `setState` so a
 * panel restored by its serializer comes back as it was left.
 *
 * Host messages replace whole values (`$state.raw`): a snapshot is the new
 * truth, not a patch, and nothing here mutates blueprints in place.
 */
import type { BlueprintEntry, HistoryState, HostToWebview, WebviewKind, WebviewToHost } from '../../../extension/src/core/protocol';
import { ChatState } from './chatState.svelte';
import { OperationsState } from './operationsState.svelte';
import { DEFAULT_SIZES, normalizeSizes, type PaneSizes } from './paneLayout';
import type { Bridge } from './vscode';

export interface WorkspaceInfo {
  workspaceName: string | null;
  trusted: boolean;
}

/** The last history the host sent, for one blueprint. */
export interface HistoryView {
  slug: string;
  history: HistoryState;
}

/** The last comparison the host sent. */
export interface DiffView {
  slug: string;
  revA: number;
  revB: number;
  text: string;
  sectionsChanged: string[];
}

/** The Preview pane's tabs: the spec, the selected blueprint's build, or its app served from the build's worktree. */
export type PreviewTab = 'spec' | 'build' | 'app';

export interface Notice {
  id: number;
  level: 'info' | 'error';
  text: string;
}

/** How many notices stay on screen; older ones drop off. */
const MAX_NOTICES = 3;
/** Info notices confirm something the user can already see; errors stay until dismissed. */
const INFO_NOTICE_MS = 8000;

export class AppState {
  readonly kind: WebviewKind;
  /** null until the host's `init` arrives. */
  workspace = $state.raw<WorkspaceInfo | null>(null);
  apiKeySet = $state<boolean | null>(null);
  /** Webview URI of `.orchard/references/`, for attached images and image references; null without a folder. */
  referencesBaseUri = $state<string | null>(null);
  /** null until the first snapshot arrives. */
  folderOpen = $state<boolean | null>(null);
  entries = $state.raw<BlueprintEntry[]>([]);
  /** What the user chose (or the host revealed); may name a file not in the snapshot yet. */
  selectedSlug = $state<string | null>(null);
  paneSizes = $state.raw<PaneSizes>([...DEFAULT_SIZES]);
  previewTab = $state<PreviewTab>('spec');
  notices = $state.raw<Notice[]>([]);
  /** Bumped on every `blueprint/reveal`, so a form can tell its create request succeeded. */
  revealCount = $state(0);
  /** Bumped on every error notice, so a form can stop waiting for its reveal. */
  errorCount = $state(0);
  history = $state.raw<HistoryView | null>(null);
  diff = $state.raw<DiffView | null>(null);
  /** Bumped by `history/show` so the History section opens and scrolls into view. */
  historyShowSeq = $state(0);
  /** The pane the host asked to focus (Ctrl/Cmd+1/2/3 through VS Code's keybindings), with a counter so a repeat still fires. */
  focusRequest = $state.raw<{ pane: 1 | 2 | 3; seq: number } | null>(null);

  /** The entry shown: the chosen one if it exists, else the first valid one (a first look should not open on an error), else the first. */
  readonly selected: BlueprintEntry | undefined = $derived(
    this.entries.find((e) => e.slug === this.selectedSlug) ?? this.entries.find((e) => e.ok) ?? this.entries[0],
  );

  readonly #bridge: Bridge;
  #noticeId = 0;
  /** The Architect conversation this surface shows. */
  readonly chat: ChatState;
  /** Builds this surface watches (the Agent Grid, the Studio's Build tab). */
  readonly operations: OperationsState;

  constructor(bridge: Bridge, kind: WebviewKind) {
    this.#bridge = bridge;
    this.kind = kind;
    this.chat = new ChatState({ post: (m) => this.post(m), select: (slug) => this.select(slug) });
    this.operations = new OperationsState((m) => this.post(m));
    const saved = bridge.getState();
    this.selectedSlug = saved.selectedSlug;
    this.paneSizes = normalizeSizes(saved.paneSizes);
    this.previewTab = saved.previewTab;
  }

  /** Starts listening and tells the host we are ready; returns the disposer. */
  connect(): () => void {
    const stop = this.#bridge.onMessage((m) => this.handle(m));
    this.post({ type: 'ready' });
    return stop;
  }

  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'init':
        this.workspace = { workspaceName: message.workspaceName, trusted: message.trusted };
        this.apiKeySet = message.apiKeySet;
        this.referencesBaseUri = message.referencesBaseUri ?? null;
        break;
      case 'blueprints/snapshot':
        this.folderOpen = message.folderOpen;
        this.entries = message.entries;
        break;
      case 'apiKey/status':
        this.apiKeySet = message.set;
        break;
      case 'blueprint/reveal':
        this.select(message.slug);
        this.revealCount++;
        break;
      case 'history/result':
        this.history = { slug: message.slug, history: message.history };
        break;
      case 'history/diff':
        this.diff = { slug: message.slug, revA: message.revA, revB: message.revB, text: message.text, sectionsChanged: message.sectionsChanged };
        break;
      case 'history/show':
        this.select(message.slug);
        this.historyShowSeq++;
        break;
      case 'studio/focusPane':
        this.focusRequest = { pane: message.pane, seq: (this.focusRequest?.seq ?? 0) + 1 };
        break;
      case 'chat/transcript':
      case 'chat/turnStarted':
      case 'chat/delta':
      case 'chat/activity':
      case 'chat/turnEnded':
        this.chat.handle(message);
        break;
      case 'operations/list':
      case 'operations/replay':
      case 'operations/events':
      case 'preview/state':
        this.operations.handle(message);
        break;
      case 'notice': {
        const id = ++this.#noticeId;
        this.notices = [...this.notices, { id, level: message.level, text: message.text }].slice(-MAX_NOTICES);
        if (message.level === 'error') {
          this.errorCount++;
          // The host answers a refused chat/send or chat/retry with an error notice.
          this.chat.requestFailed();
        } else {
          setTimeout(() => this.dismissNotice(id), INFO_NOTICE_MS);
        }
        break;
      }
    }
  }

  post(message: WebviewToHost): void {
    this.#bridge.post(message);
  }

  select(slug: string): void {
    this.selectedSlug = slug;
    this.#persist();
  }

  /** `persist` is false while a drag is in progress: state is written once, on release. */
  setPaneSizes(sizes: PaneSizes, persist = true): void {
    this.paneSizes = sizes;
    if (persist) this.#persist();
  }

  setPreviewTab(tab: PreviewTab): void {
    this.previewTab = tab;
    this.#persist();
  }

  /** Build in the Plan pane: the host confirms and starts it, the Preview pane follows it. */
  requestBuild(slug: string): void {
    this.post({ type: 'build/request', slug });
    this.setPreviewTab('build');
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  #persist(): void {
    this.#bridge.setState({ selectedSlug: this.selectedSlug, paneSizes: [...this.paneSizes], previewTab: this.previewTab });
  }
}
