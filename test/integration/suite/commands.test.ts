import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Blueprint } from '../../../extension/src/core/blueprint/blueprint';
import { canBuild, readinessProblems } from '../../../extension/src/core/blueprint/readiness';
import { blueprintUri, closeAllEditors, extension, studioTabs, waitFor, workspaceRoot } from '../helpers';

// The commands below end in a notification, which no extension API can read. What the tests
// check instead is everything else the extension host can see: the value the command resolves
// to, the workspace's files (nothing written, created or deleted), the tab model (nothing opened
// or closed), and that the fixture really is in the branch the test names.
suite('Commands', () => {
  suiteSetup(async () => {
    // Fail here, once and fast, if the extension cannot activate, rather than in every test.
    await extension().activate();
    await closeAllEditors();
  });
  teardown(closeAllEditors);

  test('orchard.approveAgentChanges resolves with nothing approved: no file, no tab changes', async () => {
    const before = await workspaceFiles();
    assert.equal(await vscode.commands.executeCommand('orchard.approveAgentChanges'), undefined);
    assert.deepEqual(await tabsAfterMarker(), [MARKER], 'approving opened or closed an editor');
    assert.deepEqual(await workspaceFiles(), before, 'approving changed the workspace');
  });

  test('orchard.buildBlueprint with an unknown slug builds nothing', async () => {
    // The branch under test: past the Restricted Mode check, and no such blueprint file.
    assert.equal(vscode.workspace.isTrusted, true, 'the workspace is not trusted: the command would stop at the Restricted Mode warning');
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.stat(blueprintUri('no-such-blueprint.json'))),
      (err) => err instanceof vscode.FileSystemError && err.code === 'FileNotFound',
      'no-such-blueprint.json exists in the fixture',
    );
    const before = await workspaceFiles();
    assert.equal(await vscode.commands.executeCommand('orchard.buildBlueprint', 'no-such-blueprint'), undefined);
    assert.deepEqual(await tabsAfterMarker(), [MARKER], 'the build command opened or closed an editor');
    assert.deepEqual(await workspaceFiles(), before, 'the build command changed the workspace');
  });

  test('orchard.buildBlueprint on a blueprint that is not ready leaves it a draft, unchanged', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the workspace is not trusted: the command would stop at the Restricted Mode warning');
    const file = 'todo-sharing.json';
    const parsed = Blueprint.safeParse(JSON.parse(await readText(blueprintUri(file))));
    assert.ok(parsed.success, `${file} is not a valid blueprint: the command would take the "no valid blueprint" branch`);
    const blueprint = parsed.data;
    // The branch under test: valid, but canBuild refuses it (what the command checks), for these reasons.
    assert.equal(canBuild(blueprint), false, `${file} is ready to build`);
    assert.ok(readinessProblems(blueprint).includes('1 blocking question is open'), readinessProblems(blueprint).join('; '));
    assert.equal(blueprint.status, 'draft');

    const before = await workspaceFiles();
    assert.equal(await vscode.commands.executeCommand('orchard.buildBlueprint', 'todo-sharing'), undefined);
    assert.deepEqual(await tabsAfterMarker(), [MARKER], 'the build command opened or closed an editor');
    const after = await workspaceFiles();
    assert.equal(after[`.orchard/blueprints/${file}`], before[`.orchard/blueprints/${file}`], `${file} was rewritten`);
    assert.deepEqual(after, before, 'the build command changed the workspace');
  });

  test('orchard.focusStudioPane with no Studio open does not open one', async () => {
    assert.equal(studioTabs().length, 0, 'a Studio tab is open before the command ran');
    // Panes 1-3 (what Ctrl+1/2/3 send) and arguments the command must ignore.
    for (const pane of [1, 2, 3, 0, 4, '2', undefined]) {
      assert.equal(await vscode.commands.executeCommand('orchard.focusStudioPane', pane), undefined, `focusStudioPane(${String(pane)})`);
    }
    assert.deepEqual(await tabsAfterMarker(), [MARKER], 'focusing a pane opened an editor');
  });

  test('orchard.focusStudioPane with the Studio active keeps it the one active Studio tab', async () => {
    await vscode.commands.executeCommand('orchard.openStudio');
    await waitFor('the Studio tab to be active', isStudioActive);
    // What Ctrl+1/2/3 send while the Studio is the active panel (package.json keybindings).
    for (const pane of [2, 3, 1]) {
      assert.equal(await vscode.commands.executeCommand('orchard.focusStudioPane', pane), undefined, `focusStudioPane(${pane})`);
    }
    assert.ok(isStudioActive(), 'focusing a pane moved the focus off the Studio tab');
    assert.deepEqual((await tabsAfterMarker()).sort(), [MARKER, 'Orchard Studio'].sort(), 'focusing a pane opened or closed an editor');
    assert.equal(studioTabs().length, 1, `expected one Studio tab, found ${studioTabs().length}`);
  });
});

/** A workspace file the tests open to know the workbench has applied everything asked of it before. */
const MARKER = 'todos.js';
const QUIET_MS = 400;

/**
 * The tab labels, in every group, once the workbench has caught up with the command: first the tabs
 * must stay unchanged for QUIET_MS (a command's un-awaited effects take several round trips: open the
 * document, then show it; a marker shown meanwhile would cancel that editor's opening), then the
 * marker file is shown and must become the active tab (everything asked of the workbench before it
 * has been applied), then the tabs must be quiet again.
 */
async function tabsAfterMarker(): Promise<string[]> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', MARKER);
  const markerActive = () => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputText && input.uri.toString() === uri.toString();
  };
  await tabsQuiet();
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: false });
  await waitFor(`${MARKER} to be the active tab`, markerActive);
  await tabsQuiet();
  assert.ok(markerActive(), `something took the focus from ${MARKER}: ${vscode.window.tabGroups.activeTabGroup.activeTab?.label}`);
  return tabLabels();
}

async function tabsQuiet(): Promise<void> {
  let changed = Date.now();
  const touch = () => {
    changed = Date.now();
  };
  const listeners = [vscode.window.tabGroups.onDidChangeTabs(touch), vscode.window.tabGroups.onDidChangeTabGroups(touch)];
  try {
    await waitFor(`the tabs to stay unchanged for ${QUIET_MS} ms`, () => Date.now() - changed >= QUIET_MS, 5_000);
  } finally {
    for (const l of listeners) l.dispose();
  }
}

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

function isStudioActive(): boolean {
  const active = vscode.window.tabGroups.activeTabGroup.activeTab;
  return !!active && studioTabs().includes(active);
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Every file in the workspace (files.exclude applies, so not .git) with its text, by relative path. */
async function workspaceFiles(): Promise<Record<string, string>> {
  const uris = await vscode.workspace.findFiles('**/*');
  assert.ok(uris.length > 0, 'findFiles found no files in the workspace');
  const entries = await Promise.all(uris.map(async (uri) => [vscode.workspace.asRelativePath(uri, false), await readText(uri)] as const));
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
