import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import App from '../src/App.svelte';
import { transcript, userMessage } from './chatFixtures';
import { brokenEntry, init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

describe('the chat in the sidebar Architect view', () => {
  async function setup() {
    const ctx = makeApp('architect');
    render(App, { props: { app: ctx.app } });
    ctx.app.handle({ ...init, kind: 'architect', apiKeySet: true });
    ctx.app.handle(snapshot([validEntry('team-invitations', teamInvites), brokenEntry]));
    flushSync();
    await tick();
    return ctx;
  }

  it('shows the conversation of the selected blueprint with a switcher over all of them', async () => {
    const { app, api } = await setup();
    expect(api.posted).toContainEqual({ type: 'chat/open', slug: 'team-invitations' });
    app.handle(transcript('team-invitations', [userMessage('u1', 'Who can invite?')]));
    flushSync();
    expect(screen.getByTestId('chat-message').textContent).toContain('Who can invite?');
    const options = Array.from((screen.getByTestId('chat-blueprint-switcher') as HTMLSelectElement).options, (o) => [o.value, o.textContent]);
    expect(options).toEqual([
      ['team-invitations', 'Team invitations'],
      ['broken-widget', 'broken-widget (invalid)'],
    ]);
  });

  it('Open Studio opens the conversation shown', async () => {
    const { api } = await setup();
    await fireEvent.change(screen.getByTestId('chat-blueprint-switcher'), { target: { value: 'broken-widget' } });
    expect(api.posted).toContainEqual({ type: 'chat/open', slug: 'broken-widget' });
    await fireEvent.click(screen.getByTestId('open-studio'));
    expect(api.posted.at(-1)).toEqual({ type: 'studio/open', slug: 'broken-widget' });
    // The selection is what the webview persists across a reload; never the messages.
    expect(Object.keys(api.state as object).sort()).toEqual(['paneSizes', 'previewTab', 'selectedSlug']);
    expect(api.state).toMatchObject({ selectedSlug: 'broken-widget' });
  });
});
