/**
 * The Orchard language server through the real UI of VS Code 1.96 (code-server + Chromium): the
 * fixture workspace's broken tree (cookbooks/trees/nightly.yaml) and the CLAUDE.md with a missing
 * import (src/CLAUDE.md) get squiggles and Problems entries with their codes; a quick fix applied
 * from the Ctrl+. menu makes its diagnostic go; completion in `depends_on` offers the step ids.
 * Run with `flock /tmp/orchard-dist.lock npm run test:e2e -- lsp.e2e.mjs`
 * (`-- --no-package lsp.e2e.mjs` reuses the built .vsix).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { screenshot, screenshotTests, startVsCode } from './harness.mjs';
import { vsixForSpec, workspaceForSpec } from './fixtures.mjs';
import {
  applyQuickFix,
  goToLine,
  languageServerPid,
  openFile,
  pickCompletion,
  squiggleCount,
  waitForProblem,
  waitForSquiggles,
} from './lspHelpers.mjs';
import { sleep } from './sessionBasics.mjs';

const TIMEOUT = 120_000;

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file, text) {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${path.basename(file)} has no line with ${text}`);
  return index + 1;
}

describe('Orchard language server in VS Code', { timeout: 10 * 60_000 }, () => {
  let vs;
  let page;
  let workspace;

  before(async () => {
    workspace = workspaceForSpec();
    vs = await startVsCode({ workspace, vsix: vsixForSpec() });
    page = vs.page;
  });

  after(async () => {
    await vs?.close();
  });

  /** A test whose failure leaves a `FAILED-<shot>` screenshot next to the good ones. */
  const uiTest = screenshotTests(() => page, TIMEOUT);

  uiTest('a broken cookbook tree gets squiggles and Problems entries with their codes', 'lsp-a-broken-tree', async () => {
    await openFile(page, 'cookbooks/trees/nightly.yaml');
    // The client starts on this first tree file: the first diagnostics include the server's start.
    await waitForSquiggles(page, 'error', 3, 60_000);
    for (const code of ['tree/unknown-dependency', 'tree/undeclared-var', 'tree/unknown-key', 'tree/template-missing-dependency']) {
      await waitForProblem(page, [code]);
    }
  });

  uiTest('a CLAUDE.md with a missing import gets its Problems entry', 'lsp-b-missing-import', async () => {
    await openFile(page, 'src/CLAUDE.md');
    await waitForSquiggles(page, 'error', 1);
    const rows = await waitForProblem(page, ['memory/import-not-found']);
    assert.ok(rows.some((r) => r.includes('http-conventions.md')), `the entry names the missing file:\n${rows.join('\n')}`);
  });

  uiTest('the quick fix from the Ctrl+. menu creates the imported file and the problem goes', 'lsp-c-quick-fix', async () => {
    const claude = path.join(workspace, 'src', 'CLAUDE.md');
    const created = path.join(workspace, 'docs', 'http-conventions.md');
    assert.equal(fs.existsSync(created), false);
    await openFile(page, 'src/CLAUDE.md');
    await goToLine(page, lineOf(claude, '@../docs/http-conventions.md'), 5);
    await applyQuickFix(page, /http-conventions\.md/);
    const deadline = Date.now() + 15_000;
    while (!fs.existsSync(created) && Date.now() < deadline) await sleep(200);
    assert.ok(fs.existsSync(created), 'the quick fix created docs/http-conventions.md');
    // The server learns of the new file from the file watcher and validates src/CLAUDE.md again.
    await openFile(page, 'src/CLAUDE.md');
    await waitForProblem(page, ['memory/import-not-found'], { present: false });
    assert.equal(await squiggleCount(page, 'error'), 0, 'no error squiggle left in src/CLAUDE.md');
  });

  uiTest('a typo in depends_on is fixed by its "did you mean" quick fix', 'lsp-d-typo-fix', async () => {
    const tree = path.join(workspace, 'cookbooks', 'trees', 'nightly.yaml');
    await openFile(page, 'cookbooks/trees/nightly.yaml');
    await waitForProblem(page, ['tree/unknown-dependency']);
    const line = lineOf(tree, 'depends_on: [biuld]');
    await goToLine(page, line, fs.readFileSync(tree, 'utf8').split('\n')[line - 1].indexOf('biuld') + 2);
    await applyQuickFix(page, /build/);
    await waitForProblem(page, ['tree/unknown-dependency'], { present: false });
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 10_000;
    while (!fs.readFileSync(tree, 'utf8').includes('depends_on: [build]') && Date.now() < deadline) await sleep(200);
    assert.match(fs.readFileSync(tree, 'utf8'), /depends_on: \[build\]/);
  });

  uiTest('completion in depends_on offers the step ids and inserts the one picked', 'lsp-e-completion', async () => {
    const tree = path.join(workspace, 'cookbooks', 'trees', 'release.yaml');
    await openFile(page, 'cookbooks/trees/release.yaml');
    const line = lineOf(tree, 'depends_on: [tag]');
    const text = fs.readFileSync(tree, 'utf8').split('\n')[line - 1];
    // Just after "tag", before the closing bracket.
    await goToLine(page, line, text.indexOf('tag]') + 4);
    await page.keyboard.type(', ');
    const offered = await pickCompletion(page, 'changelog', { whileOpen: () => screenshot(page, 'lsp-e-completion-widget') });
    assert.ok(offered.includes('test'), `the step ids are offered: ${offered.join(', ')}`);
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 10_000;
    while (!fs.readFileSync(tree, 'utf8').includes('depends_on: [tag, changelog]') && Date.now() < deadline) await sleep(200);
    assert.match(fs.readFileSync(tree, 'utf8'), /depends_on: \[tag, changelog\]/);
  });

  uiTest('a crashed server is restarted, the user is told once, and diagnostics keep coming', 'lsp-f-restarted', async () => {
    const pid = languageServerPid(vs.runDir);
    assert.ok(pid, 'found the language server process of this session');
    process.kill(pid, 'SIGKILL');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'the language server stopped unexpectedly and was restarted' });
    await toast.waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while (!languageServerPid(vs.runDir) && Date.now() < deadline) await sleep(200);
    assert.notEqual(languageServerPid(vs.runDir), pid, 'a new server process runs');
    // The restarted server validates again: break the fixed dependency and see it reported.
    const tree = path.join(workspace, 'cookbooks', 'trees', 'nightly.yaml');
    await openFile(page, 'cookbooks/trees/nightly.yaml');
    const line = lineOf(tree, 'depends_on: [build]');
    await goToLine(page, line, fs.readFileSync(tree, 'utf8').split('\n')[line - 1].indexOf('build') + 1);
    await page.keyboard.type('x');
    await waitForProblem(page, ['tree/unknown-dependency']);
  });

  uiTest('orchard.trees.globs in the folder settings moves validation to other files', 'lsp-g-globs-setting', async () => {
    fs.mkdirSync(path.join(workspace, 'flows'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'flows', 'deploy.yaml'), 'name: deploy\nsteps:\n  build:\n    action: shell\n    run: npm test\n  ship:\n    depends_on: [biuld]\n    action: shell\n    run: npm start\n');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'orchard.trees.globs': ['flows/*.yaml'] }, null, 2));
    await openFile(page, 'flows/deploy.yaml');
    await waitForProblem(page, ['depends_on names an unknown step "biuld"']);
    // nightly.yaml is no longer a tree for this folder: its entries go with the restart.
    await waitForProblem(page, ['nightly.yaml'], { present: false });
    // The restart is quiet: no error about messages sent to the server being stopped.
    const failures = await page.locator('.notifications-toasts .notification-toast', { hasText: /failed/i }).allInnerTexts();
    assert.deepEqual(failures, []);
  });
});
