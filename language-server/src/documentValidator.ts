/**
 * Per open document: its last validation (with the parsed tree the next edit
 * reuses) and the other files it depends on. Edits arriving in one burst are
 * coalesced without a fixed delay: validation runs on `setImmediate` after the
 * change that scheduled it, for the latest version only, and a result is
 * published only if it is still the latest when it is done.
 *
 * No validation holds up the others or the editor's requests: scheduled
 * documents are validated one at a time, each in slices of a few milliseconds
 * (validateFileSteps: a tree chunk, a memory check), with a turn of the event
 * loop between slices and between documents, so a hover or a completion in a
 * small file is answered while a large one is being checked. A validation
 * whose document changed meanwhile is dropped at its next slice.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { publishedDiagnostics } from '../../extension/src/core/validation/fileLimits';
import { validateFileSteps, type FileValidation, type ValidationContext } from '../../extension/src/core/validation/validateFiles';
import { toLspDiagnostic } from './toLsp';
import { pathToUri, uriToPath, type ServerFs } from './serverFs';
import type { WorkspaceFolders } from './workspaceFolders';

export interface DocumentState {
  uri: string;
  path: string;
  version: number;
  /** The invalidation tick this validation saw; an invalidation after it makes the state stale. */
  tick: number;
  context: ValidationContext;
  /** Undefined when no validator owns the file (it matched the client's selector but not this folder's globs). */
  validation: FileValidation | undefined;
  /** Other files whose change can change the diagnostics (found by the validation itself). */
  dependencies: readonly string[];
}

/** How long one slice of a validation runs before the server answers what else is waiting. */
const SLICE_MS = 8;

/**
 * One turn of the event loop, and the messages that arrived in it: vscode-jsonrpc handles incoming
 * messages on its own setImmediate, queued after ours, so we wait for a second one behind it.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

export class DocumentValidator {
  private readonly states = new Map<string, DocumentState>();
  private readonly inflight = new Map<string, Promise<DocumentState | undefined>>();
  /** uri -> tick of its last invalidation (a dependency changed, settings changed...). */
  private readonly dirty = new Map<string, number>();
  private tick = 0;
  /** Documents waiting for validation, oldest first; one is validated at a time. */
  private readonly queue = new Set<string>();
  private draining = false;
  private readonly published = new Map<string, { version: number; tick: number }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly fs: ServerFs,
    private readonly folders: WorkspaceFolders,
  ) {}

  /** Validates (and publishes) from the next turn of the event loop, once for all changes of this turn. */
  schedule(uri: string): void {
    this.queue.add(uri);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (let uri = this.queue.values().next(); !uri.done; uri = this.queue.values().next()) {
        this.queue.delete(uri.value);
        await this.publish(uri.value);
        // Requests and edits that came in meanwhile are handled before the next document.
        await nextTurn();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Marks documents stale (their dependencies or settings changed) and validates them again. */
  invalidate(uris: Iterable<string>): void {
    const tick = ++this.tick;
    for (const uri of uris) {
      this.dirty.set(uri, tick);
      this.schedule(uri);
    }
  }

  /** Open documents whose diagnostics may change when `path` (a file or a folder) changes. */
  dependentsOf(path: string): string[] {
    const folder = `${path}/`;
    const result: string[] = [];
    for (const state of this.states.values()) {
      if (state.path === path) continue;
      if (state.dependencies.some((d) => d === path || d.startsWith(folder))) result.push(state.uri);
    }
    return result;
  }

  /** Open documents of a kind under a root (memory files when a file appears or disappears). */
  documentsWhere(test: (state: DocumentState) => boolean): string[] {
    return [...this.states.values()].filter(test).map((s) => s.uri);
  }

  /** The state for the document's current text, validating now if needed. */
  async current(uri: string): Promise<DocumentState | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const document = this.documents.get(uri);
      if (!document) return undefined;
      const state = this.states.get(uri);
      if (state && this.isFresh(state, document)) return state;
      const running = this.inflight.get(uri);
      const next = running ?? this.validate(document);
      if (!running) {
        this.inflight.set(uri, next);
        void next.finally(() => this.inflight.get(uri) === next && this.inflight.delete(uri));
      }
      const result = await next;
      // Another edit may have arrived while the settings were read; go round again for it.
      const latest = this.documents.get(uri);
      if (result && latest && this.isFresh(result, latest)) return result;
    }
    return this.states.get(uri);
  }

  forget(uri: string): void {
    this.states.delete(uri);
    this.dirty.delete(uri);
    this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  forgetAll(): void {
    this.invalidate([...this.states.keys()]);
  }

  private isFresh(state: DocumentState, document: TextDocument): boolean {
    return state.version === document.version && (this.dirty.get(state.uri) ?? 0) <= state.tick;
  }

  private async validate(document: TextDocument): Promise<DocumentState | undefined> {
    const path = uriToPath(document.uri);
    if (!path) return undefined;
    const tick = this.tick;
    const context = await this.folders.contextFor(path);
    // The text may have moved on while the settings were read: validate what is there now.
    const latest = this.documents.get(document.uri);
    if (!latest) return undefined;
    const previous = this.states.get(document.uri);
    const started = performance.now();
    const steps = validateFileSteps(path, latest.getText(), context, previous?.validation?.tree);
    let validation: FileValidation | undefined;
    for (let sliceEnd = performance.now() + SLICE_MS; ; ) {
      const step = steps.next();
      if (step.done) {
        validation = step.value;
        break;
      }
      if (performance.now() < sliceEnd) continue;
      await nextTurn();
      if (this.documents.get(latest.uri)?.version !== latest.version) {
        // Edited (or closed) meanwhile: the rest of this validation would describe text that is gone.
        steps.return(undefined);
        return undefined;
      }
      sliceEnd = performance.now() + SLICE_MS;
    }
    const elapsed = performance.now() - started;
    if (elapsed > 200) this.connection.console.info(`Validated ${path} in ${elapsed.toFixed(0)} ms`);
    const dependencies = validation?.dependencies ?? (validation?.kind === 'memory' ? [] : (previous?.dependencies ?? []));
    const state: DocumentState = { uri: latest.uri, path, version: latest.version, tick, context, validation, dependencies };
    this.states.set(latest.uri, state);
    return state;
  }

  private async publish(uri: string): Promise<void> {
    let state: DocumentState | undefined;
    try {
      state = await this.current(uri);
    } catch (error) {
      // A bug in a validator or in the settings must not take the server down.
      this.connection.console.error(`Validating ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return;
    }
    const document = this.documents.get(uri);
    // Closed, or a newer version arrived: its own run publishes.
    if (!state || !document || !this.isFresh(state, document)) return;
    const last = this.published.get(uri);
    if (last && last.version === state.version && last.tick === state.tick) return;
    this.published.set(uri, { version: state.version, tick: state.tick });
    const diagnostics = publishedDiagnostics(state.validation?.diagnostics ?? []).map((d) => toLspDiagnostic(d, (p) => this.uriOf(p)));
    void this.connection.sendDiagnostics({ uri, version: state.version, diagnostics });
  }

  /** The open document's own URI (same encoding VS Code used), else one made from the path. */
  uriOf(path: string): string {
    return this.fs.openDocument(path)?.uri ?? pathToUri(path);
  }
}
