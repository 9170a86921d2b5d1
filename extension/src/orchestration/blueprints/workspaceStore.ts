/**
 * The persistence of one workspace folder's blueprints: the git-backed
 * BlueprintStore and the studio DB whose blueprint index follows each new
 * revision. Both live in dist/store.js (simple-git, sql.js), loaded the first
 * time either is needed. The blueprint use cases (`blueprintWorkspace.ts`)
 * and the conversations (`chat/conversationStore.ts`) share one instance.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { BlueprintStore, SaveResult } from '../../store/blueprintStore';
import type { StudioDb } from '../../store/studioDb';
import type { Log } from '../log';

export type StoreModule = typeof import('../../store/storeBundle');

export interface WorkspaceStoreOptions {
  /** The workspace folder (absolute path). */
  root: string;
  /** The workspace storage folder, where the studio DB lives; undefined without one. */
  storageDir: string | undefined;
  /** sql.js's wasm file. */
  wasmPath: string;
  /** dist/store.js, required on first use. */
  loadStore(): StoreModule;
  log: Log;
}

export class WorkspaceStore {
  private opened: Promise<BlueprintStore> | undefined;
  private dbOpened: Promise<StudioDb | undefined> | undefined;

  constructor(private readonly options: WorkspaceStoreOptions) {}

  get root(): string {
    return this.options.root;
  }

  get storageDir(): string | undefined {
    return this.options.storageDir;
  }

  /** The store for the folder, opened once; `reopen()` after `git init` changes what it finds. */
  store(): Promise<BlueprintStore> {
    this.opened ??= this.options.loadStore().BlueprintStore.open(this.options.root);
    return this.opened;
  }

  /**
   * Forgets the open store so the next use sees a new repository. The old one
   * is not disposed: a chat turn may still be saving through it (without git it
   * runs no long-lived git process).
   */
  reopen(): void {
    this.opened = undefined;
  }

  /**
   * The studio DB, opened once. A missing or corrupt file is rebuilt from the
   * refs; a DB that cannot open is logged and skipped: the refs stay the truth.
   */
  db(store: BlueprintStore): Promise<StudioDb | undefined> {
    const storage = this.options.storageDir;
    if (!storage || !store.gitAvailable) return Promise.resolve(undefined);
    this.dbOpened ??= (async () => {
      try {
        await mkdir(storage, { recursive: true });
        const { StudioDb, blueprintsFromRefs } = this.options.loadStore();
        return await StudioDb.open({
          file: path.join(storage, 'studio.db'),
          wasmPath: this.options.wasmPath,
          // The DB names itself in each line.
          log: (line) => this.options.log.info(line),
          rebuild: () => blueprintsFromRefs(store),
        });
      } catch (error) {
        this.options.log.error(`The studio database did not open: ${String(error)}`);
        return undefined;
      }
    })();
    return this.dbOpened;
  }

  /** A new revision updates the DB's blueprint index; a failure there never fails the save. */
  async recordSaved(store: BlueprintStore, slug: string, result: SaveResult): Promise<void> {
    if (!result.created || !result.revision) return;
    try {
      const db = await this.db(store);
      if (db) await this.options.loadStore().recordRevision(db, store, slug, result.revision);
    } catch (error) {
      this.options.log.warn(`Indexing revision r${result.revision.rev} of ${slug} in the studio DB failed: ${String(error)}`);
    }
  }

  /** Persists what the DB still holds in memory and stops the store's git processes. */
  async dispose(): Promise<void> {
    const db = await this.dbOpened?.catch(() => undefined);
    await db?.close().catch((error: unknown) => this.options.log.warn(`Closing the studio DB failed: ${String(error)}`));
    (await this.opened?.catch(() => undefined))?.dispose();
  }
}
