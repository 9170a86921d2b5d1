import * as vscode from 'vscode';
import type { StudioHost } from '../studioHost';
import { CommandId } from './commandIds';

/**
 * Commands around the Studio and its blueprints. They are registered at
 * activation but the work is done by the Studio host, loaded on first use.
 */
export function registerStudioCommands(host: () => StudioHost, openStudio: (slug?: string) => void): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.openStudio, (slug?: unknown) => openStudio(typeof slug === 'string' ? slug : undefined)),
    // Bound to Ctrl/Cmd+1/2/3 while the Studio is the active panel (see package.json keybindings).
    vscode.commands.registerCommand(CommandId.focusStudioPane, (pane?: unknown) => {
      if (pane === 1 || pane === 2 || pane === 3) host().focusStudioPane(pane);
    }),
    vscode.commands.registerCommand(CommandId.newBlueprint, () => host().newBlueprint()),
    vscode.commands.registerCommand(CommandId.blueprintHistory, (slug?: unknown) => host().showHistory(slug)),
    vscode.commands.registerCommand(CommandId.buildBlueprint, (slug?: unknown) => host().buildBlueprint(slug)),
    vscode.commands.registerCommand(CommandId.showAgents, () => host().showAgents()),
  ];
}
