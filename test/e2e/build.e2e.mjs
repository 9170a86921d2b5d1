/**
 * Build in VS Code end to end (code-server + Chromium): Orchard: Build Blueprint on a ready
 * blueprint, the confirmation naming the commit and what is left out, the runner process
 * (dist/cli.js from the .vsix) running the executor against the fake Anthropic server on
 * 127.0.0.1, the agent's question about a command answered from a notification, the Operations
 * view reaching "ready for review", the log document, a Reload Window during a running build
 * (the view reattaches; no event missed or repeated), and Discard. Real git throughout: the
 * user's checkout, HEAD and uncommitted file are checked byte for byte.
 * Run: `npm run test:e2e -- --no-package build.e2e.mjs`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { startFakeAnthropic } from '../support/fakeAnthropic.mjs';
import { READY_BLUEPRINT } from '../support/readyBlueprint.mjs';
import { vsixForSpec, workspaceForSpec } from './fixtures.mjs';
import { reloadWindow, runCommand, screenshot, screenshotTests, startVsCode, webviewFrame } from './harness.mjs';

const TIMEOUT = 150_000;
const FAKE_KEY = 'sk-ant-e2e-fake-key-for-the-fake-server';
const GREETING = 'exports.greet = (name) => `Hello, ${name}!`;\n';
const SERVE_PREVIEW = `import fs from 'node:fs';
import http from 'node:http';
const server = http.createServer((req, res) => {
  const code = fs.existsSync('greeting.js') ? fs.readFileSync('greeting.js', 'utf8') : 'no greeting yet';
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><h1>Served from the worktree</h1><pre id="code"></pre><script>document.getElementById("code").textContent = ' + JSON.stringify(code) + ';</script>');
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('Listening on http://127.0.0.1:' + process.env.PORT + '/'));
`;

describe('Build in VS Code', { timeout: 12 * 60_000 }, () => {
  let fake;
  let vs;
  let page;
  let workspace;
  let userState;
  const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8', stdio: 'pipe' }).trim();
  const snapshotCheckout = () => ({
    head: git('rev-parse', 'HEAD'),
    // The build's own branches (orchard/*) aside.
    branches: git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads')
      .split('\n')
      .filter((line) => !line.startsWith('refs/heads/orchard/'))
      .join('\n'),
    // The blueprint's file aside: its status follows the build (building, then draft when discarded).
    status: execFileSync('git', ['status', '--porcelain=v1', '--untracked-files=all'], { cwd: workspace, encoding: 'utf8' })
      .split('\n')
      .filter((line) => !line.includes('.orchard/blueprints/greeting.json'))
      .join('\n'),
    readme: fs.readFileSync(path.join(workspace, 'README.md')),
    stash: git('stash', 'list'),
  });

  before(async () => {
    fake = await startFakeAnthropic();
    workspace = workspaceForSpec();
    const file = path.join(workspace, '.orchard', 'blueprints', 'greeting.json');
    fs.writeFileSync(file, `${JSON.stringify(READY_BLUEPRINT, null, 2)}\n`);
    // The app the live preview serves from a build's worktree: a page showing the worktree's greeting.js.
    fs.writeFileSync(path.join(workspace, 'serve-preview.mjs'), SERVE_PREVIEW);
    execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example.invalid', 'add', '.orchard/blueprints/greeting.json', 'serve-preview.mjs'], { cwd: workspace });
    execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Greeting blueprint'], { cwd: workspace });
    // An uncommitted change the build must leave out and never touch.
    fs.appendFileSync(path.join(workspace, 'README.md'), '\nA line not committed yet.\n');
    userState = snapshotCheckout();
    vs = await startVsCode({
      workspace,
      vsix: vsixForSpec(),
      env: { ANTHROPIC_API_KEY: FAKE_KEY },
      settings: { 'orchard.anthropic.baseUrl': fake.url, 'orchard.preview.command': 'node serve-preview.mjs' },
    });
    page = vs.page;
  });

  after(async () => {
    await vs?.close();
    await fake?.close();
  });

  const orchardBranches = () => git('for-each-ref', '--format=%(refname:short)', 'refs/heads/orchard');
  const blueprintStatus = () => JSON.parse(fs.readFileSync(path.join(workspace, '.orchard', 'blueprints', 'greeting.json'), 'utf8')).status;
  const uiTest = screenshotTests(() => page, TIMEOUT);
  const operationRow = (text) => page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
  const agentGrid = () => webviewFrame(page, { testId: 'agent-grid', kind: 'panel', timeout: 45_000 });
  /** The text xterm.js renders for a card's terminal (its DOM renderer's rows). */
  const terminalText = (card) => card.locator('.xterm-rows').innerText().then((t) => t.replace(/\u00a0/g, ' '));
  /** The seq of the last event in an operation's log (one event per line, numbered from 1). */
  const lastLoggedSeq = (id) => {
    const repos = path.join(vs.stateHome, 'orchard', 'repos');
    const file = fs.readdirSync(repos).map((d) => path.join(repos, d, 'operations', `${id}.jsonl`)).find((f) => fs.existsSync(f));
    return JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').at(-1)).seq;
  };

  /** After a reload the workbench restores the sidebar while we look: click the icon only while it is closed. */
  async function showOrchardSidebar() {
    for (let attempt = 1; ; attempt++) {
      const open = await page.locator('.part.sidebar .composite.title', { hasText: /Orchard/i }).isVisible().catch(() => false);
      if (!open) await page.locator('.activitybar a.action-label[aria-label="Orchard"]').click();
      const shown = await page.locator('.part.sidebar .pane-header', { hasText: /Operations/i }).waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) return;
      if (attempt >= 4) throw new Error('the Orchard sidebar did not open');
    }
  }

  async function startBuild() {
    await runCommand(page, 'Orchard: Build Blueprint', { waitClosed: false });
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Greeting' }).first();
    await pick.waitFor({ timeout: 20_000 });
    await pick.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    const words = await dialog.innerText();
    await dialog.getByRole('button', { name: 'Build', exact: true }).click();
    return words;
  }

  uiTest('Build asks with the commit it starts from, runs the agent in a worktree, asks about a command, and waits for review', 'build-a-ready', async () => {
    fake.script(
      { kind: 'text_tool', text: 'Plan: add greeting.js with greet(name).', tool: { name: 'write_file', input: { path: 'greeting.js', content: GREETING } } },
      { kind: 'tool_use', name: 'run_command', input: { command: 'touch build-ran.txt' } },
      { kind: 'text', text: 'Added greeting.js.' },
    );
    const words = await startBuild();
    assert.match(words, /Build "Greeting"\?/);
    assert.ok(words.includes(userState.head.slice(0, 12)), `the confirmation names the base commit: ${words}`);
    assert.match(words, /Uncommitted changes are not included: 1 changed path \(README\.md\)/);

    // The agent asks before a command the policy does not allow on its own; the user allows it once.
    const question = page.locator('.notification-toast', { hasText: 'asks to run: touch build-ran.txt' });
    await question.waitFor({ timeout: 60_000 });
    await question.getByRole('button', { name: 'Allow Once' }).click();

    await operationRow('ready for review').waitFor({ timeout: 90_000 });
    assert.match(await operationRow('Greeting').innerText(), /Greeting[\s\S]*ready for review/);
    // Grouped: the build waits for the user; its phases are its children, each with how it went.
    await operationRow('Waiting for you (1)').waitFor({ timeout: 10_000 });
    // A finished build's phases are folded away; its twistie shows them.
    await operationRow('Greeting').locator('.monaco-tl-twistie').click();
    await operationRow('implement').waitFor({ timeout: 10_000 });
    assert.match(await operationRow('implement').innerText(), /implement[\s\S]*done · \d+ s/);
    // The container's badge counts what waits for approval.
    const badge = page.locator('.activitybar a.action-label[aria-label^="Orchard"] ~ .badge, .activitybar .action-item:has(a[aria-label^="Orchard"]) .badge-content').first();
    await badge.waitFor({ timeout: 10_000 });
    assert.equal((await badge.innerText()).trim(), '1');

    // The branch holds the agent's change and the command's file; the user's checkout is as it was.
    assert.equal(orchardBranches(), 'orchard/greeting-1');
    assert.equal(git('show', 'orchard/greeting-1:greeting.js') + '\n', GREETING);
    assert.match(git('show', '--stat', '--format=%s', 'orchard/greeting-1'), /build-ran\.txt/);
    assert.equal(git('rev-parse', 'orchard/greeting-1^'), userState.head);
    const worktrees = git('worktree', 'list', '--porcelain');
    assert.ok(worktrees.includes(vs.stateHome), `the worktree lives in the state folder, outside the workspace:\n${worktrees}`);
    assert.equal(fs.existsSync(path.join(workspace, 'greeting.js')), false);
    assert.equal(fs.existsSync(path.join(workspace, 'build-ran.txt')), false);
    const now = snapshotCheckout();
    assert.deepEqual({ ...now, readme: now.readme.toString('base64') }, { ...userState, readme: userState.readme.toString('base64') });
    assert.equal(blueprintStatus(), 'building', 'the blueprint says building while its build waits for review');
  });

  uiTest('the Agent Grid shows the build: its phases, its timeline with the answered question, its terminal; the Studio shows its progress', 'build-a2-grid', async () => {
    await runCommand(page, 'Orchard: Show Agents');
    const grid = await agentGrid();
    const card = grid.locator('[data-testid="agent-card"]').first();
    await card.waitFor({ timeout: 20_000 });
    assert.equal(await card.locator('h3').innerText(), 'Greeting');
    assert.equal(await card.getAttribute('data-status'), 'waiting');
    assert.equal(await card.locator('[data-testid="agent-status"]').innerText(), 'ready for review');
    const timeline = card.locator('[data-testid="agent-timeline"]');
    await timeline.locator('text=Write greeting.js').waitFor({ timeout: 20_000 });
    const story = await timeline.innerText();
    assert.match(story, /Plan: add greeting\.js with greet\(name\)\./);
    assert.match(story, /Asks to run touch build-ran\.txt[\s\S]*allowed once/);
    assert.match(story, /Committed [0-9a-f]{12}/);
    assert.equal(await card.locator('.phase[data-phase="implement"]').getAttribute('data-state'), 'done');
    assert.equal(await card.locator('.phase[data-phase="review"]').getAttribute('data-state'), 'skipped');
    // The command and its exit in a real terminal renderer.
    await card.locator('.xterm-rows').waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 15_000;
    while (!(await terminalText(card)).includes('[exit 0]') && Date.now() < deadline) await page.waitForTimeout(200);
    const terminal = await terminalText(card);
    assert.match(terminal, /\$ touch build-ran\.txt/);
    assert.match(terminal, /\[exit 0\]/);
    await screenshot(page, 'build-a2-grid-light');

    // The Studio's Build tab: the phase list and the card of the selected blueprint's build.
    await runCommand(page, 'Orchard: Open Studio');
    const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    await studio.locator('[data-testid="preview-tab-build"]').click();
    const progress = studio.locator('[data-testid="build-progress"]');
    await progress.locator('.steps [data-phase="commit"][data-state="done"]').waitFor({ timeout: 20_000 });
    assert.match(await progress.locator('.steps [data-phase="implement"]').innerText(), /Implement\s*done · \d+ s/);
    await progress.locator('[data-testid="agent-card"]').waitFor({ timeout: 10_000 });
    await screenshot(page, 'build-a2-studio-build-tab');

    // The App tab runs the app from the build's worktree and shows it through the forwarded address.
    await studio.locator('[data-testid="preview-tab-app"]').click();
    const preview = studio.locator('[data-testid="app-preview"]');
    await preview.locator('[data-testid="app-frame"]').waitFor({ timeout: 60_000 }).catch(async (error) => {
      throw new Error(`${error.message}\nthe App tab says: ${await preview.innerText()}`);
    });
    assert.match(await preview.innerText(), /node serve-preview\.mjs/);
    const served = studio.frameLocator('[data-testid="app-frame"]');
    await served.locator('h1', { hasText: 'Served from the worktree' }).waitFor({ timeout: 30_000 });
    // greeting.js exists only in the build's worktree, not in the user's checkout.
    assert.equal((await served.locator('#code').innerText()).trim(), GREETING.trim());
    await screenshot(page, 'build-a2-studio-app-tab');
  });

  uiTest('the log opens as a document; a build running through Reload Window is followed on, nothing missed or repeated', 'build-b-reload', async () => {
    await operationRow('Greeting').click();
    const editor = page.locator('.editor-instance .view-lines');
    await page.locator('.tab', { hasText: 'greeting.log' }).first().waitFor({ timeout: 20_000 });
    await page.locator('.view-line', { hasText: '[commit]' }).first().waitFor({ timeout: 20_000 });
    assert.match((await editor.innerText()).replace(/\u00a0/g, ' '), /\[asks\] q\d+: may it run `touch build-ran\.txt`\?/);

    // A second build that streams slowly, so the reload lands while it runs.
    fake.script(
      { kind: 'text_tool', text: Array.from({ length: 250 }, (_, i) => `step${i}`).join(' '), delayMs: 100, tool: { name: 'write_file', input: { path: 'greeting.js', content: GREETING } } },
      { kind: 'text', text: 'Done again.' },
    );
    await startBuild();
    await operationRow(/running · /).waitFor({ timeout: 60_000 });
    // The grid shows the new build as it streams, and the status bar says one runs.
    const before = await agentGrid();
    const running = before.locator('[data-testid="agent-card"][data-status="running"]').first();
    await running.waitFor({ timeout: 30_000 });
    const id = await running.getAttribute('data-operation');
    await page.locator('.statusbar-item', { hasText: 'Orchard: 1 build running' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'build-b-grid-running');
    await reloadWindow(page);
    // The grid comes back by itself, replays the build from its log and keeps streaming.
    const after = await agentGrid();
    const card = after.locator(`[data-testid="agent-card"][data-operation="${id}"]`);
    await card.waitFor({ timeout: 30_000 });
    await card.locator('[data-testid="agent-timeline"]', { hasText: 'Done again.' }).waitFor({ timeout: 90_000 });
    await after.locator(`[data-testid="agent-card"][data-operation="${id}"][data-status="waiting"]`).waitFor({ timeout: 30_000 });
    const story = await card.locator('[data-testid="agent-timeline"]').innerText();
    assert.equal(story.match(/step0 /g)?.length, 1, `the agent's note once:\n${story}`);
    assert.equal(story.match(/Done again\./g)?.length, 1, story);
    // Every event after the replay was applied once, in order, up to the log's last.
    const trace = await after.locator('body').evaluate((_, opId) => window.__orchardOperationEvents?.[opId], id);
    assert.ok(trace, 'the grid traced the operation');
    assert.equal(trace.duplicates, 0, JSON.stringify(trace));
    assert.equal(trace.gaps, 0, JSON.stringify(trace));
    assert.equal(trace.lastSeq, lastLoggedSeq(id), JSON.stringify(trace));
    assert.ok(trace.applied.length > 0, `events streamed after the reload's replay: ${JSON.stringify(trace)}`);
    assert.ok(trace.applied.every((seq, i) => i === 0 || seq === trace.applied[i - 1] + 1), JSON.stringify(trace.applied));
    // The same grid in a dark theme, picked as a user would (the Color Theme quick pick opens a
    // second quick pick in the palette's place, so runCommand is not used).
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('F1');
    await input.fill('>Preferences: Color Theme');
    const themeRow = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme/ }).first();
    await themeRow.waitFor({ timeout: 10_000 });
    await themeRow.click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Light' }).first().waitFor({ timeout: 10_000 });
    await input.fill('Dark Modern');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
    await screenshot(page, 'build-b-grid-dark');
    await showOrchardSidebar();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'ready for review' }).nth(1).waitFor({ timeout: 90_000 });
    // Labelled by the blueprint's feature name after the reload too, not its file name.
    assert.match(await operationRow('ready for review').innerText(), /^Greeting/);
    assert.equal(orchardBranches(), 'orchard/greeting-1\norchard/greeting-2');

    // The second build's log: each phase and the commit once.
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Greeting' }).first().click();
    await page.locator('.view-line', { hasText: 'Done again.' }).first().waitFor({ timeout: 20_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.equal(text.match(/\[commit\]/g)?.length, 1, text);
    assert.equal(text.match(/\[phase\] implement/g)?.length, 1, text);
  });

  uiTest('Discard removes the worktree and the branch, and only them', 'build-c-discard', async () => {
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'Greeting' }).first();
    const dialog = page.locator('.monaco-dialog-box');
    // A click on a context-menu item can land while the menu still settles; the item under the
    // pointer has the focus, so Enter runs it. Again if the menu went away without the dialog.
    for (let attempt = 1; !(await dialog.isVisible()); attempt++) {
      await row.click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: 'Discard Build' });
      await item.waitFor({ timeout: 10_000 });
      await item.hover();
      await page.keyboard.press('Enter');
      if (await dialog.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      if (attempt >= 3) throw new Error('Discard Build did not ask for confirmation');
      await page.keyboard.press('Escape');
    }
    assert.match(await dialog.innerText(), /orchard\/greeting-2 are deleted/);
    await dialog.getByRole('button', { name: 'Discard', exact: true }).click();
    await operationRow('discarded').waitFor({ timeout: 30_000 });
    // The Studio (restored by the reload, on its App tab) stops the discarded build's app.
    await page.locator('.tab', { hasText: 'Orchard Studio' }).first().click();
    const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    await studio.locator('[data-testid="preview-tab-app"]').click();
    await studio.locator('[data-testid="app-preview"]', { hasText: /discarded/ }).waitFor({ timeout: 30_000 });
    assert.equal(orchardBranches(), 'orchard/greeting-1');
    assert.equal(git('worktree', 'list', '--porcelain').split('\n\n').length, 2, 'the main checkout and greeting-1 only');
    const now = snapshotCheckout();
    assert.equal(now.head, userState.head);
    assert.equal(now.status, userState.status);
    assert.deepEqual(now.readme, userState.readme);
  });
});
