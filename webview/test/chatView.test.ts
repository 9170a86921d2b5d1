import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { WebviewToHost } from '../../extension/src/core/protocol';
import ChatPane from '../src/components/ChatPane.svelte';
import { loadMarkdownRenderer } from '../src/lib/lazyMarkdown';
import { assistantMessage, noUsage, transcript, turnUsage, userMessage } from './chatFixtures';
import { init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

const SLUG = 'team-invitations';

async function setup(options: { entries?: boolean; trusted?: boolean } = {}) {
  await loadMarkdownRenderer();
  const ctx = makeApp('studio');
  render(ChatPane, { props: { app: ctx.app } });
  ctx.app.handle({ ...init, trusted: options.trusted ?? true, apiKeySet: true, referencesBaseUri: 'https://file+.vscode-resource.test/ws/.orchard/references' });
  ctx.app.handle(snapshot(options.entries === false ? [] : [validEntry(SLUG, teamInvites)]));
  flushSync();
  await tick();
  return ctx;
}

const posted = (api: { posted: unknown[] }, type: WebviewToHost['type']) =>
  (api.posted as WebviewToHost[]).filter((m) => m.type === type);

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

function input(): HTMLTextAreaElement {
  return screen.getByTestId('chat-input') as HTMLTextAreaElement;
}

describe('Chat view', () => {
  it('opens the selected blueprint and renders its transcript with the usage meter', async () => {
    const { app, api } = await setup();
    expect(posted(api, 'chat/open')).toEqual([{ type: 'chat/open', slug: SLUG }]);
    app.handle(
      transcript(SLUG, [
        userMessage('u1', 'Invite by email', { attachments: [{ name: 'mock.png', mediaType: 'image/png', path: `.orchard/references/${SLUG}/mock.png` }] }),
        assistantMessage('a1', 'Do invitations **expire**?', { rev: 3 }),
      ]),
    );
    flushSync();
    const rows = screen.getAllByTestId('chat-message');
    expect(rows.map((r) => r.dataset.role)).toEqual(['user', 'assistant']);
    expect(rows[1]!.querySelector('strong')?.textContent).toBe('expire');
    expect(rows[1]!.textContent).toContain('Saved the blueprint as revision 3');
    const image = within(rows[0]!).getByRole('img') as HTMLImageElement;
    expect(image.src).toBe(`https://file+.vscode-resource.test/ws/.orchard/references/${SLUG}/mock.png`);
    expect(image.alt).toBe('mock.png');
    expect(image.getAttribute('loading')).toBe('lazy');
    expect(screen.getByTestId('chat-turn-usage').textContent).toBe('12.3k in · 640 out · 8.1k cache read · ~$0.04');
    expect(screen.getByTestId('chat-usage-total').textContent?.trim()).toBe('12.3k in · 640 out · 8.1k cache read · ~$0.04');
    expect(screen.getByTestId('chat-provider').textContent).toBe('claude-sonnet-4-5 via the Anthropic API');
  });

  it('streams deltas into one row, then the final message replaces it', async () => {
    const { app } = await setup();
    app.handle(transcript(SLUG, []));
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't1', message: userMessage('u1', 'Plan it') });
    flushSync();
    // While the turn runs, Stop takes Send's place.
    expect(screen.getByTestId('chat-stop')).toBeTruthy();
    expect(screen.queryByTestId('chat-send')).toBeNull();
    app.handle({ type: 'chat/delta', slug: SLUG, turnId: 't1', text: 'Here is ' });
    app.handle({ type: 'chat/delta', slug: SLUG, turnId: 't1', text: 'a plan:\n\n```ts\nconst a = 1;' });
    app.handle({ type: 'chat/activity', slug: SLUG, turnId: 't1', text: 'Updating the blueprint…' });
    await nextFrame();
    flushSync();
    const streaming = screen.getByTestId('chat-streaming');
    expect(streaming.getAttribute('aria-busy')).toBe('true');
    expect(streaming.textContent).toContain('Here is a plan:');
    // The unfinished fence renders as a code block, not as loose text.
    expect(streaming.querySelector('pre code')?.textContent).toContain('const a = 1;');
    expect(screen.getByTestId('chat-activity').textContent).toBe('Updating the blueprint…');

    app.handle({ type: 'chat/turnEnded', slug: SLUG, turnId: 't1', outcome: 'done', message: assistantMessage('a1', 'Final plan.'), total: turnUsage });
    flushSync();
    expect(screen.queryByTestId('chat-streaming')).toBeNull();
    expect(screen.queryByTestId('chat-activity')).toBeNull();
    const rows = screen.getAllByTestId('chat-message');
    expect(rows.map((r) => r.textContent?.includes('Final plan.'))).toEqual([false, true]);
  });

  it('Stop posts the running turn; a failed turn shows its error and Retry posts chat/retry', async () => {
    const { app, api } = await setup();
    app.handle(transcript(SLUG, [userMessage('u1', 'Go')], { runningTurnId: 't7' }));
    flushSync();
    expect(input().disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('chat-stop'));
    expect(posted(api, 'chat/stop')).toEqual([{ type: 'chat/stop', slug: SLUG, turnId: 't7' }]);

    app.handle({ type: 'chat/turnEnded', slug: SLUG, turnId: 't7', outcome: 'failed', message: null, error: 'The API is overloaded; tried 4 times.', retryable: true, total: noUsage });
    flushSync();
    expect(screen.getByTestId('chat-error').textContent).toContain('The API is overloaded; tried 4 times.');
    expect(input().disabled).toBe(false);
    await fireEvent.click(screen.getByTestId('chat-retry'));
    expect(posted(api, 'chat/retry')).toEqual([{ type: 'chat/retry', slug: SLUG }]);
  });

  it('a failure Retry cannot fix offers no Retry', async () => {
    const { app } = await setup();
    app.handle(transcript(SLUG, [], { runningTurnId: 't1' }));
    app.handle({ type: 'chat/turnEnded', slug: SLUG, turnId: 't1', outcome: 'failed', message: null, error: 'The API key was refused.', retryable: false, total: noUsage });
    flushSync();
    expect(screen.getByTestId('chat-error').textContent).toContain('The API key was refused.');
    expect(screen.queryByTestId('chat-retry')).toBeNull();
  });

  it('Enter sends, Shift+Enter does not; the text stays until the host accepts it, and after a refusal', async () => {
    const { app, api } = await setup();
    app.handle(transcript(SLUG, []));
    flushSync();
    await fireEvent.input(input(), { target: { value: 'Invitations expire after a week' } });
    await fireEvent.keyDown(input(), { key: 'Enter', shiftKey: true });
    expect(posted(api, 'chat/send')).toEqual([]);
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(posted(api, 'chat/send')).toEqual([{ type: 'chat/send', slug: SLUG, text: 'Invitations expire after a week', attachments: [] }]);
    expect(input().value).toBe('Invitations expire after a week');

    app.handle({ type: 'notice', level: 'error', text: 'No API key is set.' });
    flushSync();
    expect(input().value).toBe('Invitations expire after a week');
    expect(input().disabled).toBe(false);

    await fireEvent.click(screen.getByTestId('chat-send'));
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't2', message: userMessage('u2', 'Invitations expire after a week') });
    flushSync();
    expect(input().value).toBe('');
    expect(input().disabled).toBe(true);
  });

  it('with no blueprints the first message starts a new one (slug: null)', async () => {
    const { api } = await setup({ entries: false });
    expect(screen.getByTestId('chat-empty').textContent).toContain('Describe a feature');
    expect(posted(api, 'chat/open')).toEqual([]);
    await fireEvent.input(input(), { target: { value: 'Let users share todo lists' } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(posted(api, 'chat/send')).toEqual([{ type: 'chat/send', slug: null, text: 'Let users share todo lists', attachments: [] }]);
  });

  it('"Describe it in chat" starts a new conversation even when blueprints exist; the switcher goes back', async () => {
    const { app, api } = await setup();
    await fireEvent.click(screen.getByTestId('chat-new-conversation'));
    expect(screen.getByTestId('chat-empty').textContent).toContain('Describe a feature');
    await fireEvent.input(input(), { target: { value: 'Billing' } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(posted(api, 'chat/send').at(-1)).toMatchObject({ slug: null, text: 'Billing' });

    const switcher = screen.getByTestId('chat-blueprint-switcher') as HTMLSelectElement;
    await fireEvent.change(switcher, { target: { value: SLUG } });
    expect(app.chat.slug).toBe(SLUG);
    expect(posted(api, 'chat/open').at(-1)).toEqual({ type: 'chat/open', slug: SLUG });
  });

  it('a new conversation follows its blueprint whether the snapshot or the turn arrives first', async () => {
    const { app, api } = await setup({ entries: false });
    await fireEvent.input(input(), { target: { value: 'Team invitations by email' } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    // The host created the blueprint: reveal, then the file watcher's snapshot, then the turn.
    app.handle({ type: 'blueprint/reveal', slug: SLUG });
    app.handle(snapshot([validEntry(SLUG, teamInvites)]));
    flushSync();
    expect(posted(api, 'chat/open')).toEqual([{ type: 'chat/open', slug: SLUG }]);
    expect(input().value).toBe('Team invitations by email');
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't1', message: userMessage('u1', 'Team invitations by email') });
    flushSync();
    expect(input().value).toBe('');
    expect(screen.getAllByTestId('chat-message')).toHaveLength(1);
    expect(screen.getByTestId('chat-stop')).toBeTruthy();
  });

  it('picking a blueprint in the Plan pane ends a new conversation nothing was sent in', async () => {
    const { app } = await setup();
    app.handle(snapshot([validEntry(SLUG, teamInvites), validEntry('billing', { featureName: 'Billing' })]));
    await fireEvent.click(screen.getByTestId('chat-new-conversation'));
    expect(app.chat.slug).toBeNull();
    app.select('billing');
    flushSync();
    expect(app.chat.slug).toBe('billing');
  });

  it('in Restricted Mode the chat still sends, under the notice that agents cannot act', async () => {
    const { app, api } = await setup({ trusted: false });
    app.handle(transcript(SLUG, []));
    flushSync();
    expect(screen.getByTestId('restricted-mode').textContent).toMatch(/Restricted Mode.*agents cannot act/s);
    expect(input().disabled).toBe(false);
    await fireEvent.input(input(), { target: { value: 'Plan only' } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(posted(api, 'chat/send')).toHaveLength(1);
  });

  it('says when no API key is set and offers to set one', async () => {
    const { app, api } = await setup();
    app.handle({ type: 'apiKey/status', set: false });
    app.handle(transcript(SLUG, [], { provider: null }));
    flushSync();
    expect(screen.getByTestId('api-key-status').textContent).toMatch(/API key not set\s*—\s*Set API key/);
    await fireEvent.click(screen.getByTestId('set-api-key'));
    expect(posted(api, 'apiKey/set')).toHaveLength(1);
  });
});
