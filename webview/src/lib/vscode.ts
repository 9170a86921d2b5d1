/**
 * The one wrapper around `acquireVsCodeApi()`. Components never touch the
 * global API or `window` messages directly: they get a `Bridge`, which
 * validates what comes in (host messages, restored state) and what goes out.
 *
 * Outside a VS Code webview (component tests, a plain browser) the bridge
 * runs on `MemoryVsCodeApi`, which records posted messages and keeps state in
 * memory so the same components run unchanged.
 */
import {
  HostToWebview,
  parseHostMessage,
  parseWebviewMessage,
  StudioViewState,
  type WebviewToHost,
} from '../../../extension/src/core/protocol';

/** The subset of VS Code's webview API we use. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Injected by VS Code into every webview; may be called only once per page.
  function acquireVsCodeApi(): VsCodeApi;
}

/** In-memory stand-in for tests and plain browsers. */
export class MemoryVsCodeApi implements VsCodeApi {
  readonly posted: unknown[] = [];
  state: unknown;

  constructor(initialState?: unknown) {
    this.state = initialState;
  }

  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  getState(): unknown {
    return this.state;
  }
  setState(state: unknown): void {
    this.state = state;
  }
}

export interface Bridge {
  post(message: WebviewToHost): void;
  /** The persisted view state, or the defaults when none was saved or it no longer parses. */
  getState(): StudioViewState;
  setState(state: StudioViewState): void;
  /** Listen for validated host messages; returns a function that stops listening. */
  onMessage(handler: (message: HostToWebview) => void): () => void;
}

const LOG_PREFIX = '[orchard webview]';

export function createBridge(api: VsCodeApi, target: Window = window): Bridge {
  /** Tell the host, so the problem lands in the Orchard log where users and we look first. */
  const report = (text: string) => {
    console.warn(`${LOG_PREFIX} ${text}`);
    api.postMessage({ type: 'webview/problem', text: text.slice(0, 500) } satisfies WebviewToHost);
  };
  return {
    post(message) {
      // Types already constrain callers; this catches runtime values (e.g. a
      // slug from a stale snapshot) before the host has to reject them.
      const parsed = parseWebviewMessage(message);
      if (!parsed.ok) {
        report(`not sending an invalid ${String((message as { type?: unknown }).type)} message (${parsed.reason})`);
        return;
      }
      api.postMessage(parsed.message);
    },

    getState() {
      const parsed = StudioViewState.safeParse(api.getState() ?? {});
      // State written by an older version may not parse; starting from the
      // defaults beats a webview that fails to mount.
      return parsed.success ? parsed.data : StudioViewState.parse({});
    },

    setState(state) {
      api.setState(state);
    },

    onMessage(handler) {
      const listener = (event: MessageEvent) => {
        const parsed = parseHostMessage(event.data);
        if (!parsed.ok) {
          report(`dropped a malformed host message (${parsed.reason})`);
          return;
        }
        handler(parsed.message);
      };
      target.addEventListener('message', listener);
      return () => target.removeEventListener('message', listener);
    },
  };
}

/** The real API inside VS Code, the in-memory one elsewhere. Call once per page. */
export function acquireApi(): VsCodeApi {
  return typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : new MemoryVsCodeApi();
}
