import * as vscode from 'vscode';
import { ViewId } from './commands/commandIds';

/**
 * The Operations view: builds and tree runs with their phases. None run in
 * this release, so the tree is empty and VS Code shows the view's welcome
 * content (package.json `viewsWelcome`) instead.
 */
export class OperationsTreeProvider implements vscode.TreeDataProvider<never> {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  static register(): vscode.Disposable {
    const provider = new OperationsTreeProvider();
    const view = vscode.window.createTreeView(ViewId.operations, { treeDataProvider: provider });
    return vscode.Disposable.from(view, provider._onDidChangeTreeData);
  }

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
