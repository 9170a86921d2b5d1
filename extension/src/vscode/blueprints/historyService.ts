import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { newBlueprint, slugify } from '../../core/blueprint/blueprint';
import { formatDiff } from '../../core/blueprint/blueprintDiff';
import { serializeBlueprint } from '../../core/blueprint/blueprintFile';
import type { HistoryState } from '../../core/protocol';
import type { BlueprintStore, SaveResult } from '../../store/blueprintStore';
import type { StudioDb } from '../../store/studioDb';
import { ConversationStore } from '../../orchestration/chat/conversationStore';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import type { BlueprintIndex } from './blueprintIndex';

type StoreModule = typeof import('../../store/storeBundle');

/**
 * Blueprint history for the Plan pane and the Blueprint History command:
 * the git-backed BlueprintStore, and the studio DB whose blueprint index
 * follows each new revision (simple-git, sql.js and the store live in
 * dist/store.js, loaded the first time history is asked for).
 */
export class HistoryService {
  private opened: Promise<BlueprintStore> | undefined;
  private dbOpened: Promise<StudioDb | undefined> | undefined;
  /** The Architect conversations: saved with the blueprint as one revision per turn. */
  readonly conversations: ConversationStore;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly index: BlueprintIndex,
    /** The workspace storage folder, where the studio DB lives; undefined without a workspace. */
    private readonly storageUri: vscode.Uri | undefined,
  ) {
    this.conversations = new ConversationStore({
      workspaceRoot: folder.uri.fsPath,
      store: () => this.store(),
      storageDir: storageUri?.fsPath,
      onSaved: (store, slug, result) => this.indexRevision(store, slug, result),
      warn: (line) => log().warn(line),
    });
  }

  /** The store for the folder; reopened after `git init` changes what it finds. */
  private store(): Promise<BlueprintStore> {
    this.opened ??= loadBundle<StoreModule>('store.js').BlueprintStore.open(this.folder.uri.fsPath);
    return this.opened;
  }

  /**
   * The studio DB, opened once. A missing or corrupt file is rebuilt from the
   * refs; a DB that cannot open is logged and skipped: the refs stay the truth.
   */
  private db(store: BlueprintStore): Promise<StudioDb | undefined> {
    const storage = this.storageUri;
    if (!storage || !store.gitAvailable) return Promise.resolve(undefined);
    this.dbOpened ??= (async () => {
      try {
        await mkdir(storage.fsPath, { recursive: true });
        const { StudioDb, blueprintsFromRefs } = loadBundle<StoreModule>('store.js');
        return await StudioDb.open({
          file: path.join(storage.fsPath, 'studio.db'),
          // dist/sql-wasm.wasm, next to this bundle.
          wasmPath: path.join(__dirname, 'sql-wasm.wasm'),
          log: (line) => log().info(`studio DB: ${line}`),
          rebuild: () => blueprintsFromRefs(store),
        });
      } catch (error) {
        log().error(`The studio database did not open: ${String(error)}`);
        return undefined;
      }
    })();
    return this.dbOpened;
  }

  /** A new revision updates the DB's blueprint index; a failure there never fails the save. */
  private async indexRevision(store: BlueprintStore, slug: string, result: SaveResult): Promise<void> {
    if (!result.created || !result.revision) return;
    try {
      const db = await this.db(store);
      if (db) await loadBundle<StoreModule>('store.js').recordRevision(db, store, slug, result.revision);
    } catch (error) {
      log().warn(`Indexing revision r${result.revision.rev} of ${slug} in the studio DB failed: ${String(error)}`);
    }
  }

  async history(slug: string): Promise<HistoryState> {
    try {
      const store = await this.store();
      if (!store.gitAvailable) return { state: 'no-git' };
      // Open (or rebuild) the DB in the background: its first open compiles wasm.
      void this.db(store);
      const revisions = await store.history(slug);
      return { state: 'ok', revisions, fileMatchesHead: await this.fileMatchesHead(store, slug, revisions.at(-1)?.rev) };
    } catch (error) {
      log().error(`Reading the history of ${slug} failed: ${String(error)}`);
      return { state: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Whether the file on disk is exactly the newest revision's blueprint. */
  private async fileMatchesHead(store: BlueprintStore, slug: string, head: number | undefined): Promise<boolean> {
    await this.index.list();
    const entry = this.index.find(slug);
    if (head === undefined || !entry?.ok) return false;
    const { blueprint } = await store.show(slug, head);
    return serializeBlueprint(blueprint) === serializeBlueprint(entry.blueprint);
  }

  async compare(slug: string, revA: number, revB: number): Promise<{ text: string; sectionsChanged: string[] }> {
    const store = await this.store();
    const diff = await store.diff(slug, revA, revB);
    return { text: formatDiff(diff), sectionsChanged: [...diff.sectionsChanged] };
  }

  /** Restores a revision after the user confirms; returns whether it did. */
  async restore(slug: string, rev: number): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(
      `Restore revision r${rev} of "${slug}"?`,
      { modal: true, detail: `The blueprint file is replaced by r${rev}. The conversation continues. Nothing is lost: the current version stays in the history, and the restore is recorded as a new revision.` },
      'Restore',
    );
    if (choice !== 'Restore') return false;
    const store = await this.store();
    await this.indexRevision(store, slug, await store.restore(slug, rev));
    log().info(`Restored ${slug} to r${rev}`);
    return true;
  }

  /** Records the file as it is on disk (a hand edit) as a new revision. */
  async saveRevision(slug: string): Promise<void> {
    const store = await this.store();
    await this.indexRevision(store, slug, await store.saveCurrentFile(slug, 'save'));
    log().info(`Saved ${slug} as a new revision`);
  }

  /**
   * Writes a new draft blueprint to `.orchard/blueprints/<slug>.json` through
   * the store (the one writer of blueprint files: temp file + rename) and, in
   * a git repository, records it as r1. Never overwrites: a taken slug gets a
   * numeric suffix. Returns the slug.
   */
  async create(featureName: string, summary: string): Promise<string> {
    const store = await this.store();
    const base = slugify(featureName);
    for (let n = 1; n < 1000; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (await exists(store.fileOf(slug))) continue;
      // No exclusive create through a rename; the window between the check and
      // the write is a few ms, and a second writer would be another Orchard
      // command with the same feature name in the same instant.
      await this.indexRevision(store, slug, await store.save(slug, newBlueprint(featureName, summary), { message: 'save' }));
      log().info(`Created blueprint ${slug}`);
      return slug;
    }
    throw new Error(`Too many blueprints named "${base}" in .orchard/blueprints`);
  }

  /**
   * A blueprint that has no revision yet (just created, or the folder just
   * became a repository) gets its first one, so its history starts at once.
   * Without git this does nothing: the file is already saved.
   */
  async recordCreated(slug: string): Promise<void> {
    try {
      const store = await this.store();
      if (!store.gitAvailable || (await store.history(slug)).length > 0) return;
      await this.indexRevision(store, slug, await store.saveCurrentFile(slug, 'save'));
    } catch (error) {
      log().warn(`Could not record the first revision of ${slug}: ${String(error)}`);
    }
  }

  /**
   * `git init` in the workspace folder, so blueprints get history, then a first
   * revision for every valid blueprint. Never runs in an existing repository.
   */
  async gitInit(): Promise<void> {
    const store = await this.store();
    if (store.gitAvailable) return;
    await promisify(execFile)('git', ['init'], { cwd: this.folder.uri.fsPath });
    this.opened = undefined;
    log().info(`Initialized a git repository in ${this.folder.uri.fsPath}`);
    for (const entry of await this.index.list()) if (entry.ok) await this.recordCreated(entry.slug);
  }

  /** Persists what the DB still holds in memory and stops the store's git processes. */
  async dispose(): Promise<void> {
    const db = await this.dbOpened?.catch(() => undefined);
    await db?.close().catch((error: unknown) => log().warn(`Closing the studio DB failed: ${String(error)}`));
    (await this.opened?.catch(() => undefined))?.dispose();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
