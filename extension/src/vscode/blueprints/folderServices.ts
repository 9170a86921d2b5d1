/**
 * What Orchard keeps for the open workspace folder, built in one place so the
 * blueprint use cases and the Architect's conversations share one store (and
 * one studio DB) without either reaching through the other: the chat and the
 * webview sessions get both from here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BlueprintWorkspace } from '../../orchestration/blueprints/blueprintWorkspace';
import { WorkspaceStore, type StoreModule } from '../../orchestration/blueprints/workspaceStore';
import { ConversationStore } from '../../orchestration/chat/conversationStore';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import type { BlueprintIndex } from './blueprintIndex';

export class FolderServices {
  readonly blueprints: BlueprintWorkspace;
  /** The Architect conversations: saved with the blueprint as one revision per turn. */
  readonly conversations: ConversationStore;
  private readonly storage: WorkspaceStore;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    index: BlueprintIndex,
    /** The workspace storage folder, where the studio DB lives; undefined without a workspace. */
    storageUri: vscode.Uri | undefined,
  ) {
    this.storage = new WorkspaceStore({
      root: folder.uri.fsPath,
      storageDir: storageUri?.fsPath,
      // dist/sql-wasm.wasm, next to this bundle.
      wasmPath: path.join(__dirname, 'sql-wasm.wasm'),
      loadStore: () => loadBundle<StoreModule>('store.js'),
      log: log(),
    });
    this.blueprints = new BlueprintWorkspace(this.storage, index, log());
    this.conversations = new ConversationStore({
      workspaceRoot: folder.uri.fsPath,
      store: () => this.storage.store(),
      storageDir: storageUri?.fsPath,
      onSaved: (store, slug, result) => this.storage.recordSaved(store, slug, result),
      warn: (line) => log().warn(line),
    });
  }

  /** Persists what the DB still holds in memory and stops the store's git processes. */
  dispose(): Promise<void> {
    return this.storage.dispose();
  }
}
