/**
 * The one quiet sign that a build runs: a status-bar item while something is
 * pending or running ("$(sync~spin) Orchard: 1 build running"), hidden
 * otherwise; its tooltip names each build with its phase and time, a click
 * shows the Operations view. It never notifies. In the activation bundle
 * (operationsTree.ts owns it), so it only shows and hides what the host's
 * `overview()` says; the words are core/operations/operationGroups.ts.
 */
import * as vscode from 'vscode';
import { ViewId } from '../commands/commandIds';

export class OperationsStatusBar implements vscode.Disposable {
  private item: vscode.StatusBarItem | undefined;

  /** Shows `text` (undefined hides the item; it is created on the first show). */
  show(text: string | undefined, tooltip: string | undefined): void {
    if (text === undefined) {
      this.item?.hide();
      return;
    }
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('orchard.operations', vscode.StatusBarAlignment.Left, 10);
      this.item.name = 'Orchard Builds';
      // Every view gets a `<id>.focus` command from VS Code.
      this.item.command = `${ViewId.operations}.focus`;
    }
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.item?.dispose();
    this.item = undefined;
  }
}
