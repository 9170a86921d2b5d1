/**
 * Where a blueprint's conversation lives: in a git repository, the
 * `messages.jsonl` of its newest revision (each turn is ONE revision: the
 * blueprint file plus the transcript, through the BlueprintStore); without
 * git, a transcript file in the workspace storage folder (transcriptFile.ts).
 * No `vscode` import: the chat's unit tests use it over a real store.
 */
import * as path from 'node:path';
import type { Blueprint } from '../../core/blueprint/blueprint';
import { BLUEPRINTS_DIR, parseBlueprintText, type BlueprintParseResult } from '../../core/blueprint/blueprintFile';
import type { TranscriptMessage } from '../../core/chat/transcript';
import { readFileInside } from '../../platform/confinedPath';
import type { BlueprintStore, Revision, SaveResult } from '../../store/blueprintStore';
import { appendMessages } from './chatMessages';
import { readTranscriptFile, writeTranscriptFile } from './transcriptFile';

export interface ConversationStoreOptions {
  workspaceRoot: string;
  /** The store of the workspace folder (opened on first use by the caller). */
  store(): Promise<BlueprintStore>;
  /** The workspace storage folder, for conversations without git; undefined when there is none. */
  storageDir: string | undefined;
  /** A turn recorded a revision (the studio DB indexes it); a failure there must not fail the turn. */
  onSaved?(store: BlueprintStore, slug: string, result: SaveResult): Promise<void>;
  warn(line: string): void;
}

export type CurrentBlueprint = BlueprintParseResult | { ok: false; missing: true };

export interface SavedTurn {
  /** The whole conversation as saved. */
  transcript: TranscriptMessage[];
  revision: Revision | undefined;
  created: boolean;
}

export class ConversationStore {
  constructor(private readonly options: ConversationStoreOptions) {}

  get workspaceRoot(): string {
    return this.options.workspaceRoot;
  }

  /** The blueprint file as it is on disk now (a turn starts from it). */
  async currentBlueprint(slug: string): Promise<CurrentBlueprint> {
    const file = path.join(this.options.workspaceRoot, BLUEPRINTS_DIR, `${slug}.json`);
    // Through the one path module: a blueprint file linked out of the workspace
    // is refused, never read into the Architect's prompt.
    const text = await readFileInside(this.options.workspaceRoot, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? { ok: false, missing: true } : parseBlueprintText(text);
  }

  /**
   * The conversation: the newest revision's transcript; without git, or while
   * no revision holds one yet (the folder just became a repository), the file.
   */
  async transcript(slug: string): Promise<TranscriptMessage[]> {
    const store = await this.options.store();
    if (store.gitAvailable) {
      const head = (await store.history(slug)).at(-1);
      const messages = head ? (await store.show(slug, head.rev)).messages : [];
      if (messages.length > 0) return messages;
    }
    return this.options.storageDir ? readTranscriptFile(this.options.storageDir, slug) : [];
  }

  /**
   * Saves a turn: `added` appended to the newest stored conversation (another
   * window may have added to it meanwhile), with the blueprint, as one revision.
   */
  async saveTurn(slug: string, blueprint: Blueprint, added: readonly TranscriptMessage[]): Promise<SavedTurn> {
    const store = await this.options.store();
    const transcript = appendMessages(await this.transcript(slug), added);
    const result = await store.save(slug, blueprint, { transcript });
    if (result.created) await this.options.onSaved?.(store, slug, result);
    if (!store.gitAvailable) {
      if (this.options.storageDir) await writeTranscriptFile(this.options.storageDir, slug, transcript);
      else this.options.warn(`No workspace storage folder: the conversation of ${slug} is not kept after this window closes`);
    }
    return { transcript, revision: result.revision, created: result.created };
  }
}
