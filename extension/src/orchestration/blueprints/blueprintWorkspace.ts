/**
 * The blueprint use cases of one workspace folder, behind the Plan pane, the
 * New Blueprint and Blueprint History commands and the chat: create a
 * blueprint, read and compare its history, restore a revision, record a hand
 * edit, give a new blueprint its first revision, and turn the folder into a
 * git repository. Asking the user (before a restore) is the caller's part.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { newBlueprint, slugify } from '../../core/blueprint/blueprint';
import { formatDiff } from '../../core/blueprint/blueprintDiff';
import { serializeBlueprint, type FileEntry } from '../../core/blueprint/blueprintFile';
import type { HistoryState } from '../../core/protocol';
import { resolveExecutable } from '../../platform/executables';
import type { BlueprintStore } from '../../store/blueprintStore';
import type { Log } from '../log';
import type { WorkspaceStore } from './workspaceStore';

/** The blueprint files as the editor sees them now (the VS Code layer's BlueprintIndex). */
export interface BlueprintFiles {
  list(): Promise<readonly FileEntry[]>;
  find(slug: string): FileEntry | undefined;
}

export class BlueprintWorkspace {
  constructor(
    private readonly storage: WorkspaceStore,
    private readonly files: BlueprintFiles,
    private readonly log: Log,
  ) {}

  get root(): string {
    return this.storage.root;
  }

  async history(slug: string): Promise<HistoryState> {
    try {
      const store = await this.storage.store();
      if (!store.gitAvailable) return { state: 'no-git' };
      // Open (or rebuild) the DB in the background: its first open compiles wasm.
      void this.storage.db(store);
      const revisions = await store.history(slug);
      return { state: 'ok', revisions, fileMatchesHead: await this.fileMatchesHead(store, slug, revisions.at(-1)?.rev) };
    } catch (error) {
      this.log.error(`Reading the history of ${slug} failed: ${String(error)}`);
      return { state: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Whether the file on disk is exactly the newest revision's blueprint. */
  private async fileMatchesHead(store: BlueprintStore, slug: string, head: number | undefined): Promise<boolean> {
    await this.files.list();
    const entry = this.files.find(slug);
    if (head === undefined || !entry?.ok) return false;
    const { blueprint } = await store.show(slug, head);
    return serializeBlueprint(blueprint) === serializeBlueprint(entry.blueprint);
  }

  async compare(slug: string, revA: number, revB: number): Promise<{ text: string; sectionsChanged: string[] }> {
    const store = await this.storage.store();
    const diff = await store.diff(slug, revA, revB);
    return { text: formatDiff(diff), sectionsChanged: [...diff.sectionsChanged] };
  }

  /** Restores a revision (the caller has asked the user): a new revision with rN's blueprint. */
  async restore(slug: string, rev: number): Promise<void> {
    const store = await this.storage.store();
    await this.storage.recordSaved(store, slug, await store.restore(slug, rev));
    this.log.info(`Restored ${slug} to r${rev}`);
  }

  /** Records the file as it is on disk (a hand edit) as a new revision. */
  async saveRevision(slug: string): Promise<void> {
    const store = await this.storage.store();
    await this.storage.recordSaved(store, slug, await store.saveCurrentFile(slug, 'save'));
    this.log.info(`Saved ${slug} as a new revision`);
  }

  /**
   * Writes a new draft blueprint to `.orchard/blueprints/<slug>.json` through
   * the store (the one writer of blueprint files: temp file + rename) and, in
   * a git repository, records it as r1. Never overwrites: a taken slug gets a
   * numeric suffix. Returns the slug.
   */
  async create(featureName: string, summary: string): Promise<string> {
    const store = await this.storage.store();
    const base = slugify(featureName);
    for (let n = 1; n < 1000; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (await exists(store.fileOf(slug))) continue;
      // No exclusive create through a rename; the window between the check and
      // the write is a few ms, and a second writer would be another Orchard
      // command with the same feature name in the same instant.
      await this.storage.recordSaved(store, slug, await store.save(slug, newBlueprint(featureName, summary), { message: 'save' }));
      this.log.info(`Created blueprint ${slug}`);
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
      const store = await this.storage.store();
      if (!store.gitAvailable || (await store.history(slug)).length > 0) return;
      await this.storage.recordSaved(store, slug, await store.saveCurrentFile(slug, 'save'));
    } catch (error) {
      this.log.warn(`Could not record the first revision of ${slug}: ${String(error)}`);
    }
  }

  /**
   * `git init` in the workspace folder, so blueprints get history, then a first
   * revision for every valid blueprint. Never runs in an existing repository.
   */
  async initRepository(): Promise<void> {
    const store = await this.storage.store();
    if (store.gitAvailable) return;
    // By absolute path: the working folder is the workspace (platform/executables.ts).
    await promisify(execFile)(resolveExecutable('git'), ['init'], { cwd: this.storage.root });
    this.storage.reopen();
    this.log.info(`Initialized a git repository in ${this.storage.root}`);
    for (const entry of await this.files.list()) if (entry.ok) await this.recordCreated(entry.slug);
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
