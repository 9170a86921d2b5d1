/**
 * Which documents the Orchard language server answers for: blueprint files, the
 * workspace's `.orchard/schema.yaml`, and the memory and tree files named by
 * `orchard.memory.globs` / `orchard.trees.globs`, read per workspace folder.
 * Part of the activation bundle (the lazy client decides with it whether to
 * start), so it uses VS Code's own glob matching and imports nothing else; the
 * defaults come from package.json through `inspect()`, never a copy.
 */
import * as vscode from 'vscode';

export const GLOB_SETTINGS = ['orchard.memory.globs', 'orchard.trees.globs'] as const;

/** Blueprints are found in any folder, like before the memory and tree files were added. */
export const BLUEPRINT_GLOB = '**/.orchard/blueprints/*.json';

/** Per workspace folder, the globs (relative to it) of the files the server validates. */
export function orchardFilePatterns(): { folder: vscode.WorkspaceFolder; glob: string }[] {
  const patterns: { folder: vscode.WorkspaceFolder; glob: string }[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const globs = new Set(['.orchard/schema.yaml', ...GLOB_SETTINGS.flatMap((setting) => globsOf(folder, setting))]);
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

/** The folder's globs for a setting; anything but a list of strings means the defaults (the server logs why). */
function globsOf(folder: vscode.WorkspaceFolder, setting: (typeof GLOB_SETTINGS)[number]): string[] {
  const [section, key] = splitSetting(setting);
  const config = vscode.workspace.getConfiguration(section, folder);
  const value = config.get<unknown>(key);
  const usable = (v: unknown): v is unknown[] => Array.isArray(v);
  const list = usable(value) ? value : config.inspect<unknown>(key)?.defaultValue;
  return usable(list) ? list.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
}

function splitSetting(setting: string): [string, string] {
  const dot = setting.indexOf('.');
  return [setting.slice(0, dot), setting.slice(dot + 1)];
}

export function affectsSelector(event: vscode.ConfigurationChangeEvent): boolean {
  return GLOB_SETTINGS.some((s) => event.affectsConfiguration(s));
}
