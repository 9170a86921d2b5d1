import * as vscode from 'vscode';
import type { FileEntry } from '../../core/blueprint/blueprintFile';
import { REFERENCES_DIR } from '../../core/workspacePaths';
import { parseWebviewMessage, type HostToWebview, type WebviewKind, type WebviewToHost } from '../../core/protocol';
import type { BlueprintIndex } from '../blueprints/blueprintIndex';
import type { BlueprintWorkspace } from '../../orchestration/blueprints/blueprintWorkspace';
import type { ChatService, ChatSurface } from '../chat/chatService';
import { CommandId } from '../commands/commandIds';
import { log } from '../log';
import type { ApiKeyStore } from '../secrets';
import { OperationsFeed, type OperationsSource } from '../operations/operationsFeed';
import type { OperationsHost } from '../operations/operationsHost';
import type { PreviewHost } from '../operations/previewHost';

export interface SessionServices {
  readonly index: BlueprintIndex;
  readonly apiKeys: ApiKeyStore;
  /** The open folder's blueprint use cases; undefined when no folder is open. */
  readonly blueprints: BlueprintWorkspace | undefined;
  readonly chat: ChatService;
  /** Builds and their events, for the Agent Grid and the Studio's Build tab (loaded on the first watch). */
  readonly operations: () => OperationsSource & Pick<OperationsHost, 'act'>;
  /** Live previews of builds' apps (the Studio's App tab). */
  readonly previews: () => PreviewHost;
}

/**
 * One webview's conversation with the host, for as long as that webview
 * lives: validates what arrives, answers it, and pushes blueprint changes.
 * The Studio panel and the sidebar Architect view each own one.
 */
export class WebviewSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** This webview as the chat service sees it: every chat message reaches it. */
  private readonly surface: ChatSurface = { post: (message) => this.post(message) };
  /** Made on the webview's first `operations/watch`: a Studio that never shows builds loads no operations code. */
  private feed: OperationsFeed | undefined;
  /** Set on the first `preview/start`: this Studio's previews stop when it closes. */
  private previews: PreviewHost | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly kind: WebviewKind,
    private readonly services: SessionServices,
  ) {
    this.disposables.push(
      services.chat.attach(this.surface),
      webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      services.index.onDidChange((entries) => void this.sendSnapshot(entries)),
      services.apiKeys.onDidChange((set) => void this.post({ type: 'apiKey/status', set })),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendInit()),
    );
  }

  /** Ask the webview to show a blueprint (it may not have loaded yet; it also restores its own selection). */
  reveal(slug: string): void {
    void this.post({ type: 'blueprint/reveal', slug });
  }

  /** Handles messages that arrived before this session existed, in order. */
  replay(messages: readonly unknown[]): void {
    void (async () => {
      for (const raw of messages) await this.receive(raw);
    })();
  }

  /** Open the History section of a blueprint (the Blueprint History command). */
  showHistory(slug: string): void {
    void this.post({ type: 'history/show', slug });
  }

  focusPane(pane: 1 | 2 | 3): void {
    void this.post({ type: 'studio/focusPane', pane });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      log().warn(`Dropped a malformed message from the ${this.kind} webview (${parsed.reason})`);
      return;
    }
    try {
      await this.handle(parsed.message);
    } catch (error) {
      log().error(`Handling ${parsed.message.type} from the ${this.kind} webview failed: ${String(error)}`);
      await this.post({ type: 'notice', level: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A webview that loads again (shown after being hidden, reloaded) starts with nothing:
        // its operations feed starts over with its next watch (the list, then a replay per card).
        this.feed?.dispose();
        this.feed = undefined;
        await this.sendInit();
        await this.sendSnapshot(await this.services.index.list());
        return;
      case 'blueprint/create': {
        const blueprints = this.services.blueprints;
        if (!blueprints) {
          await this.post({ type: 'notice', level: 'error', text: 'Open a folder first: blueprints are saved in its .orchard/blueprints folder.' });
          return;
        }
        const slug = await blueprints.create(message.featureName, message.summary);
        await this.post({ type: 'blueprint/reveal', slug });
        await this.post({ type: 'notice', level: 'info', text: `Created .orchard/blueprints/${slug}.json` });
        return;
      }
      case 'blueprint/openFile': {
        const uri = this.knownUri(message.slug);
        if (uri) await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: true });
        return;
      }
      case 'build/request':
        if (this.knownUri(message.slug)) await vscode.commands.executeCommand(CommandId.buildBlueprint, message.slug);
        return;
      case 'apiKey/set':
        await vscode.commands.executeCommand(CommandId.setApiKey);
        return;
      case 'studio/open':
        await vscode.commands.executeCommand(CommandId.openStudio, message.slug);
        return;
      case 'webview/problem':
        log().warn(`The ${this.kind} webview reported: ${message.text}`);
        return;
      case 'history/request':
        await this.sendHistory(message.slug);
        return;
      case 'history/compare': {
        const blueprints = this.knownBlueprints(message.slug);
        if (!blueprints) return;
        const { text, sectionsChanged } = await blueprints.compare(message.slug, message.revA, message.revB);
        await this.post({ type: 'history/diff', slug: message.slug, revA: message.revA, revB: message.revB, text, sectionsChanged });
        return;
      }
      case 'history/restore': {
        const blueprints = this.knownBlueprints(message.slug);
        if (blueprints && (await confirmRestore(message.slug, message.rev))) {
          await blueprints.restore(message.slug, message.rev);
          await this.sendHistory(message.slug);
          await this.post({ type: 'notice', level: 'info', text: `Restored r${message.rev}; recorded as a new revision.` });
        }
        return;
      }
      case 'revision/save': {
        const blueprints = this.knownBlueprints(message.slug);
        if (!blueprints) return;
        await blueprints.saveRevision(message.slug);
        await this.sendHistory(message.slug);
        await this.post({ type: 'notice', level: 'info', text: 'Saved as a new revision.' });
        return;
      }
      case 'chat/open':
        if (await this.knownChatSlug(message.slug)) await this.services.chat.open(this.surface, message.slug);
        return;
      case 'chat/send':
        // null starts a new blueprint from the message.
        if (message.slug === null || (await this.knownChatSlug(message.slug))) {
          await this.services.chat.send(this.surface, message.slug, message.text, message.attachments);
        }
        return;
      case 'chat/stop':
        // Acts only on the running turn with this id.
        this.services.chat.stop(message.slug, message.turnId);
        return;
      case 'chat/retry':
        if (await this.knownChatSlug(message.slug)) await this.services.chat.retry(this.surface, message.slug);
        return;
      case 'operations/watch':
        if (this.kind === 'architect') return;
        this.feed ??= new OperationsFeed(this.services.operations(), (m) => this.post(m));
        this.feed.watch(message.ids);
        return;
      case 'operations/resync':
        this.feed?.resync(message.id);
        return;
      case 'operations/action':
        // The host acts only on an operation it knows, and asks before anything it cannot undo.
        if (this.kind !== 'architect') await this.services.operations().act(message.id, message.action);
        return;
      case 'preview/start':
        if (this.kind !== 'studio') return;
        if (!this.previews) {
          this.previews = this.services.previews();
          this.disposables.push(this.previews.onDidChange((preview) => void this.post({ type: 'preview/state', preview })));
        }
        await this.previews.start(message.id);
        return;
      case 'preview/stop':
        await this.previews?.stop(message.id);
        return;
      case 'git/init': {
        const blueprints = this.knownBlueprints(message.slug);
        if (!blueprints) return;
        await blueprints.initRepository();
        await this.sendHistory(message.slug);
        await this.post({ type: 'notice', level: 'info', text: 'This folder is now a git repository: blueprint revisions are recorded.' });
        return;
      }
    }
  }

  private knownBlueprints(slug: string): BlueprintWorkspace | undefined {
    return this.knownUri(slug) ? this.services.blueprints : undefined;
  }

  private async sendHistory(slug: string): Promise<void> {
    const blueprints = this.knownBlueprints(slug);
    if (!blueprints) return;
    await this.post({ type: 'history/result', slug, history: await blueprints.history(slug) });
  }

  /**
   * Chat messages may name a blueprint created a moment ago (a chat/send with
   * no slug, in this or another view) that the index, which refreshes shortly
   * after a file appears, does not list yet: its file on disk counts too.
   */
  private async knownChatSlug(slug: string): Promise<boolean> {
    await this.services.index.list();
    if (this.services.index.find(slug)) return true;
    const uri = this.services.index.uriOf(slug);
    const exists = uri ? await vscode.workspace.fs.stat(uri).then(() => true, () => false) : false;
    if (!exists) log().warn(`Dropped a chat request for an unknown blueprint "${slug}" from the ${this.kind} webview`);
    return exists;
  }

  /** Messages name blueprints by slug; act only on ones the index knows. */
  private knownUri(slug: string): vscode.Uri | undefined {
    if (!this.services.index.find(slug)) {
      log().warn(`Dropped a request for an unknown blueprint "${slug}" from the ${this.kind} webview`);
      return undefined;
    }
    return this.services.index.uriOf(slug);
  }

  private async sendInit(): Promise<void> {
    await this.post({
      type: 'init',
      kind: this.kind,
      workspaceName: vscode.workspace.name ?? null,
      trusted: vscode.workspace.isTrusted,
      apiKeySet: await this.services.apiKeys.isSet(),
      referencesBaseUri: this.referencesBaseUri(),
    });
  }

  /** Where chat images are kept, as this webview may load them (webviewOptions allows the folder). */
  private referencesBaseUri(): string | null {
    const folder = this.services.index.folder;
    return folder ? this.webview.asWebviewUri(vscode.Uri.joinPath(folder.uri, ...REFERENCES_DIR.split('/'))).toString() : null;
  }

  private async sendSnapshot(entries: readonly FileEntry[]): Promise<void> {
    await this.post({ type: 'blueprints/snapshot', folderOpen: this.services.index.folder !== undefined, entries: [...entries] });
  }

  private async post(message: HostToWebview): Promise<void> {
    // The webview may have been closed while we awaited a read.
    if (this.disposed) return;
    await this.webview.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    this.feed?.dispose();
    void this.previews?.stopAll();
    for (const d of this.disposables) d.dispose();
  }
}

/** Asks before a restore: the file is replaced, nothing is lost. */
async function confirmRestore(slug: string, rev: number): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Restore revision r${rev} of "${slug}"?`,
    { modal: true, detail: `The blueprint file is replaced by r${rev}. The conversation continues. Nothing is lost: the current version stays in the history, and the restore is recorded as a new revision.` },
    'Restore',
  );
  return choice === 'Restore';
}
