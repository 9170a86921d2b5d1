import * as vscode from 'vscode';

// Both commands answer with a notification; these tests check that running them through the
// real command service resolves (the command is registered and its handler does not throw).
suite('Commands', () => {
  test('orchard.approveAgentChanges runs without throwing', async () => {
    await vscode.commands.executeCommand('orchard.approveAgentChanges');
  });

  test('orchard.buildBlueprint with an unknown slug does not throw', async () => {
    await vscode.commands.executeCommand('orchard.buildBlueprint', 'no-such-blueprint');
  });
});
