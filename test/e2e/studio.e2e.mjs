/**
 * The Studio through the real UI of VS Code 1.96 (code-server + Chromium): one session for the
 * whole file, tests in order, each leaving a screenshot in test-results/screenshots/.
 * Run with `npm run test:e2e` (or, after `npm run package`, `node --test test/e2e/studio.e2e.mjs`).
 *
 * The webview contract these tests rely on: roots `[data-testid=studio]` / `[data-testid=architect]`,
 * panes `pane-chat|plan|preview`, list rows `blueprint-item` (aria-selected), `section-<key>` rows with
 * a `[data-status]` badge, `blueprint-error` listing file, JSON path and message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { reloadWindow, runCommand, screenshot, screenshotTests, startVsCode, webviewFrame } from './harness.mjs';
import { parseFixtureBlueprint, vsixForSpec, welcomeText, workspaceForSpec } from './fixtures.mjs';

const SECTIONS = ['dataModel', 'apiEndpoints', 'uiComponents', 'dependencies', 'designSystem'];
const TIMEOUT = 90_000;

describe('Orchard Studio in VS Code', { timeout: 10 * 60_000 }, () => {
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

  const visible = (locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });
  const studio = () => webviewFrame(page, { testId: 'studio' });
  const planItem = (frame, name) =>
    frame.locator('[data-testid="pane-plan"] [data-testid="blueprint-item"]').filter({ hasText: name });

  uiTest('the activity bar has Orchard, with the Architect and Operations views', 'a-sidebar', async () => {
    const item = page.locator('.activitybar a.action-label[aria-label="Orchard"]');
    await visible(item);
    await item.click();
    const architect = await webviewFrame(page, { testId: 'architect' });
    await visible(architect.locator('[data-testid="architect"]'));

    const operations = page
      .locator('.part.sidebar .pane')
      .filter({ has: page.locator('.pane-header h3.title', { hasText: /^Operations$/i }) });
    await visible(operations);
    const welcome = welcomeText('orchard.operations');
    assert.ok(welcome, 'package.json has no welcome text for orchard.operations');
    await visible(operations.locator('.welcome-view-content', { hasText: welcome }));
  });

  uiTest('"Orchard: Open Studio" opens the Studio with Chat, Plan and Preview panes', 'b-studio', async () => {
    await runCommand(page, 'Orchard: Open Studio');
    const frame = await studio();
    for (const pane of ['pane-chat', 'pane-plan', 'pane-preview']) await visible(frame.locator(`[data-testid="${pane}"]`));
  });

  uiTest('the Plan pane lists the blueprints and shows a valid one with its spec', 'c-plan-valid', async () => {
    const frame = await studio();
    const items = frame.locator('[data-testid="pane-plan"] [data-testid="blueprint-item"]');
    await visible(planItem(frame, 'Todo sharing'));
    await visible(planItem(frame, 'broken-widget'));
    assert.equal(await items.count(), 2);

    const parsed = await parseFixtureBlueprint('todo-sharing.json');
    assert.ok(parsed.ok);
    await planItem(frame, 'Todo sharing').click();
    await assertSelected(planItem(frame, 'Todo sharing'));
    for (const key of SECTIONS) {
      const row = frame.locator(`[data-testid="section-${key}"]`);
      await visible(row);
      const status = parsed.blueprint.sections[key].status;
      await visible(row.locator(`[data-status="${status}"]`), 5_000);
    }
    const heading = frame.locator('[data-testid="pane-preview"]').locator('h1, h2').filter({ hasText: parsed.blueprint.featureName });
    await visible(heading.first());
  });

  uiTest('a malformed blueprint shows its file, JSON path and the schema message', 'd-plan-broken', async () => {
    const frame = await studio();
    const parsed = await parseFixtureBlueprint('broken-widget.json');
    assert.equal(parsed.ok, false);
    await planItem(frame, 'broken-widget').click();
    const error = frame.locator('[data-testid="blueprint-error"]');
    await visible(error);
    const text = await error.innerText();
    assert.match(text, /broken-widget\.json/);
    for (const problem of parsed.problems) {
      assert.ok(text.includes(problem.path), `error lists ${problem.path}:\n${text}`);
      assert.ok(text.includes(problem.message), `error says "${problem.message}":\n${text}`);
    }
    assert.ok(parsed.problems.some((p) => p.path === '$.sections.dataModel.status'));
  });

  uiTest('a blueprint written to disk appears in the Plan pane without a reload', 'e-live-follow', async () => {
    const frame = await studio();
    const file = path.join(workspace, '.orchard', 'blueprints', 'offline-mode.json');
    const blueprint = { featureName: 'Offline mode', summary: 'Keep working without a connection; sync when back online.' };
    fs.writeFileSync(file, JSON.stringify(blueprint, null, 2) + '\n');
    await visible(planItem(frame, 'Offline mode'), 15_000);
  });

  uiTest('after "Developer: Reload Window" the Studio comes back with the same blueprint selected', 'f-reload', async () => {
    let frame = await studio();
    await planItem(frame, 'Todo sharing').click();
    await assertSelected(planItem(frame, 'Todo sharing'));
    // The webview saves its state (setState) asynchronously; give it a moment before the reload.
    await page.waitForTimeout(500);
    await reloadWindow(page);
    frame = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    await assertSelected(planItem(frame, 'Todo sharing'));
    await visible(frame.locator('[data-testid="section-dataModel"]'));
  });

  uiTest('the SCM title action "Approve Agent Changes" says nothing is waiting', 'g-scm-approve', async () => {
    await runCommand(page, 'View: Show Source Control');
    // The git extension must have found the workspace's repository before the title actions show.
    // (1.96 shows two .scm-view lists: changes and the history graph.)
    await visible(page.locator('.part.sidebar .scm-view').first(), 30_000);
    const action = page.locator(
      '.part.sidebar a.action-label[aria-label="Approve Agent Changes"], .part.sidebar a.action-label[aria-label="Orchard: Approve Agent Changes"]',
    );
    await visible(action.first(), 30_000);
    await action.first().click();
    await visible(page.locator('.notifications-toasts .notification-toast', { hasText: /no agent changes/i }), 10_000);
  });

  uiTest('the Chat pane creates a blueprint file that the Plan pane then shows', 'h-new-blueprint', async () => {
    const frame = await studio();
    const chat = frame.locator('[data-testid="pane-chat"]');
    // The form sits in the chat header's "New blueprint" disclosure.
    await chat.locator('[data-testid="chat-new-blueprint"]').click();
    // vscode-textfield is a custom element; type into its inner input through the keyboard.
    await chat.locator('vscode-textfield').first().click();
    await page.keyboard.type('Due dates');
    await chat.getByRole('button', { name: /create blueprint/i }).click();
    const file = path.join(workspace, '.orchard', 'blueprints', 'due-dates.json');
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(file) && Date.now() < deadline) await page.waitForTimeout(100);
    assert.ok(fs.existsSync(file), 'the form wrote .orchard/blueprints/due-dates.json');
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(written.featureName, 'Due dates');
    assert.equal(written.status, 'draft');
    await assertSelected(planItem(frame, 'Due dates'));
  });

  uiTest('Ctrl+3 in the Studio focuses the Preview pane instead of opening an editor group', 'i-keyboard', async () => {
    const frame = await studio();
    await frame.locator('[data-testid="pane-plan"] h2').click();
    const groupsBefore = await page.locator('.editor-group-container').count();
    await page.keyboard.press('Control+3');
    const focused = async () => frame.locator(':focus').evaluate((el) => el.closest('[data-testid^="pane-"]')?.getAttribute('data-testid')).catch(() => null);
    const deadline = Date.now() + 5_000;
    let pane = await focused();
    while (pane !== 'pane-preview' && Date.now() < deadline) {
      await page.waitForTimeout(100);
      pane = await focused();
    }
    assert.equal(pane, 'pane-preview');
    assert.equal(await page.locator('.editor-group-container').count(), groupsBefore, 'no new editor group');
  });

  uiTest('Set API Key keeps the key in secret storage: the Chat pane says it is set, no log holds it', 'k-api-key', async () => {
    const frame = await studio();
    const chat = frame.locator('[data-testid="pane-chat"]');
    await chat.getByRole('button', { name: 'Set API key' }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await visible(input, 10_000);
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    // A made-up key of the right shape; nothing here talks to a model service.
    const key = `sk-ant-e2e-${Date.now()}-not-a-real-key`;
    await input.fill(key);
    await page.keyboard.press('Enter');
    await visible(chat.getByRole('button', { name: 'Change API key' }), 10_000);
    await visible(page.locator('.notifications-toasts .notification-toast', { hasText: /API key saved/i }), 10_000);
    // The key may live only in SecretStorage (encrypted in the profile's state database, never
    // as plain text): no log, setting or workspace file of the run may contain it.
    const leaks = [];
    const scan = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) scan(file);
        else if (entry.isFile() && fs.statSync(file).size < 20_000_000 && fs.readFileSync(file).includes(key)) leaks.push(file);
      }
    };
    scan(vs.runDir);
    scan(workspace);
    assert.deepEqual(leaks, [], 'files containing the API key in plain text');
  });

  uiTest('History: save a hand edit as a revision, compare two revisions, restore one after confirming', 'l-history', async () => {
    const frame = await studio();
    await planItem(frame, 'Todo sharing').click();
    const history = frame.locator('[data-testid="pane-plan"] [data-testid="history-section"]');
    await visible(history);
    const rows = history.locator('[data-testid="history-row"]');
    const file = path.join(workspace, '.orchard', 'blueprints', 'todo-sharing.json');
    const original = fs.readFileSync(file, 'utf8');

    // The fixture has no revision yet: save the file as it is (r1).
    await history.locator('[data-testid="save-revision"]').click();
    await visible(rows.first());
    assert.equal(await rows.count(), 1);

    // A hand edit on disk shows up at once and can be saved as r2.
    const edited = JSON.parse(original);
    edited.summary = 'Edited by hand in another editor';
    fs.writeFileSync(file, JSON.stringify(edited, null, 2) + '\n');
    await visible(history.locator('[data-testid="unsaved-changes"]'));
    await history.locator('[data-testid="save-revision"]').click();
    await history.locator('[data-testid="history-row"][data-rev="2"]').waitFor({ timeout: 10_000 });

    // Compare r1 and r2: the summary changed.
    await history.locator('[data-testid="history-row"][data-rev="1"] input[type="checkbox"]').check();
    await history.locator('[data-testid="history-row"][data-rev="2"] input[type="checkbox"]').check();
    await history.locator('[data-testid="history-compare"]').click();
    const diff = history.locator('[data-testid="history-diff"]');
    await visible(diff);
    assert.match(await diff.innerText(), /summary/);
    assert.match(await diff.innerText(), /Edited by hand/);
    await screenshot(page, 'l-history-compare');

    // Restore r1 after VS Code's confirmation: the file is r1 again, recorded as r3 "restore r1".
    await history.locator('[data-testid="history-row"][data-rev="1"] [data-testid="history-restore"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await visible(dialog, 10_000);
    assert.match(await dialog.innerText(), /Restore revision r1/);
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await history.locator('[data-testid="history-row"][data-rev="3"]').waitFor({ timeout: 10_000 });
    assert.match(await history.locator('[data-testid="history-row"][data-rev="3"]').innerText(), /restore r1/);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).summary, JSON.parse(original).summary);

    // The studio DB in the workspace storage folder indexed the revisions (its journal names the blueprint).
    const storage = path.join(vs.userDataDir, 'User', 'workspaceStorage');
    const journals = () =>
      fs.existsSync(storage)
        ? fs.readdirSync(storage).map((d) => path.join(storage, d, 'orchard.orchard-studio', 'studio.db.journal')).filter((f) => fs.existsSync(f))
        : [];
    const deadline = Date.now() + 10_000;
    while (!journals().some((f) => fs.readFileSync(f, 'utf8').includes('todo-sharing')) && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(journals().some((f) => fs.readFileSync(f, 'utf8').includes('todo-sharing')), 'studio.db.journal records todo-sharing');
  });

  uiTest('the Studio follows a dark colour theme', 'j-dark-theme', async () => {
    const frame = await studio();
    const background = () => frame.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const luminance = (rgb) => {
      const [r, g, b] = rgb.match(/\d+/g).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const light = luminance(await background());
    // Pick the theme as a user would: the Color Theme quick pick. (runCommand waits for the
    // palette to close, but this command opens a second quick pick in its place.)
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('F1');
    await input.fill('>Preferences: Color Theme');
    // Not "Preferences: Browse Color Themes in Marketplace", which the filter also matches.
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme/ }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Light' }).first().waitFor({ timeout: 10_000 });
    await input.fill('Dark Modern');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 15_000;
    let dark = light;
    while (dark >= 100 && Date.now() < deadline) {
      await page.waitForTimeout(200);
      dark = luminance(await background());
    }
    assert.ok(light > 150, `the default theme is light (${light})`);
    assert.ok(dark < 100, `the Studio turned dark with the theme (${dark})`);
    await visible(frame.locator('[data-testid="pane-plan"] [data-testid="blueprint-item"]').first());
  });
});

async function assertSelected(locator) {
  const deadline = Date.now() + 10_000;
  let value;
  while (Date.now() < deadline) {
    value = await locator.first().getAttribute('aria-selected').catch(() => null);
    if (value === 'true') return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`expected the item to be selected (aria-selected="true"), got ${value}`);
}
