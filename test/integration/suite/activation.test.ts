import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension } from '../helpers';

interface ContributedCommand {
  command: string;
}

suite('Activation', () => {
  test('the extension activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('every command in package.json contributes.commands is registered', async () => {
    const ext = extension();
    await ext.activate();
    // The manifest VS Code loaded, i.e. the one that shipped, not the checkout's package.json.
    const declared = ((ext.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });
});
