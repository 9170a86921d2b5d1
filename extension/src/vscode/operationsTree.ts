import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { OperationsOverview } from '../core/operations/operationGroups';
import { defaultStateDir, operationsDir } from '../platform/stateDir';
import { CommandId, ViewId } from './commands/commandIds';
import { log } from './log';
import type { OperationsHost } from './operations/operationsHost';
import { OperationsStatusBar } from './operations/operationsStatusBar';

/** How often running operations' elapsed times move on, while something runs. */
const TICK_MS = 5000;
/** How long after activation to look for operations a reload left running (see lookForOperations). */
const LOOK_AFTER_MS = 4000;

/**
 * The Operations view in the activation bundle: a thin provider whose data
 * comes from the operations host (in the Studio host bundle, which loads the
 * operations code on first use), so an Orchard sidebar that opens costs
 * activation nothing. Elements are strings the host hands out: group nodes
 * (`group:waiting`), operations (their bare id: the commands below take the
 * element as their argument, and the host ignores a string that is no
 * operation id) and phases (`<id>/phase/<name>`). With no operation, VS Code
 * shows the view's welcome content (package.json `viewsWelcome`).
 *
 * Also here, because they must show while the view is closed: the view's
 * badge (builds waiting for approval, shown on the Orchard container) and the
 * status-bar item while something runs. No notifications.
 */
export class OperationsTreeProvider implements vscode.TreeDataProvider<string> {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<string | string[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly statusBar = new OperationsStatusBar();
  private attached: vscode.Disposable | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private activeIds: readonly string[] = [];

  private constructor(
    private readonly host: () => OperationsHost,
    private readonly view: () => vscode.TreeView<string>,
  ) {}

  static register(host: () => OperationsHost): vscode.Disposable {
    let view: vscode.TreeView<string> | undefined;
    const provider = new OperationsTreeProvider(host, () => view!);
    view = vscode.window.createTreeView(ViewId.operations, { treeDataProvider: provider });
    const operations = (run: (h: OperationsHost, id: unknown) => Promise<void>) => (id?: unknown) => run(provider.connected(), id);
    const look = setTimeout(() => void provider.lookForOperations(), LOOK_AFTER_MS);
    look.unref();
    return vscode.Disposable.from(
      view,
      provider._onDidChangeTreeData,
      provider.statusBar,
      {
        dispose: () => {
          clearTimeout(look);
          provider.stopTicking();
          provider.attached?.dispose();
        },
      },
      // Ticks skip a hidden view; once it shows again its times are stale.
      view.onDidChangeVisibility((e) => e.visible && provider.attached && provider._onDidChangeTreeData.fire(undefined)),
      vscode.commands.registerCommand(
        CommandId.refreshOperations,
        operations((h) =>
          h.refresh().then(() => {
            provider._onDidChangeTreeData.fire(undefined);
            provider.update(h);
          }),
        ),
      ),
      vscode.commands.registerCommand(CommandId.showOperationLog, operations((h, id) => h.showLog(id))),
      vscode.commands.registerCommand(CommandId.stopOperation, operations((h, id) => h.stop(id))),
      vscode.commands.registerCommand(CommandId.discardOperation, operations((h, id) => h.discard(id))),
      vscode.commands.registerCommand(CommandId.openOperationWorktree, operations((h, id) => h.openWorktree(id))),
      vscode.commands.registerCommand(CommandId.answerOperation, operations((h, id) => h.ask(id))),
      vscode.commands.registerCommand(CommandId.resumeOperation, operations((h, id) => h.resume(id))),
    );
  }

  /** The host, its changes forwarded to the view, the badge and the status bar from the first use on. */
  private connected(): OperationsHost {
    const host = this.host();
    this.attached ??= host.onDidChange(() => {
      this._onDidChangeTreeData.fire(undefined);
      this.update(host);
    });
    return host;
  }

  /**
   * After a window reload nobody may open the view, so the host would not load and a build that
   * still runs (or waits for approval) would have no badge and no status bar. Loading the host at
   * activation would make every window pay for it; instead, a few seconds later, look whether this
   * repository's state folder holds any operation record (a readdir, with the path from the tiny
   * platform/stateDir.ts rather than the operations bundle) and only then connect.
   */
  private async lookForOperations(): Promise<void> {
    if (this.attached) return;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return;
    try {
      const dir = operationsDir(defaultStateDir(await fs.promises.realpath(folder.uri.fsPath)));
      if (!(await fs.promises.readdir(dir)).some((name) => name.endsWith('.json'))) return;
    } catch {
      return; // No state folder: this repository never built anything.
    }
    if (this.attached) return;
    try {
      const host = this.connected();
      await host.refresh();
      this.update(host);
    } catch (error) {
      log().warn(`Operations could not be checked after activation: ${String(error)}`);
    }
  }

  /** The badge, the status bar and the ticking, from what the host knows now. */
  private update(host: OperationsHost): void {
    const overview: OperationsOverview = host.overview();
    const view = this.view();
    view.badge = overview.waitingForApproval > 0 ? { value: overview.waitingForApproval, tooltip: overview.badgeTooltip ?? '' } : undefined;
    this.statusBar.show(overview.statusText, overview.statusTooltip);
    this.activeIds = overview.activeIds;
    if (this.activeIds.length === 0) this.stopTicking();
    else if (!this.ticker) {
      // Only while something runs; a change in the host (it ended) stops it again through update().
      this.ticker = setInterval(() => this.tick(host), TICK_MS);
      this.ticker.unref();
    }
  }

  /** Running operations' elapsed times move on: their items (and so their phases) and the status bar. */
  private tick(host: OperationsHost): void {
    const overview = host.overview();
    this.statusBar.show(overview.statusText, overview.statusTooltip);
    this.activeIds = overview.activeIds;
    if (this.activeIds.length === 0) {
      this.stopTicking();
      return;
    }
    // An element the view has not shown yet (a collapsed group) is skipped by VS Code.
    if (this.view().visible) this._onDidChangeTreeData.fire([...this.activeIds]);
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  getTreeItem(element: string): vscode.TreeItem {
    return this.connected().treeItem(element);
  }

  async getChildren(element?: string): Promise<string[]> {
    const host = this.connected();
    const children = await host.children(element);
    // The first listing loads the operations: the badge and the status bar follow it.
    if (element === undefined) this.update(host);
    return children;
  }
}
