/**
 * The `orchard.*` settings as VS Code holds them now: one typed, immutable
 * snapshot per read (for a folder's scope), never a global. Which change needs
 * what is in `core/settings.ts` (`SETTINGS[name].effect`): chat settings apply
 * from the next message, the globs at once (the language server re-checks),
 * nothing needs a reload. `orchard.anthropic.baseUrl` and
 * `orchard.claudeCli.path` are restricted configurations: in Restricted Mode
 * VS Code ignores the workspace's values for them.
 */
import * as vscode from 'vscode';
import { normalizeSettings, SETTING_NAMES, SETTINGS, type OrchardSettings } from '../core/settings';

export function readSettings(scope: vscode.Uri | vscode.WorkspaceFolder | undefined): Readonly<OrchardSettings> {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  const raw: { [K in keyof OrchardSettings]?: unknown } = {};
  for (const name of SETTING_NAMES) raw[name] = config.get(SETTINGS[name].key);
  return Object.freeze(normalizeSettings(raw));
}

/** Whether a configuration change touches any of these settings (in any scope). */
export function settingsChanged(event: vscode.ConfigurationChangeEvent, ...names: (keyof OrchardSettings)[]): boolean {
  return names.some((name) => event.affectsConfiguration(SETTINGS[name].key));
}
