import * as vscode from 'vscode';
import { newBlueprint, slugify } from '../../core/blueprint';
import { BLUEPRINTS_DIR, serializeBlueprint } from '../../core/blueprintFile';

/**
 * Writes a new draft blueprint to `.orchard/blueprints/<slug>.json` and
 * returns its slug. Never overwrites: a taken slug gets a numeric suffix.
 */
export async function createBlueprintFile(folder: vscode.WorkspaceFolder, featureName: string, summary: string): Promise<string> {
  const dir = vscode.Uri.joinPath(folder.uri, BLUEPRINTS_DIR);
  await vscode.workspace.fs.createDirectory(dir);
  const base = slugify(featureName);
  const content = new TextEncoder().encode(serializeBlueprint(newBlueprint(featureName, summary)));
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const uri = vscode.Uri.joinPath(dir, `${slug}.json`);
    if (await exists(uri)) continue;
    // workspace.fs has no exclusive create; the window between the check and
    // the write is a few ms, and a second writer would be another Orchard
    // command with the same feature name in the same instant.
    await vscode.workspace.fs.writeFile(uri, content);
    return slug;
  }
  throw new Error(`Too many blueprints named "${base}" in ${BLUEPRINTS_DIR}`);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
