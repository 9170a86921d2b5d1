import * as vscode from 'vscode';
import { CommandId, ViewId } from './commands/commandIds';
import type { OperationsHost } from './operations/operationsHost';

/**
 * The Operations view in the activation bundle: a thin provider whose data
 * comes from the operations host (in the Studio host bundle, which loads the
 * operations code on first use), so an Orchard sidebar that opens costs
 * activation nothing. Elements are operation ids. With no operation, VS Code
 * shows the view's welcome content (package.json `viewsWelcome`).
 */
export class OperationsTreeProvider implements vscode.TreeDataProvider<string> {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private attached: vscode.Disposable | undefined;

  private constructor(private readonly host: () => OperationsHost) {}

  static register(host: () => OperationsHost): vscode.Disposable {
    const provider = new OperationsTreeProvider(host);
    const view = vscode.window.createTreeView(ViewId.operations, { treeDataProvider: provider });
    const operations = (run: (h: OperationsHost, id: unknown) => Promise<void>) => (id?: unknown) => run(provider.connected(), id);
    return vscode.Disposable.from(
      view,
      provider._onDidChangeTreeData,
      { dispose: () => provider.attached?.dispose() },
      vscode.commands.registerCommand(CommandId.refreshOperations, operations((h) => h.refresh().then(() => provider._onDidChangeTreeData.fire()))),
      vscode.commands.registerCommand(CommandId.showOperationLog, operations((h, id) => h.showLog(id))),
      vscode.commands.registerCommand(CommandId.stopOperation, operations((h, id) => h.stop(id))),
      vscode.commands.registerCommand(CommandId.discardOperation, operations((h, id) => h.discard(id))),
      vscode.commands.registerCommand(CommandId.openOperationWorktree, operations((h, id) => h.openWorktree(id))),
      vscode.commands.registerCommand(CommandId.answerOperation, operations((h, id) => h.ask(id))),
      vscode.commands.registerCommand(CommandId.resumeOperation, operations((h, id) => h.resume(id))),
    );
  }

  /** The host, its changes forwarded to the view from the first use on. */
  private connected(): OperationsHost {
    const host = this.host();
    this.attached ??= host.onDidChange(() => this._onDidChangeTreeData.fire());
    return host;
  }

  getTreeItem(id: string): vscode.TreeItem {
    return this.connected().treeItem(id);
  }

  getChildren(element?: string): Promise<string[]> | string[] {
    return element === undefined ? this.connected().children() : [];
  }
}
