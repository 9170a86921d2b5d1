/**
 * A message the host kept without its credentials: the chat pane shows the
 * text as kept, says under it that credentials were removed, shows the
 * host's notice, and still recognises the echoed (redacted) message as the one
 * it sent — the composer clears, and a first message follows its new blueprint.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { credentialsRemovedNotice, redactCredentials } from '../../extension/src/core/chat/credentials';
import type { WebviewToHost } from '../../extension/src/core/protocol';
import ChatPane from '../src/components/ChatPane.svelte';
import { loadMarkdownRenderer } from '../src/lib/lazyMarkdown';
import { transcript, userMessage } from './chatFixtures';
import { init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

const SLUG = 'team-invitations';
const KEY = 'sk-ant-api03-' + 'Zq7Rt2Lm9Xc4Vb8Nw1Ks6Hd3Jf5Gp0Ya' + 'Eu7Io2';
const TYPED = `Use my key ${KEY} and log in at https://admin:hunter2@staging.example.com/login`;
const KEPT = redactCredentials(TYPED);

async function setup(entries = true) {
  await loadMarkdownRenderer();
  const ctx = makeApp('studio');
  render(ChatPane, { props: { app: ctx.app } });
  ctx.app.handle({ ...init, trusted: true, apiKeySet: true });
  ctx.app.handle(snapshot(entries ? [validEntry(SLUG, teamInvites)] : []));
  flushSync();
  await tick();
  return ctx;
}

const input = () => screen.getByTestId('chat-input') as HTMLTextAreaElement;
const sent = (api: { posted: unknown[] }) => (api.posted as WebviewToHost[]).filter((m) => m.type === 'chat/send');

describe('credentials removed from a message', () => {
  it('the kept text is shown with a line under it, the notice is shown, and the composer clears', async () => {
    expect(KEPT.removed).toEqual(['an Anthropic API key', 'a password in a URL']);
    const { app, api } = await setup();
    app.handle(transcript(SLUG, []));
    flushSync();
    await fireEvent.input(input(), { target: { value: TYPED } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    // The host is the one that redacts (and counts): the webview sends what was typed.
    expect(sent(api)).toEqual([{ type: 'chat/send', slug: SLUG, text: TYPED, attachments: [] }]);

    app.handle({ type: 'notice', level: 'info', text: credentialsRemovedNotice(KEPT.removed) });
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't1', message: userMessage('u1', KEPT.text, { credentialsRemoved: 2 }) });
    flushSync();

    const row = screen.getAllByTestId('chat-message').at(-1)!;
    expect(row.textContent).toContain('Use my key [redacted credential] and log in at https://staging.example.com/login');
    expect(row.textContent).not.toContain(KEY);
    expect(row.textContent).not.toContain('hunter2');
    expect(screen.getByTestId('chat-credentials-removed').textContent).toBe('2 credentials removed before this message was saved or sent');
    expect(screen.getByTestId('notice').textContent).toContain('Removed an Anthropic API key and a password in a URL from your message before it was saved or sent');
    // The echoed message is recognised as ours although its text differs from what was typed.
    expect(input().value).toBe('');
  });

  it('a message without credentials has no such line', async () => {
    const { app } = await setup();
    app.handle(transcript(SLUG, [userMessage('u1', 'Invitations expire after a week')]));
    flushSync();
    expect(screen.getAllByTestId('chat-message')).toHaveLength(1);
    expect(screen.queryByTestId('chat-credentials-removed')).toBeNull();
  });

  it('a first message with a credential still follows the blueprint the host created for it', async () => {
    const { app, api } = await setup(false);
    await fireEvent.input(input(), { target: { value: TYPED } });
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(sent(api)).toEqual([{ type: 'chat/send', slug: null, text: TYPED, attachments: [] }]);
    app.handle({ type: 'blueprint/reveal', slug: 'use-my-key-and-log-in-at-https-staging-example-com-login' });
    app.handle({
      type: 'chat/turnStarted',
      slug: 'use-my-key-and-log-in-at-https-staging-example-com-login',
      turnId: 't1',
      message: userMessage('u1', KEPT.text, { credentialsRemoved: 2 }),
    });
    flushSync();
    expect(app.chat.slug).toBe('use-my-key-and-log-in-at-https-staging-example-com-login');
    expect(app.chat.acceptedCount).toBe(1);
    expect(app.chat.running).toBe(true);
  });
});
