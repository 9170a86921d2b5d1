/**
 * Restricted Mode: the user declines to trust the folder. Orchard declares limited support for
 * untrusted workspaces, so it must still run — blueprints readable, the plan and spec shown — and
 * say plainly that agents cannot act.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCommand, screenshot, startVsCode, webviewFrame } from './harness.mjs';
import { vsixForSpec, workspaceForSpec } from './fixtures.mjs';

describe('Orchard Studio in Restricted Mode', { timeout: 5 * 60_000 }, () => {
  let vs;

  before(async () => {
    vs = await startVsCode({ workspace: workspaceForSpec(), vsix: vsixForSpec(), trusted: false });
  });

  after(async () => {
    await vs?.close();
  });

  test('after "No, I don\'t trust the authors" the Studio shows the plan and says agents cannot act', { timeout: 90_000 }, async () => {
    const { page } = vs;
    try {
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /trust the authors/i);
      await dialog.getByRole('button', { name: /No, I don.t trust/i }).click();
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 15_000 });

      await runCommand(page, 'Orchard: Open Studio');
      const frame = await webviewFrame(page, { testId: 'studio' });
      await frame.locator('[data-testid="restricted-mode"]').waitFor({ timeout: 20_000 });
      assert.match(await frame.locator('[data-testid="restricted-mode"]').innerText(), /agents cannot act/);
      // Reading and planning still work.
      await frame.locator('[data-testid="pane-plan"] [data-testid="section-dataModel"]').waitFor({ timeout: 20_000 });
      await frame.locator('[data-testid="spec-preview"] h1').waitFor({ timeout: 20_000 });
      await screenshot(page, 'restricted-studio');
    } catch (error) {
      await screenshot(page, 'FAILED-restricted').catch(() => {});
      throw error;
    }
  });
});
