import * as vscode from 'vscode';
import { ViewId } from '../commands/commandIds';
import type { StudioHost } from '../studioHost';

/**
 * Registers the sidebar Architect view at activation; its webview and session
 * come from the Studio host, loaded when the view is first shown.
 */
export function registerArchitectView(host: () => StudioHost): vscode.Disposable {
  return vscode.window.registerWebviewViewProvider(ViewId.architect, {
    resolveWebviewView: (view) => host().resolveArchitectView(view),
  });
}

/** Restores the Studio panel after a reload; VS Code activates us for it (`onWebviewPanel:orchard.studio`). */
export function registerStudioSerializer(host: () => StudioHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(ViewId.studioPanel, {
    // The webview's own state (selection, pane sizes) comes back to it through getState().
    deserializeWebviewPanel: async (panel) => host().restoreStudio(panel),
  });
}

/** Restores the Agent Grid after a reload (`onWebviewPanel:orchard.agents`); it replays every card from the logs. */
export function registerAgentsSerializer(host: () => StudioHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(ViewId.agentsPanel, {
    deserializeWebviewPanel: async (panel) => host().restoreAgents(panel),
  });
}
