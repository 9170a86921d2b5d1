/**
 * One running Architect turn of one blueprint: asks the model, streams to
 * every surface, then saves the user message and the final reply with the
 * blueprint as one revision. Partial text is never saved: after Stop what
 * streamed becomes the final reply (marked stopped); after a failure only the
 * user's message is kept, so nothing typed is lost, and the error is shown.
 *
 * No `vscode` import: the chat service hands in the log, the agents bundle
 * and the surfaces, so the unit tests run a turn over a real store, the real
 * Architect and the fake Anthropic server.
 */
import { estimateCostUsd, modelDeprecation } from '../../agents/providers/models';
import type { Blueprint } from '../../core/blueprint/blueprint';
import type { ChatMessageMsg, HostToWebview } from '../../core/protocol';
import type { TranscriptMessage } from '../../core/chat/transcript';
import type { ArchitectImage } from './attachmentFiles';
import { newMessageId, toChatMessage, totalUsage } from './chatMessages';
import type { ConversationStore } from './conversationStore';
import { DeltaBatcher } from './deltaBatcher';
import { historyForModel } from './userMessage';
import type { Log } from '../log';
import type { ProviderChoice } from './providerChoice';

export type AgentsModule = typeof import('../../agents/agentsBundle');
type TurnResult = Awaited<ReturnType<AgentsModule['runArchitectTurn']>>;
type TurnEvent = Parameters<Parameters<AgentsModule['runArchitectTurn']>[0]['onEvent']>[0];

/** At most this many URLs of one message are fetched as design references. */
const MAX_REFERENCES = 4;

/** The Orchard log, as much of it as a turn writes to. */
export type TurnLog = Log;

export interface TurnRequest {
  slug: string;
  conversations: ConversationStore;
  /** Earlier final messages, oldest first, without `user`. */
  earlier: TranscriptMessage[];
  user: TranscriptMessage;
  /** False for a Retry of a failed turn: the message is already stored. */
  userIsNew: boolean;
  images: ArchitectImage[];
  provider: ProviderChoice;
  budgetTokens: number;
  trusted: boolean;
  /** The extension's `prompts/` folder. */
  promptsDir: string;
  /** dist/agents.js, loaded on the first turn that needs the model. */
  loadAgents(): AgentsModule;
  log: TurnLog;
  /** Shows a model's deprecation (the service shows each model's once). */
  warnDeprecated(model: string, text: string): void;
  broadcast(message: HostToWebview): void;
  /** A message for the surface that sent the turn only. */
  tell(level: 'info' | 'error', text: string): void;
}

export class ChatTurn {
  readonly id = newMessageId('t');
  readonly controller = new AbortController();
  /** What streamed so far, for a surface that opens the chat mid-turn. */
  streamed = '';
  activity: string | null = null;
  /** Set as the end is sent: a chat opened after that must not show this turn as running. */
  ended = false;
  private readonly started = performance.now();

  constructor(readonly request: TurnRequest) {}

  get userMessage(): ChatMessageMsg {
    return toChatMessage(this.request.user, this.request.earlier.length, estimateCostUsd);
  }

  stop(): void {
    this.controller.abort();
  }

  /** Runs the turn to its end; never throws (a failure is reported to the surfaces). */
  async run(): Promise<void> {
    const { slug, broadcast } = this.request;
    const batcher = new DeltaBatcher((text) => broadcast({ type: 'chat/delta', slug, turnId: this.id, text }));
    let result: TurnResult;
    let model = 'unknown';
    let startBlueprint: Blueprint | undefined;
    try {
      const ready = await this.prepare();
      if ('error' in ready) {
        result = failed(ready.error, ready.retryable);
      } else {
        startBlueprint = ready.blueprint;
        model = ready.model;
        result = await this.ask(ready, batcher);
      }
    } catch (error) {
      this.request.log.error(`Chat turn ${this.id} on ${slug} failed: ${String(error)}`);
      result = failed(error instanceof Error ? error.message : String(error), true);
    }
    batcher.close();
    await this.finish(result, model, startBlueprint);
  }

  private async prepare(): Promise<{ error: string; retryable: boolean } | { blueprint: Blueprint; model: string; agents: AgentsModule }> {
    const { provider, conversations, slug } = this.request;
    if (!provider.ok) return { error: provider.error, retryable: false };
    const current = await conversations.currentBlueprint(slug);
    if (!current.ok) {
      const file = `.orchard/blueprints/${slug}.json`;
      const why = 'missing' in current ? `${file} is missing` : `${file} has problems: ${current.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      return { error: `${why}. Fix the file, then send your message again.`, retryable: false };
    }
    const deprecation = modelDeprecation(provider.model);
    if (deprecation) this.request.warnDeprecated(provider.model, deprecation);
    return { blueprint: current.blueprint, model: provider.model, agents: this.request.loadAgents() };
  }

  private async ask(ready: { blueprint: Blueprint; model: string; agents: AgentsModule }, batcher: DeltaBatcher): Promise<TurnResult> {
    const { request } = this;
    const { agents } = ready;
    const signal = this.controller.signal;
    const references = [];
    for (const url of agents.extractReferenceUrls(request.user.content).slice(0, MAX_REFERENCES)) {
      if (signal.aborted) break;
      this.setActivity(`Reading ${url}…`);
      try {
        const reference = await agents.fetchReference(url, { signal });
        references.push(reference);
        // The Architect reads the same line in the digest; the user learns it here.
        if (reference.incomplete) request.tell('info', `${reference.url}: ${reference.incomplete}`);
      } catch (error) {
        if (signal.aborted) break;
        const reason = error instanceof Error ? error.message : String(error);
        request.log.warn(`Design reference not read: ${reason}`);
        request.tell('error', `A reference was not read (${reason}); the Architect answers without it.`);
      }
    }
    if (references.length > 0 || this.activity !== null) this.setActivity(null);
    if (!request.provider.ok) throw new Error('unreachable: no provider');
    const provider = agents.createProvider(request.provider.config);
    return agents.runArchitectTurn({
      provider,
      model: ready.model,
      blueprint: ready.blueprint,
      history: historyForModel(request.earlier),
      userText: request.user.content,
      images: request.images,
      references,
      workspaceRoot: request.conversations.workspaceRoot,
      trusted: request.trusted,
      budgetTokens: request.budgetTokens,
      promptsDir: request.promptsDir,
      signal,
      onEvent: (event) => this.onEvent(event, batcher),
    });
  }

  private onEvent(event: TurnEvent, batcher: DeltaBatcher): void {
    switch (event.type) {
      case 'text':
        this.streamed += event.text;
        batcher.push(event.text);
        return;
      case 'activity':
        batcher.flush();
        this.setActivity(event.text);
        return;
      case 'retrying':
        batcher.flush();
        this.setActivity(`${event.reason} — retrying in ${Math.max(1, Math.round(event.delayMs / 1000))} s (${event.attempt} of ${event.maxAttempts})`);
        this.request.log.warn(`Chat turn ${this.id}: ${event.reason}; retry ${event.attempt} of ${event.maxAttempts} in ${event.delayMs} ms`);
        return;
      case 'usage':
      case 'tool-call':
      case 'tool-result':
        return;
    }
  }

  private setActivity(text: string | null): void {
    this.activity = text;
    this.request.broadcast({ type: 'chat/activity', slug: this.request.slug, turnId: this.id, text });
  }

  /** Saves what the turn leaves (never a partial message) and tells every surface how it ended. */
  private async finish(result: TurnResult, model: string, startBlueprint: Blueprint | undefined): Promise<void> {
    const { slug, conversations, user, userIsNew, broadcast, log } = this.request;
    if (this.activity !== null) this.setActivity(null);
    const added: TranscriptMessage[] = userIsNew ? [user] : [];
    let reply: TranscriptMessage | undefined;
    if (result.outcome !== 'failed') {
      // A request stopped before the API reported anything has no usage: say nothing rather than "0 tokens, $0".
      const counted = result.usage.inputTokens + result.usage.outputTokens + result.usage.cacheReadTokens + result.usage.cacheWriteTokens > 0;
      reply = {
        id: newMessageId('a'),
        role: 'assistant',
        content: result.outcome === 'stopped' ? result.assistantText.trimEnd() : result.assistantText,
        time: new Date().toISOString(),
        ...(counted ? { usage: { ...result.usage } } : {}),
        model,
        ...(result.outcome === 'stopped' ? { stopped: true as const } : {}),
      };
      added.push(reply);
    }
    let outcome = result.outcome;
    let error = result.error?.message;
    // Retry asks a stopped question again.
    let retryable = result.outcome === 'stopped' ? true : result.error?.retryable;
    let transcript: TranscriptMessage[] | undefined;
    let rev: number | undefined;
    const blueprint = result.blueprint ?? (await this.blueprintToKeep(startBlueprint));
    if (added.length > 0 && blueprint) {
      try {
        const saved = await conversations.saveTurn(slug, blueprint, added);
        transcript = saved.transcript;
        if (result.blueprint && saved.created) rev = saved.revision?.rev;
      } catch (saveError) {
        log.error(`Saving chat turn ${this.id} of ${slug} failed: ${String(saveError)}`);
        outcome = 'failed';
        error = `The ${reply ? 'reply' : 'message'} could not be saved: ${saveError instanceof Error ? saveError.message : String(saveError)}`;
        retryable = false;
      }
    } else if (added.length > 0) {
      log.warn(`Chat turn ${this.id} of ${slug}: the blueprint file is not valid, so the message was not saved`);
    }
    transcript ??= await conversations.transcript(slug).catch(() => [...this.request.earlier, ...added]);
    const index = reply ? transcript.findIndex((m) => m.id === reply.id) : -1;
    const usage = result.usage;
    log.info(
      `Chat turn ${this.id} on ${slug}: ${outcome} in ${((performance.now() - this.started) / 1000).toFixed(1)} s, ` +
        `${usage.inputTokens} in / ${usage.outputTokens} out tokens${rev ? `, saved r${rev}` : ''}${error ? ` (${error})` : ''}`,
    );
    this.ended = true;
    broadcast({
      type: 'chat/turnEnded',
      slug,
      turnId: this.id,
      outcome,
      message: reply ? toChatMessage(reply, index >= 0 ? index : transcript.length, estimateCostUsd, rev) : null,
      ...(error !== undefined ? { error } : {}),
      ...(retryable !== undefined ? { retryable } : {}),
      total: totalUsage(transcript, estimateCostUsd),
    });
  }

  /**
   * The blueprint a turn that changed nothing saves with its messages: the
   * file as it is now (a hand edit made meanwhile is kept), or the one the
   * turn started from when the file is no longer valid.
   */
  private async blueprintToKeep(startBlueprint: Blueprint | undefined): Promise<Blueprint | undefined> {
    const now = await this.request.conversations.currentBlueprint(this.request.slug).catch(() => undefined);
    return now?.ok ? now.blueprint : startBlueprint;
  }
}

function failed(message: string, retryable: boolean): TurnResult {
  return { outcome: 'failed', assistantText: '', blueprint: null, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, error: { message, retryable } };
}
