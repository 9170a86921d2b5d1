import * as vscode from 'vscode';
import { blueprintEntry, BLUEPRINTS_DIR, slugOfFileName, type FileEntry } from '../../core/blueprint/blueprintFile';
import { resolveInside } from '../../platform/confinedPath';
import { log } from '../log';

/**
 * The blueprint files of the workspace's first folder, kept current as they
 * change on disk (by the Architect, by git, or by hand in another editor).
 *
 * Reads go through `workspace.fs` so they work in remote workspaces too.
 */
export class BlueprintIndex implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<readonly FileEntry[]>();
  readonly onDidChange = this._onDidChange.event;

  private entries: FileEntry[] = [];
  private loaded: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Bumped on every refresh so a slow read that finishes late cannot overwrite a newer one. */
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor() {
    const folder = this.folder;
    if (folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${BLUEPRINTS_DIR}/*.json`));
      // Editors save in bursts (write, rename, touch): coalesce into one refresh.
      const schedule = () => this.scheduleRefresh();
      this.disposables.push(watcher, watcher.onDidCreate(schedule), watcher.onDidChange(schedule), watcher.onDidDelete(schedule));
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRefresh()));
  }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** All entries, reading the folder the first time. */
  async list(): Promise<readonly FileEntry[]> {
    this.loaded ??= this.refresh();
    await this.loaded;
    return this.entries;
  }

  find(slug: string): FileEntry | undefined {
    return this.entries.find((e) => e.slug === slug);
  }

  uriOf(slug: string): vscode.Uri | undefined {
    const folder = this.folder;
    return folder ? vscode.Uri.joinPath(folder.uri, BLUEPRINTS_DIR, `${slug}.json`) : undefined;
  }

  private scheduleRefresh(): void {
    if (this.disposed) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.loaded = this.refresh();
    }, 75);
  }

  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    const entries = await this.readAll();
    if (this.disposed || generation !== this.generation) return;
    this.entries = entries;
    this._onDidChange.fire(entries);
  }

  private async readAll(): Promise<FileEntry[]> {
    const folder = this.folder;
    if (!folder) return [];
    const dir = vscode.Uri.joinPath(folder.uri, BLUEPRINTS_DIR);
    // A clone may ship .orchard/blueprints as a link to another folder: what is
    // there is not the workspace's, and is neither shown nor sent to the model.
    // (Linked files are skipped below: readDirectory marks them SymbolicLink.)
    if (folder.uri.scheme === 'file') {
      const outside = await resolveInside(folder.uri.fsPath, dir.fsPath).then(() => undefined, (error: unknown) => error);
      if (outside) {
        log().warn(`Blueprints are not read: ${outside instanceof Error ? outside.message : String(outside)}`);
        return [];
      }
    }
    let names: [string, vscode.FileType][];
    try {
      names = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return []; // no .orchard/blueprints yet: an empty list, not an error
    }
    const slugs = names
      .filter(([, type]) => type === vscode.FileType.File)
      .map(([name]) => slugOfFileName(name))
      .filter((s): s is string => s !== undefined)
      .sort();
    return Promise.all(slugs.map((slug) => this.readOne(dir, slug)));
  }

  private async readOne(dir: vscode.Uri, slug: string): Promise<FileEntry> {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, `${slug}.json`));
      return blueprintEntry(slug, new TextDecoder('utf-8').decode(bytes));
    } catch (error) {
      // Deleted between the listing and the read, or unreadable: show it, don't drop it.
      log().warn(`Could not read ${BLUEPRINTS_DIR}/${slug}.json: ${String(error)}`);
      return { ok: false, slug, file: `${BLUEPRINTS_DIR}/${slug}.json`, problems: [{ path: '$', message: `could not read the file: ${String(error)}` }] };
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
    this._onDidChange.dispose();
  }
}
