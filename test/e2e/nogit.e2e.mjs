/**
 * A folder that is not a git repository: blueprints still save as files, and the Plan pane's
 * History offers to initialize one. One VS Code session on a plain (uncommitted, git-less) copy
 * of the sample workspace.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runCommand, runStamp, screenshot, startVsCode, webviewFrame } from './harness.mjs';
import { fixtureWorkspace, vsixForSpec } from './fixtures.mjs';

describe('Orchard Studio in a folder without git', { timeout: 5 * 60_000 }, () => {
  let vs;
  let workspace;
  let outside;

  before(async () => {
    // Not under the checkout: git would find the project's own repository above .cache/.
    // (run.mjs points TMPDIR into .cache/, so os.tmpdir() is no help here.)
    outside = fs.mkdtempSync(path.join(path.parse(repoRoot).root, 'tmp', `orchard-nogit-${runStamp()}-`));
    workspace = path.join(outside, 'tinytodo');
    fs.cpSync(fixtureWorkspace, workspace, { recursive: true });
    vs = await startVsCode({ workspace, vsix: vsixForSpec() });
  });

  after(async () => {
    await vs?.close();
    if (outside) fs.rmSync(outside, { recursive: true, force: true });
  });

  test('History offers git init; afterwards each valid blueprint has its first revision', { timeout: 90_000 }, async () => {
    const { page } = vs;
    try {
      await runCommand(page, 'Orchard: Open Studio');
      const frame = await webviewFrame(page, { testId: 'studio' });
      const history = frame.locator('[data-testid="pane-plan"] [data-testid="history-section"]');
      const init = history.locator('[data-testid="git-init"]');
      await init.waitFor({ timeout: 20_000 });
      assert.match(await history.innerText(), /not a git repository/);
      assert.equal(fs.existsSync(path.join(workspace, '.git')), false);
      await screenshot(page, 'nogit-a-offer');

      await init.click();
      await history.locator('[data-testid="history-row"][data-rev="1"]').waitFor({ timeout: 20_000 });
      assert.ok(fs.existsSync(path.join(workspace, '.git')), 'git init ran in the workspace folder');
      // The revision lives on the private ref; no branch, commit or index entry of the user's was made.
      const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
      assert.match(git('for-each-ref', '--format=%(refname)', 'refs/orchard/'), /refs\/orchard\/blueprints\/todo-sharing/);
      assert.equal(git('for-each-ref', '--format=%(refname)', 'refs/heads/'), '');
      assert.equal(git('ls-files'), '');
      await screenshot(page, 'nogit-b-initialized');
    } catch (error) {
      await screenshot(page, 'FAILED-nogit').catch(() => {});
      throw error;
    }
  });
});
