/**
 * The Architect chat end to end in VS Code 1.96 (code-server + Chromium), against the fake
 * Anthropic server (test/support/fakeAnthropic.mjs, in this process, on 127.0.0.1): the real
 * extension, the real SDK over HTTP, the real git store. One session for the whole file, tests in
 * order, a screenshot after each in test-results/screenshots/ (chat-*.png).
 *
 * The key reaches the extension host as ANTHROPIC_API_KEY (a made-up one: only the fake server
 * sees it) and `orchard.anthropic.baseUrl` points at the fake server through the user settings.
 * Run: `flock /tmp/orchard-dist.lock npm run test:e2e -- chat.e2e.mjs` (`-- --no-package chat.e2e.mjs`
 * reuses the .vsix).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import zlib from 'node:zlib';
import { startFakeAnthropic } from '../support/fakeAnthropic.mjs';
import { vsixForSpec, workspaceForSpec } from './fixtures.mjs';
import { reloadWindow, runCommand, screenshot, screenshotTests, startVsCode, webviewFrame } from './harness.mjs';

const TIMEOUT = 120_000;
const SLUG = 'todo-sharing';
const FAKE_KEY = 'sk-ant-e2e-fake-key-for-the-fake-server';

/** What the Architect "decides" in the first turn: a new summary and a complete UI section. */
const UPDATED_SUMMARY = 'Owners share a list by email as viewers or editors; a share dialog lists who has access.';
const UPDATE = {
  summary: UPDATED_SUMMARY,
  sections: {
    uiComponents: {
      status: 'complete',
      components: [
        { name: 'ShareDialog', description: 'Invite by email, pick a role, revoke access.', children: ['ShareRow'] },
        { name: 'ShareRow', description: 'One person with their role and a remove button.' },
      ],
    },
  },
};

/** A real PNG file (solid colour), so the extension's magic-byte check and the webview's <img> both accept it. */
function solidPng(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

describe('The Architect chat in VS Code', { timeout: 15 * 60_000 }, () => {
  let fake;
  let vs;
  let page;
  let workspace;
  const blueprintFile = () => path.join(workspace, '.orchard', 'blueprints', `${SLUG}.json`);

  before(async () => {
    fake = await startFakeAnthropic();
    workspace = workspaceForSpec();
    vs = await startVsCode({
      workspace,
      vsix: vsixForSpec(),
      env: { ANTHROPIC_API_KEY: FAKE_KEY },
      settings: { 'orchard.anthropic.baseUrl': fake.url },
    });
    page = vs.page;
  });

  after(async () => {
    await vs?.close();
    await fake?.close();
  });

  /** A test whose failure leaves a `FAILED-<shot>` screenshot next to the good ones. */
  const uiTest = screenshotTests(() => page, TIMEOUT);

  const visible = (locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });
  const hidden = (locator, timeout = 20_000) => locator.waitFor({ state: 'hidden', timeout });

  /** The sidebar Architect view, showing the todo-sharing conversation. */
  async function sidebarChat() {
    const item = page.locator('.activitybar a.action-label[aria-label="Orchard"]');
    await visible(item);
    let frame;
    // After a reload the workbench restores the sidebar while we look at it; a click on an active
    // container's icon would close it again, so check, click only when closed, and look again.
    for (let attempt = 1; !frame; attempt++) {
      const open = await page.locator('.part.sidebar .composite.title', { hasText: /Orchard/i }).isVisible().catch(() => false);
      if (!open) await item.click();
      // The Operations view below would leave the chat a few lines of the sidebar: fold it.
      const operations = page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: /^\s*Operations/i });
      if (await operations.isVisible().catch(() => false)) await operations.click();
      frame = await webviewFrame(page, { testId: 'architect', timeout: 10_000 }).catch((error) => {
        if (attempt >= 4) throw error;
        return undefined;
      });
    }
    const switcher = frame.locator('[data-testid="chat-blueprint-switcher"]');
    await visible(switcher);
    await frame.locator(`[data-testid="chat-blueprint-switcher"] option[value="${SLUG}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    if ((await switcher.inputValue()) !== SLUG) await switcher.selectOption(SLUG);
    return frame;
  }

  async function send(frame, text) {
    const input = frame.locator('[data-testid="chat-input"]');
    await visible(input);
    await input.fill(text);
    await frame.locator('[data-testid="chat-send"]').click();
  }

  const assistantMessages = (frame) => frame.locator('[data-testid="chat-message"][data-role="assistant"]');
  const userMessages = (frame) => frame.locator('[data-testid="chat-message"][data-role="user"]');

  function revisionCount() {
    try {
      return Number(execFileSync('git', ['rev-list', '--count', `refs/orchard/blueprints/${SLUG}`], { cwd: workspace, encoding: 'utf8', stdio: 'pipe' }).trim());
    } catch {
      return 0; // no ref yet
    }
  }

  /** The newest revision's transcript, as the store wrote it. */
  function storedTranscript() {
    const text = execFileSync('git', ['show', `refs/orchard/blueprints/${SLUG}:messages.jsonl`], { cwd: workspace, encoding: 'utf8', stdio: 'pipe' });
    return text.trim().split('\n').map((line) => JSON.parse(line));
  }

  async function waitFor(what, check, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await page.waitForTimeout(150);
    }
  }

  uiTest('a reply streams into the sidebar chat, the blueprint file and its history change, the Plan pane follows', 'chat-a-reply', async () => {
    const frame = await sidebarChat();
    await visible(frame.locator('[data-testid="chat-provider"]', { hasText: 'via the Anthropic API' }));
    const revsBefore = revisionCount();
    const fileBefore = fs.readFileSync(blueprintFile(), 'utf8');

    const opening = 'Sharing needs one place to manage access. I will add a share dialog to the plan, with a row per person and their role.';
    const closing = 'Done: the UI section now has the share dialog and its rows, and the summary says who can see a list.';
    fake.script(
      { kind: 'text_tool', text: opening, tool: { name: 'update_blueprint', input: UPDATE }, delayMs: 60 },
      { kind: 'text', text: closing, delayMs: 40 },
    );
    await send(frame, 'Plan the sharing UI: a dialog to invite people by email and change their role.');

    // The reply is seen while it streams, not only at the end.
    const streaming = frame.locator('[data-testid="chat-streaming"]');
    await visible(streaming, 20_000);
    await waitFor('streamed text', async () => ((await streaming.innerText().catch(() => '')) ?? '').includes('Sharing needs'));
    await screenshot(page, 'chat-a-streaming');

    await visible(assistantMessages(frame).filter({ hasText: 'Done: the UI section now has the share dialog' }), 30_000);
    await hidden(streaming);

    // The file on disk is the Architect's blueprint, recorded as a new revision on the private ref.
    const written = await waitFor('the blueprint file to change', () => {
      const text = fs.readFileSync(blueprintFile(), 'utf8');
      return text !== fileBefore && text;
    });
    const blueprint = JSON.parse(written);
    assert.equal(blueprint.summary, UPDATED_SUMMARY);
    assert.equal(blueprint.sections.uiComponents.status, 'complete');
    assert.deepEqual(blueprint.sections.uiComponents.components.map((c) => c.name), ['ShareDialog', 'ShareRow']);
    assert.equal(revisionCount(), revsBefore + 1, 'one revision for the turn');
    const transcript = storedTranscript();
    assert.deepEqual(transcript.map((m) => m.role), ['user', 'assistant']);
    assert.match(transcript[1].content, /Sharing needs one place[\s\S]*Done: the UI section/);
    assert.ok(transcript[1].usage.outputTokens > 0, 'the reply records its usage');

    // The request reached the fake server with the key from the environment, never in the body.
    const request = fake.requests.at(-1);
    const credential = request.headers['x-api-key'] ?? request.headers.authorization ?? '';
    assert.ok(credential.endsWith(FAKE_KEY), 'the key from ANTHROPIC_API_KEY was sent');
    assert.ok(!JSON.stringify(request.body).includes(FAKE_KEY));
    await visible(frame.locator('[data-testid="chat-usage-total"]'));

    // The Studio's Plan pane shows the new content.
    await runCommand(page, 'Orchard: Open Studio');
    const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    const plan = studio.locator('[data-testid="pane-plan"]');
    await plan.locator('[data-testid="blueprint-item"]').filter({ hasText: 'Todo sharing' }).first().click();
    await visible(plan.getByText(UPDATED_SUMMARY).first());
    await visible(plan.locator('[data-testid="section-uiComponents"] [data-status="complete"]'));
  });


  uiTest('an attached image goes to the model, is kept under .orchard/references, and shows in the chat and the Plan pane', 'chat-b-image', async () => {
    const frame = await sidebarChat();
    const png = solidPng(48, 32, [0x2e, 0x8b, 0x57]);
    await frame.locator('[data-testid="chat-file-input"]').setInputFiles({ name: 'share mock.png', mimeType: 'image/png', buffer: png });
    await visible(frame.locator('[data-testid="chat-pending-attachment"]'));
    fake.script({ kind: 'text', text: 'The mock shows one green panel; I noted it as a reference.' });
    await send(frame, 'Here is the share dialog mock.');
    await visible(assistantMessages(frame).filter({ hasText: 'I noted it as a reference' }), 30_000);

    // Kept in the workspace under a safe name, byte for byte.
    const stored = path.join(workspace, '.orchard', 'references', SLUG, 'share-mock.png');
    assert.ok(fs.existsSync(stored), `${stored} exists`);
    assert.deepEqual(fs.readFileSync(stored), png);
    // Sent to the model as an image block of the same bytes.
    const blocks = fake.requests.at(-1).body.messages.at(-1).content;
    const image = blocks.find((b) => b.type === 'image');
    assert.equal(image?.source.media_type, 'image/png');
    assert.equal(image?.source.data, png.toString('base64'));
    // The transcript names the stored copy, never the data.
    const user = storedTranscript().at(-2);
    assert.deepEqual(user.attachments, [{ name: 'share mock.png', mediaType: 'image/png', path: `.orchard/references/${SLUG}/share-mock.png` }]);
    assert.ok(!JSON.stringify(storedTranscript()).includes(png.toString('base64').slice(0, 40)));

    // The thumbnail loads from the workspace through the webview (localResourceRoots and the CSP allow it).
    const loaded = (img) => img.evaluate((el) => el.complete && el.naturalWidth === 48).catch(() => false);
    const chatThumb = userMessages(frame).last().locator('img');
    await waitFor('the chat thumbnail to load', () => loaded(chatThumb));
    // The Architect recorded the image as a reference of the blueprint: the Plan pane shows it too.
    const blueprint = JSON.parse(fs.readFileSync(blueprintFile(), 'utf8'));
    assert.ok(blueprint.references.items.some((i) => i.kind === 'image' && i.source === `.orchard/references/${SLUG}/share-mock.png`));
    const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    const planThumb = studio.locator('[data-testid="pane-plan"] img').first();
    // The Plan pane's thumbnails load lazily: bring it into view as a user scrolling there would.
    await planThumb.waitFor({ state: 'attached', timeout: 20_000 });
    await planThumb.scrollIntoViewIfNeeded();
    await waitFor('the Plan pane thumbnail to load', () => loaded(planThumb));
  });

  uiTest('Stop ends a slow reply as stopped and keeps what streamed', 'chat-c-stopped', async () => {
    const frame = await sidebarChat();
    const assistantsBefore = await assistantMessages(frame).count();
    // 600 words, 25 ms apart: ~15 s, far longer than the test waits.
    fake.script({ kind: 'text', tokens: 600, delayMs: 25 });
    await send(frame, 'Describe every screen of the sharing flow in detail.');
    const streaming = frame.locator('[data-testid="chat-streaming"]');
    await visible(streaming, 20_000);
    await waitFor('a few streamed words', async () => ((await streaming.innerText().catch(() => '')) ?? '').split(/\s+/).length > 12);
    await frame.locator('[data-testid="chat-stop"]').click();

    await hidden(streaming, 15_000);
    const last = assistantMessages(frame).last();
    await waitFor('the stopped reply', async () => (await assistantMessages(frame).count()) > assistantsBefore);
    const text = await last.innerText();
    assert.match(text, /orchard blueprint apple/, 'the partial text stays');
    assert.match(text, /stopped/i);
    await visible(frame.locator('[data-testid="chat-error"]', { hasText: /Stopped/ }));

    const stored = storedTranscript().at(-1);
    assert.equal(stored.role, 'assistant');
    assert.equal(stored.stopped, true);
    assert.ok(stored.content.startsWith('orchard blueprint apple'), stored.content.slice(0, 80));
    assert.ok(stored.content.split(' ').length < 600, 'only what streamed before Stop is kept');
  });

  uiTest('529 overloads show the retrying state, then the failure with Retry; nothing is lost; Retry succeeds', 'chat-d-retry', async () => {
    const frame = await sidebarChat();
    const fileBefore = fs.readFileSync(blueprintFile(), 'utf8');
    const revsBefore = revisionCount();
    // The provider makes 4 attempts; each 529 asks for 1.5 s, so the retry state is on screen for ~4.5 s.
    fake.script(Array.from({ length: 4 }, () => ({ kind: 'error', status: 529, retryAfterMs: 1500 })));
    const question = 'Should shared items carry due dates?';
    await send(frame, question);

    const activity = frame.locator('[data-testid="chat-activity"]');
    await visible(activity.filter({ hasText: /retrying in/i }), 20_000);
    await screenshot(page, 'chat-d-retrying');

    const failure = frame.locator('[data-testid="chat-error"]');
    await visible(failure.filter({ hasText: /failed/i }), 30_000);
    await visible(failure.locator('[data-testid="chat-retry"]'));
    assert.match(await failure.innerText(), /overloaded/i);
    await visible(userMessages(frame).filter({ hasText: question }));
    await screenshot(page, 'chat-d-failed');

    // The message is kept (as the newest revision's last line); the blueprint is untouched.
    assert.equal(fs.readFileSync(blueprintFile(), 'utf8'), fileBefore);
    assert.equal(revisionCount(), revsBefore + 1);
    const stored = storedTranscript();
    assert.deepEqual({ role: stored.at(-1).role, content: stored.at(-1).content }, { role: 'user', content: question });

    const answer = 'Yes: an optional due date per item, shown to everyone the list is shared with.';
    fake.script({ kind: 'text', text: answer });
    await failure.locator('[data-testid="chat-retry"]').click();
    await visible(assistantMessages(frame).filter({ hasText: answer }), 30_000);
    await hidden(failure);
    assert.equal(await userMessages(frame).filter({ hasText: question }).count(), 1, 'Retry does not repeat the message');
    const after = storedTranscript();
    assert.deepEqual(after.slice(-2).map((m) => [m.role, m.content]), [['user', question], ['assistant', answer]]);
    assert.equal(after.filter((m) => m.content === question).length, 1);
  });


  uiTest('a first message with no blueprint creates one, named after its first line', 'chat-e-new-blueprint', async () => {
    const frame = await sidebarChat();
    await frame.locator('[data-testid="chat-new-blueprint"]').click();
    await frame.locator('[data-testid="chat-new-conversation"]').click();
    fake.script({ kind: 'text', text: 'Offline mode: edits queue locally and sync when the connection returns.' });
    await send(frame, 'Offline mode for lists\nKeep working without a connection; sync when back online.');
    await visible(assistantMessages(frame).filter({ hasText: 'edits queue locally' }), 30_000);

    const slug = 'offline-mode-for-lists';
    const file = path.join(workspace, '.orchard', 'blueprints', `${slug}.json`);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).featureName, 'Offline mode for lists');
    assert.equal(await frame.locator('[data-testid="chat-blueprint-switcher"]').inputValue(), slug);
    const revisions = execFileSync('git', ['rev-list', '--count', `refs/orchard/blueprints/${slug}`], { cwd: workspace, encoding: 'utf8' }).trim();
    assert.equal(revisions, '2', 'r1 created the blueprint, r2 holds the first turn');
  });

  uiTest('a key and a URL password pasted in a first message are removed before anything keeps them, and the chat says so', 'chat-e2-credentials', async () => {
    const frame = await sidebarChat();
    await frame.locator('[data-testid="chat-new-blueprint"]').click();
    await frame.locator('[data-testid="chat-new-conversation"]').click();
    // Built here so no file of the repository holds a string a secret scanner flags.
    const key = ['sk', 'ant', 'api03', 'W4nR8tK2pL6xZ9cV3bN7mQ1sD5fG0hJ' + 'Yu2Io8'].join('-');
    const password = 'Tr0ub4dor' + 'Qx7';
    fake.script({ kind: 'text', text: 'Noted: the staging login page is the reference.' });
    await send(frame, `Staging login with ${key}
The page is https://admin:${password}@staging.example.com/login`);
    await visible(assistantMessages(frame).filter({ hasText: 'the staging login page is the reference' }), 30_000);

    const slug = 'staging-login-with';
    const user = userMessages(frame).last();
    await visible(user.locator('[data-testid="chat-credentials-removed"]', { hasText: '2 credentials removed before this message was saved or sent' }));
    assert.match(await user.innerText(), /Staging login with \[redacted credential\][\s\S]*https:\/\/staging\.example\.com\/login/);
    await visible(frame.locator('[data-testid="notice"]', { hasText: /Removed an Anthropic API key and a password in a URL/ }));
    await screenshot(page, 'chat-e2-credentials');

    // Not in the file name, the file, the private ref's objects or the request to the model.
    const dir = path.join(workspace, '.orchard', 'blueprints');
    assert.ok(fs.existsSync(path.join(dir, `${slug}.json`)), `${slug}.json exists`);
    const everything = [
      fs.readdirSync(dir).join('\n'),
      fs.readFileSync(path.join(dir, `${slug}.json`), 'utf8'),
      execFileSync('git', ['log', '-p', '--format=%B', `refs/orchard/blueprints/${slug}`], { cwd: workspace, encoding: 'utf8' }),
      execFileSync('git', ['show', `refs/orchard/blueprints/${slug}:messages.jsonl`], { cwd: workspace, encoding: 'utf8' }),
      JSON.stringify(fake.requests.at(-1).body),
    ].join('\n');
    assert.ok(everything.includes('[redacted credential]'));
    for (const secret of [key, password]) assert.ok(!everything.includes(secret), 'a credential was kept or sent');
  });

  uiTest('after Developer: Reload Window the conversation is restored', 'chat-f-reload', async () => {
    const expected = storedTranscript();
    await reloadWindow(page);
    // The Studio panel comes back (its serializer) with the same conversation.
    const studio = await webviewFrame(page, { testId: 'studio', timeout: 45_000 });
    await visible(studio.locator('[data-testid="pane-chat"] [data-testid="chat-message"][data-role="assistant"]').filter({ hasText: 'Yes: an optional due date per item' }), 30_000);
    const frame = await sidebarChat();
    await visible(assistantMessages(frame).filter({ hasText: 'Yes: an optional due date per item' }), 30_000);
    await visible(userMessages(frame).filter({ hasText: 'Should shared items carry due dates?' }));
    await visible(frame.locator('[data-testid="chat-usage-total"]'));
    // No partial message came back as a final one: what is shown is what was stored.
    assert.equal(expected.filter((m) => m.stopped).length, 1);
  });

  uiTest('a key saved with Orchard: Set API Key is used before ANTHROPIC_API_KEY', 'chat-g-secret-key', async () => {
    const secretKey = `sk-ant-e2e-secret-${Date.now()}-not-real`;
    await runCommand(page, 'Orchard: Set API Key', { waitClosed: false });
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await visible(input, 10_000);
    await input.fill(secretKey);
    await page.keyboard.press('Enter');
    await visible(page.locator('.notifications-toasts .notification-toast', { hasText: /API key saved/i }), 10_000);

    const frame = await sidebarChat();
    fake.script({ kind: 'text', text: 'Answered with the saved key.' });
    await send(frame, 'Which key is this?');
    await visible(assistantMessages(frame).filter({ hasText: 'Answered with the saved key.' }), 30_000);
    const request = fake.requests.at(-1);
    const credential = request.headers['x-api-key'] ?? request.headers.authorization ?? '';
    assert.ok(credential.endsWith(secretKey), 'the key from secret storage was sent');
  });
});
