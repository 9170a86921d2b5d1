import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { formatDiff } from '../../core/blueprintDiff';
import { serializeBlueprint } from '../../core/blueprintFile';
import type { HistoryState } from '../../core/protocol';
import type { BlueprintStore } from '../../store/blueprintStore';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import type { BlueprintIndex } from './blueprintIndex';

type StoreModule = typeof import('../../store/storeBundle');

/**
 * Blueprint history for the Plan pane and the Blueprint History command:
 * the git-backed BlueprintStore (simple-git and the store live in
 * dist/store.js, loaded the first time history is asked for).
 */
export class HistoryService {
  private opened: Promise<BlueprintStore> | undefined;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly index: BlueprintIndex,
  ) {}

  /** The store for the folder; reopened after `git init` changes what it finds. */
  private store(): Promise<BlueprintStore> {
    this.opened ??= loadBundle<StoreModule>('store.js').BlueprintStore.open(this.folder.uri.fsPath);
    return this.opened;
  }

  async history(slug: string): Promise<HistoryState> {
    try {
      const store = await this.store();
      if (!store.gitAvailable) return { state: 'no-git' };
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
      { modal: true, detail: `The blueprint file is replaced by r${rev}. Nothing is lost: the current version stays in the history, and the restore is recorded as a new revision.` },
      'Restore',
    );
    if (choice !== 'Restore') return false;
    await (await this.store()).restore(slug, rev);
    log().info(`Restored ${slug} to r${rev}`);
    return true;
  }

  /** Records the file as it is on disk (a hand edit) as a new revision. */
  async saveRevision(slug: string): Promise<void> {
    await (await this.store()).saveCurrentFile(slug, 'save');
    log().info(`Saved ${slug} as a new revision`);
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
      await store.saveCurrentFile(slug, 'save');
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
}
