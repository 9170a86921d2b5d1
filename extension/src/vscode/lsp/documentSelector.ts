/**
 * Which documents the Orchard language server answers for: blueprint files, the
 * workspace's `.orchard/schema.yaml`, and the memory and tree files named by
 * `orchard.memory.globs` / `orchard.trees.globs`, read per workspace folder.
 * Part of the activation bundle (the lazy client decides with it whether to
 * start), so it uses VS Code's own glob matching and imports only the
 * settings snapshot (whose table, `core/settings.ts`, imports nothing).
 */
import * as vscode from 'vscode';
import { readSettings, settingsChanged } from '../settings';

/** Blueprints are found in any folder, like before the memory and tree files were added. */
export const BLUEPRINT_GLOB = '**/.orchard/blueprints/*.json';

/** Per workspace folder, the globs (relative to it) of the files the server validates. */
export function orchardFilePatterns(): { folder: vscode.WorkspaceFolder; glob: string }[] {
  const patterns: { folder: vscode.WorkspaceFolder; glob: string }[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const settings = readSettings(folder);
    const globs = new Set(['.orchard/schema.yaml', ...settings.memoryGlobs, ...settings.treeGlobs]);
    for (const glob of globs) patterns.push({ folder, glob });
  }
  return patterns;
}

/** The same files as a VS Code selector, for deciding whether an opened document needs the server. */
export function orchardDocumentSelector(): vscode.DocumentFilter[] {
  return [
    { scheme: 'file', language: 'json', pattern: BLUEPRINT_GLOB },
    ...orchardFilePatterns().map(({ folder, glob }) => ({ scheme: 'file', pattern: new vscode.RelativePattern(folder, glob) })),
  ];
}

export function affectsSelector(event: vscode.ConfigurationChangeEvent): boolean {
  return settingsChanged(event, 'memoryGlobs', 'treeGlobs');
}
