import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { blueprintUri, closeAllEditors, diagnosticCode, extension, orchardDiagnostics, waitFor } from '../helpers';

// The language server starts on the first open blueprint (cold start: spawn node, initialize).
const FIRST_DIAGNOSTIC_MS = 15_000;

suite('Blueprint diagnostics from the Orchard language server', () => {
  // broken-widget.json has `"status": "done"` where a section status must be empty|partial|complete.
  const uri = () => blueprintUri('broken-widget.json');

  // Fail here, once and fast, if the extension cannot activate, rather than in every test's wait.
  suiteSetup(() => extension().activate());

  suiteTeardown(async () => {
    // The fix is never saved: put the document back as it is on disk for whoever opens it next.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri().toString());
    if (doc?.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await closeAllEditors();
  });

  test('opening broken-widget.json reports blueprint/schema on the "done" value', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    const diagnostics = await waitFor('an orchard diagnostic on broken-widget.json', () => orchardDiagnostics(uri()).length > 0 && orchardDiagnostics(uri()), FIRST_DIAGNOSTIC_MS);
    assert.equal(diagnostics.length, 1, `expected one diagnostic, got: ${diagnostics.map((d) => d.message).join(' | ')}`);
    const [d] = diagnostics;
    assert.ok(d);
    assert.equal(diagnosticCode(d), 'blueprint/schema');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(d.range), '"done"');
    assert.match(d.message, /^\$\.sections\.dataModel\.status: /);
  });

  test('fixing the value with a WorkspaceEdit clears the diagnostic', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const [d] = await waitFor('the blueprint/schema diagnostic before the fix', () => orchardDiagnostics(uri()).length > 0 && orchardDiagnostics(uri()), FIRST_DIAGNOSTIC_MS);
    assert.ok(d);
    assert.equal(doc.getText(d.range), '"done"', 'the diagnostic is not on the value this test fixes');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri(), d.range, '"complete"');
    assert.equal(await vscode.workspace.applyEdit(edit), true, 'the edit was not applied');
    assert.match(doc.getText(), /"status": "complete"/);
    await waitFor('the orchard diagnostics to clear', () => orchardDiagnostics(uri()).length === 0);
  });
});
