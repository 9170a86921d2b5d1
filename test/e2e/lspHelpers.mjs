/**
 * Editor-side helpers for the language server's e2e spec (VS Code 1.96 in code-server): open a
 * file, move the cursor, read squiggles and the Problems panel, apply a quick fix from the light
 * bulb menu, pick a completion. Everything goes through the UI a user would use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dismissDialogs, runCommand, workbenchProblems } from './harness.mjs';
import { sleep } from './sessionBasics.mjs';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Quick Open (Ctrl+P) a workspace-relative path and wait for its editor tab to be active. On a
 * loaded machine a step can be lost (a dialog swallowing the keys, a click on a row the list
 * re-rendered under it), so an attempt that does not end with the tab active is tried again from
 * a closed Quick Open; the error says what the workbench was showing.
 */
export async function openFile(page, relativePath, { timeout = 40_000 } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (let attempt = 1; ; attempt++) {
    try {
      await openFileOnce(page, relativePath, Math.max(2_000, Math.min(8_000 * attempt, deadline - Date.now())));
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await page.keyboard.press('Escape');
    await sleep(200);
  }
  const showing = await workbenchProblems(page);
  throw new Error(`could not open ${relativePath} with Quick Open: ${lastError.message}${showing ? `\nthe workbench showed:\n${showing}` : ''}`);
}

async function openFileOnce(page, relativePath, timeout) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await dismissDialogs(page);
  await page.keyboard.press('Control+P');
  // Ctrl+P is lost while focus is somewhere that swallows it; the title bar's search opens the same Quick Open.
  if (!(await input.waitFor({ timeout: Math.min(3_000, timeout) }).then(() => true, () => false))) {
    await page.locator('.command-center .search-label, .command-center-center').first().click();
    await input.waitFor({ timeout });
  }
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  // The list first shows recently opened files; wait for the filtered row and click it rather than trusting Enter.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout });
  await activeEditor(page).locator('.view-lines').waitFor({ timeout });
  await activeEditor(page).locator('.view-lines').click({ position: { x: 5, y: 5 } });
}

export function activeEditor(page) {
  return page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
}

/** Puts the cursor at a 1-based line and column with Go to Line (Ctrl+G). */
export async function goToLine(page, line, column = 1) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('Control+G');
  await input.waitFor({ timeout: 10_000 });
  // Ctrl+G opens Quick Open with a ":" prefix; fill() replaces the whole value, so keep it.
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Waits until the active editor shows at least `min` squiggles of a severity (`error`, `warning`, `info`, `hint`). */
export async function waitForSquiggles(page, severity, min = 1, timeout = 30_000) {
  const squiggles = activeEditor(page).locator(`.squiggly-${severity}`);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const n = await squiggles.count();
    if (n >= min) return n;
    await sleep(200);
  }
  throw new Error(`expected at least ${min} ${severity} squiggle(s) in the active editor within ${timeout} ms, saw ${await squiggles.count()}`);
}

export async function squiggleCount(page, severity) {
  return activeEditor(page).locator(`.squiggly-${severity}`).count();
}

/** Opens the Problems panel and returns the text of its rows (message, source(code), position). */
export async function problemRows(page) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await runCommand(page, 'Problems: Focus on Problems View');
    });
  }
  await panel.waitFor({ timeout: 15_000 });
  await sleep(300);
  return (await panel.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Waits until some Problems row contains every one of `texts` (e.g. a code and a file name). */
export async function waitForProblem(page, texts, { present = true, timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await problemRows(page);
    const found = rows.some((r) => texts.every((t) => r.includes(t)));
    if (found === present) return rows;
    await sleep(300);
  }
  throw new Error(`Problems panel ${present ? 'has no' : 'still has a'} row with ${texts.map((t) => `"${t}"`).join(' and ')}; rows:\n${rows.join('\n')}`);
}

/**
 * Opens the quick fix menu at the cursor (Ctrl+.) and applies the action whose title matches.
 * The menu is VS Code's action widget; its rows carry the action titles.
 */
export async function applyQuickFix(page, title, { timeout = 15_000 } = {}) {
  const pattern = title instanceof RegExp ? title : new RegExp(escapeRegExp(title));
  const row = page.locator('.action-widget .monaco-list-row.action', { hasText: pattern }).first();
  const deadline = Date.now() + timeout;
  // The server may still be answering the first code action request; ask again until the fix is listed.
  while (!(await row.isVisible().catch(() => false))) {
    if (Date.now() > deadline) {
      const listed = await page.locator('.action-widget .monaco-list-row').allInnerTexts().catch(() => []);
      throw new Error(`no quick fix matching ${pattern} within ${timeout} ms; the menu lists: ${listed.join(' | ') || '(nothing)'}`);
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    await row.waitFor({ timeout: 3_000 }).catch(() => {});
  }
  // The menu puts a pointer-blocking layer over the editor: choose with the keyboard, like a user does.
  const rows = page.locator('.action-widget .monaco-list-row.action');
  for (let i = 0; i < (await rows.count()) + 1 && !(await row.evaluate((el) => el.classList.contains('focused'))); i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout }).catch(() => {});
}

/**
 * Triggers suggestions (Ctrl+Space) and accepts the item labelled `label`; `whileOpen` runs with
 * the widget showing (a screenshot). Returns the labels that were offered.
 */
export async function pickCompletion(page, label, { timeout = 15_000, whileOpen } = {}) {
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  const deadline = Date.now() + timeout;
  while (!(await row.isVisible().catch(() => false))) {
    if (Date.now() > deadline) {
      const listed = await widget.locator('.monaco-list-row .label-name').allInnerTexts().catch(() => []);
      throw new Error(`no completion "${label}" within ${timeout} ms; the widget lists: ${listed.join(', ') || '(nothing)'}`);
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    await row.waitFor({ timeout: 3_000 }).catch(() => {});
  }
  const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
  await whileOpen?.();
  await row.click();
  await widget.waitFor({ state: 'hidden', timeout }).catch(() => {});
  return labels;
}

/**
 * The pid of the Orchard language server started by this session's extension host, found by its
 * command line (the session's own extensions folder), so a test can make it crash.
 */
export function languageServerPid(runDir) {
  const marker = path.join(runDir, 'exts');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.some((a) => a.startsWith(marker) && a.endsWith(path.join('dist', 'server.js')))) return Number(entry);
  }
  return undefined;
}
