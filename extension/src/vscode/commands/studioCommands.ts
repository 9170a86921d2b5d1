import * as vscode from 'vscode';
import { canBuild } from '../../core/blueprint';
import { createBlueprintFile } from '../blueprints/createBlueprint';
import { StudioPanel } from '../webviews/studioPanel';
import type { SessionServices } from '../webviews/webviewSession';
import { CommandId } from './commandIds';

/** Commands around the Studio and its blueprints. */
export function registerStudioCommands(extensionUri: vscode.Uri, services: SessionServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.openStudio, (slug?: unknown) => {
      StudioPanel.show(extensionUri, services, typeof slug === 'string' ? slug : undefined);
    }),

    // Bound to Ctrl/Cmd+1/2/3 while the Studio is the active panel (see package.json keybindings).
    vscode.commands.registerCommand(CommandId.focusStudioPane, (pane?: unknown) => {
      if (pane === 1 || pane === 2 || pane === 3) StudioPanel.focusPane(pane);
    }),

    vscode.commands.registerCommand(CommandId.newBlueprint, async () => {
      const folder = services.index.folder;
      if (!folder) {
        void vscode.window.showInformationMessage('Open a folder first: Orchard keeps blueprints in its .orchard/blueprints folder.');
        return;
      }
      const featureName = await vscode.window.showInputBox({
        title: 'New Blueprint (1/2)',
        prompt: 'What feature are you planning?',
        placeHolder: 'e.g. Shared todo lists',
        validateInput: (v) => (v.trim() === '' ? 'A feature name is required.' : v.length > 120 ? 'At most 120 characters.' : undefined),
      });
      if (featureName === undefined) return;
      const summary = await vscode.window.showInputBox({
        title: 'New Blueprint (2/2)',
        prompt: 'A one-line summary (optional)',
        validateInput: (v) => (v.length > 2000 ? 'At most 2000 characters.' : undefined),
      });
      if (summary === undefined) return;
      const slug = await createBlueprintFile(folder, featureName.trim(), summary.trim());
      StudioPanel.show(extensionUri, services, slug);
    }),

    vscode.commands.registerCommand(CommandId.buildBlueprint, async (slug?: unknown) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Orchard does not build in Restricted Mode. Trust this workspace to let agents run.');
        return;
      }
      await services.index.list();
      const entry = typeof slug === 'string' ? services.index.find(slug) : undefined;
      if (!entry || !entry.ok) {
        void vscode.window.showErrorMessage(`Orchard: there is no valid blueprint "${String(slug)}" to build.`);
        return;
      }
      if (!canBuild(entry.blueprint)) {
        void vscode.window.showWarningMessage(`"${entry.blueprint.featureName}" is not ready to build: resolve its blockers and blocking questions first.`);
        return;
      }
      // The agent build pipeline (worktree, quality gates, reviewers) is not in this release.
      void vscode.window.showInformationMessage(
        `"${entry.blueprint.featureName}" is ready to build. Agent builds are not available in this version of Orchard Studio; its spec is in the Studio's Preview pane.`,
      );
    }),
  ];
}
