import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { blueprintUri, closeAllEditors, extension, studioTabs, waitFor } from '../helpers';

suite('Studio panel', () => {
  suiteSetup(async () => {
    // Fail here, once and fast, if the extension cannot activate, rather than in every test's wait.
    await extension().activate();
    await closeAllEditors();
  });
  suiteTeardown(closeAllEditors);

  test('orchard.openStudio opens a webview tab for orchard.studio', async () => {
    assert.equal(studioTabs().length, 0, 'a Studio tab is open before the command ran');
    await vscode.commands.executeCommand('orchard.openStudio');
    const tabs = await waitFor('a Studio webview tab', () => studioTabs().length > 0 && studioTabs());
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0]?.label, 'Orchard Studio');
  });

  test('a second orchard.openStudio reveals the same tab instead of opening another', async () => {
    await waitFor('the Studio tab from the first call', () => studioTabs().length > 0);
    // Put a text editor in front, so the Studio becoming active again is the observable effect
    // of the second call; waiting for it means any second panel would also be in the tab model.
    await vscode.window.showTextDocument(blueprintUri('todo-sharing.json'), { viewColumn: vscode.ViewColumn.One, preview: false });
    await waitFor('the text editor in front', () => !isStudioActive());
    await vscode.commands.executeCommand('orchard.openStudio');
    await waitFor('the Studio tab to become active again', isStudioActive);
    assert.equal(studioTabs().length, 1, `expected one Studio tab, found ${studioTabs().length}`);
  });
});

function isStudioActive(): boolean {
  const active = vscode.window.tabGroups.activeTabGroup.activeTab;
  return !!active && studioTabs().includes(active);
}
