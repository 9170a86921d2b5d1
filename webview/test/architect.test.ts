import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import App from '../src/App.svelte';
import { brokenEntry, init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

describe('Architect sidebar', () => {
  function setup() {
    const ctx = makeApp('architect');
    render(App, { props: { app: ctx.app } });
    ctx.app.handle({ ...init, kind: 'architect' });
    ctx.app.handle(snapshot([validEntry('team-invitations', teamInvites), brokenEntry]));
    flushSync();
    return ctx;
  }

  it('shows the shared Chat pane, not the Studio', async () => {
    setup();
    expect(screen.getByTestId('architect')).toBeTruthy();
    expect(screen.queryByTestId('studio')).toBeNull();
    await fireEvent.click(screen.getByTestId('chat-new-blueprint'));
    expect(await screen.findByTestId('new-blueprint-form')).toBeTruthy();
    expect(screen.getByTestId('api-key-status')).toBeTruthy();
  });

  it('Open Studio posts studio/open with the selected blueprint', async () => {
    const { api } = setup();
    await fireEvent.click(screen.getByTestId('open-studio'));
    expect(api.posted).toContainEqual({ type: 'studio/open', slug: 'team-invitations' });
  });

  it('a blueprint in the list opens the Studio on it', async () => {
    const { api } = setup();
    const rows = screen.getAllByTestId('architect-blueprint');
    expect(rows.map((r) => r.textContent?.trim().replace(/\s+/g, ' '))).toEqual([
      'Team invitations draft',
      'broken-widget invalid',
    ]);
    await fireEvent.click(rows[1]!);
    expect(api.posted).toContainEqual({ type: 'studio/open', slug: 'broken-widget' });
    expect(api.state).toMatchObject({ selectedSlug: 'broken-widget' });
  });
});
