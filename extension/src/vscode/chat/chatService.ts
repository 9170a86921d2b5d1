/**
 * The Architect chat on the host: at most one running turn per blueprint,
 * streamed to every open surface (the sidebar view and the Studio show the
 * same conversation), Stop through the turn's AbortController, Retry of the
 * last user message. Conversations come from the blueprint's newest revision
 * (see ConversationStore.transcript), so a reload restores them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MODEL, estimateCostUsd } from '../../agents/providers/models';
import type { HostToWebview, ImageAttachment } from '../../core/protocol';
import type { TranscriptMessage } from '../../core/chat/transcript';
import type { FolderServices } from '../blueprints/folderServices';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import type { ApiKeyStore } from '../secrets';
import { readAttachments, storeAttachments, type ArchitectImage, type ImageCheck } from '../../orchestration/chat/attachmentFiles';
import { planRetry, toChatMessages, totalUsage } from '../../orchestration/chat/chatMessages';
import { acceptUserMessage } from '../../orchestration/chat/userMessage';
import { readSettings, settingsChanged } from '../settings';
import { ChatTurn, type AgentsModule } from '../../orchestration/chat/chatTurn';
import { chooseProvider, type ProviderChoice } from '../../orchestration/chat/providerChoice';

/** One webview that shows chats: it receives every chat message and shows those of the blueprint it has open. */
export interface ChatSurface {
  post(message: HostToWebview): Promise<void>;
}

export interface ChatServiceDeps {
  extensionUri: vscode.Uri;
  apiKeys: ApiKeyStore;
  /** The open folder's blueprints and conversations; undefined when no folder is open. */
  folder(): FolderServices | undefined;
  checkImage: ImageCheck;
}

export class ChatService implements vscode.Disposable {
  private readonly surfaces = new Set<ChatSurface>();
  /** Slug -> its running turn. A slug is reserved here before the first await of a send. */
  private readonly turns = new Map<string, ChatTurn | 'starting'>();
  private readonly running = new Set<Promise<void>>();
  /** Per slug, how many turns have ended in this window: open() rereads when one ends under it. */
  private readonly endedTurns = new Map<string, number>();
  /** Slugs each surface last opened, for resending the provider line when settings change. */
  private readonly opened = new Map<ChatSurface, string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Models whose deprecation was shown: once per window, not once per message. */
  private readonly warnedModels = new Set<string>();
  private restrictedNoticeShown = false;
  private disposed = false;

  constructor(private readonly deps: ChatServiceDeps) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        // The provider line each chat shows is resent when what it names changes.
        if (settingsChanged(e, 'provider', 'model', 'anthropicBaseUrl', 'claudeCliPath')) for (const [surface, slug] of this.opened) void this.open(surface, slug);
      }),
      deps.apiKeys.onDidChange(() => {
        for (const [surface, slug] of this.opened) void this.open(surface, slug);
      }),
    );
  }

  attach(surface: ChatSurface): vscode.Disposable {
    this.surfaces.add(surface);
    return new vscode.Disposable(() => {
      this.surfaces.delete(surface);
      this.opened.delete(surface);
    });
  }

  /** Sends a blueprint's conversation to one surface, and the running turn's progress when there is one. */
  async open(surface: ChatSurface, slug: string): Promise<void> {
    const folder = this.deps.folder();
    if (!folder) return;
    this.opened.set(surface, slug);
    let messages: TranscriptMessage[] = [];
    let provider: ProviderChoice | undefined;
    for (let attempt = 1; ; attempt++) {
      const ended = this.endedTurns.get(slug) ?? 0;
      [messages, provider] = await Promise.all([folder.conversations.transcript(slug), this.providerChoice(folder)]);
      // A turn that ended while we read has saved messages the read may have missed, and its
      // end went out before this transcript would: read again.
      if ((this.endedTurns.get(slug) ?? 0) === ended || attempt >= 3) break;
    }
    if (this.opened.get(surface) !== slug) return; // the surface moved on to another blueprint meanwhile
    // From here nothing awaits, so what follows keeps its order with the running turn's broadcasts.
    const turn = this.turns.get(slug);
    const running = turn instanceof ChatTurn && !turn.ended ? turn : undefined;
    void surface.post({
      type: 'chat/transcript',
      slug,
      messages: toChatMessages(messages, estimateCostUsd),
      total: totalUsage(messages, estimateCostUsd),
      runningTurnId: running?.id ?? null,
      provider: provider?.description ?? null,
    });
    if (!running) return;
    // The turn's user message is stored only when it ends; a Retry's already is.
    if (running.request.userIsNew) void surface.post({ type: 'chat/turnStarted', slug, turnId: running.id, message: running.userMessage });
    if (running.streamed) void surface.post({ type: 'chat/delta', slug, turnId: running.id, text: running.streamed });
    if (running.activity) void surface.post({ type: 'chat/activity', slug, turnId: running.id, text: running.activity });
  }

  /** A new message; `slug: null` starts a new blueprint named after its first line. */
  async send(surface: ChatSurface, slug: string | null, text: string, attachments: readonly ImageAttachment[]): Promise<void> {
    const folder = this.deps.folder();
    if (!folder) return this.tell(surface, 'error', 'Open a folder first: the Architect keeps blueprints in its .orchard/blueprints folder.');
    if (text.trim() === '' && attachments.length === 0) return this.tell(surface, 'error', 'Type a message (or attach an image) for the Architect.');
    if (slug !== null && this.turns.has(slug)) return this.tell(surface, 'error', 'The Architect is still answering in this blueprint: wait for it, or press Stop.');
    // Check the images before anything is created, so a bad one leaves no new blueprint behind.
    for (const image of attachments) {
      const problem = this.deps.checkImage(image.name, image.mediaType, Buffer.from(image.base64, 'base64'));
      if (problem) return this.tell(surface, 'error', `The image "${image.name}" was not sent: ${problem}`);
    }
    if (slug !== null) this.turns.set(slug, 'starting');
    let target = slug;
    try {
      // Credentials are taken out of the text here, before it names, stores, logs or sends anything.
      const accepted = await acceptUserMessage({
        slug,
        text,
        blueprints: folder.blueprints,
        transcript: (s) => folder.conversations.transcript(s),
        storeImages: (s) => storeAttachments(folder.folder.uri.fsPath, s, attachments, this.deps.checkImage),
        created: async (s) => {
          target = s;
          this.turns.set(s, 'starting');
          await surface.post({ type: 'blueprint/reveal', slug: s });
        },
        tell: (level, notice) => void this.tell(surface, level, notice),
      });
      await this.start(surface, folder, accepted.slug, accepted.earlier, accepted.user, true, accepted.images);
    } catch (error) {
      if (target !== null && this.turns.get(target) === 'starting') this.turns.delete(target);
      throw error;
    }
  }

  /** Runs the last user message again: as it is after a failure, as a new message after a reply. */
  async retry(surface: ChatSurface, slug: string): Promise<void> {
    const folder = this.deps.folder();
    if (!folder) return;
    if (this.turns.has(slug)) return this.tell(surface, 'error', 'The Architect is still answering in this blueprint.');
    this.turns.set(slug, 'starting');
    try {
      const plan = planRetry(await folder.conversations.transcript(slug));
      if (plan.kind === 'nothing') {
        this.turns.delete(slug);
        return this.tell(surface, 'info', plan.reason);
      }
      const images = plan.user.attachments ? await readAttachments(folder.folder.uri.fsPath, plan.user.attachments) : [];
      await this.start(surface, folder, slug, plan.history, plan.user, plan.kind === 'again', images);
    } catch (error) {
      if (this.turns.get(slug) === 'starting') this.turns.delete(slug);
      throw error;
    }
  }

  stop(slug: string, turnId: string): void {
    const turn = this.turns.get(slug);
    if (turn instanceof ChatTurn && turn.id === turnId) {
      log().info(`Chat turn ${turnId} on ${slug}: stop requested`);
      turn.stop();
    }
  }

  private async start(
    surface: ChatSurface,
    folder: FolderServices,
    slug: string,
    earlier: TranscriptMessage[],
    user: TranscriptMessage,
    userIsNew: boolean,
    images: ArchitectImage[],
  ): Promise<void> {
    const trusted = vscode.workspace.isTrusted;
    const settings = readSettings(folder.folder.uri);
    const turn = new ChatTurn({
      slug,
      conversations: folder.conversations,
      earlier,
      user,
      userIsNew,
      images,
      provider: await this.providerChoice(folder),
      budgetTokens: settings.budgetTokens,
      trusted,
      promptsDir: path.join(this.deps.extensionUri.fsPath, 'prompts'),
      loadAgents: () => loadBundle<AgentsModule>('agents.js'),
      log: log(),
      warnDeprecated: (model, text) => this.warnDeprecated(model, text),
      broadcast: (message) => this.broadcast(message),
      tell: (level, text) => void this.tell(surface, level, text),
    });
    if (this.disposed) {
      this.turns.delete(slug);
      return;
    }
    this.turns.set(slug, turn);
    log().info(`Chat turn ${turn.id} on ${slug}: started (${images.length} image(s), ${user.content.length} characters${userIsNew ? '' : ', retry'})`);
    this.broadcast({ type: 'chat/turnStarted', slug, turnId: turn.id, message: turn.userMessage });
    if (!trusted && !this.restrictedNoticeShown) {
      this.restrictedNoticeShown = true;
      void this.tell(surface, 'info', 'Restricted Mode: the Architect answers, but it cannot change the blueprint until you trust this workspace.');
    }
    const done = turn.run().finally(() => {
      if (this.turns.get(slug) === turn) this.turns.delete(slug);
      this.running.delete(done);
    });
    this.running.add(done);
  }

  private async providerChoice(folder: FolderServices): Promise<ProviderChoice> {
    return chooseProvider(readSettings(folder.folder.uri), {
      // SecretStorage, then ANTHROPIC_API_KEY; never logged.
      apiKey: await this.deps.apiKeys.get(),
      workspaceRoot: folder.folder.uri.fsPath,
      trusted: vscode.workspace.isTrusted,
      defaultModel: DEFAULT_MODEL,
    });
  }

  private warnDeprecated(model: string, text: string): void {
    if (this.warnedModels.has(model)) return;
    this.warnedModels.add(model);
    log().warn(text);
    void vscode.window.showWarningMessage(`Orchard: ${text}`);
  }

  private broadcast(message: HostToWebview): void {
    if (message.type === 'chat/turnEnded') this.endedTurns.set(message.slug, (this.endedTurns.get(message.slug) ?? 0) + 1);
    for (const surface of this.surfaces) void surface.post(message);
  }

  private async tell(surface: ChatSurface, level: 'info' | 'error', text: string): Promise<void> {
    await surface.post({ type: 'notice', level, text });
  }

  dispose(): void {
    void this.close();
  }

  /**
   * Stops every running turn and waits (briefly) until each has saved what it
   * had: a window closing mid-turn keeps the user's message and the partial
   * reply, marked stopped.
   */
  async close(timeoutMs = 3000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const turn of this.turns.values()) if (turn instanceof ChatTurn) turn.stop();
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    this.surfaces.clear();
  }
}
