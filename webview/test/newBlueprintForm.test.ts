import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import ChatPane from '../src/components/ChatPane.svelte';
import { init, makeApp, snapshot } from './fixtures';

type Field = HTMLElement & { value: string; invalid: boolean; updateComplete: Promise<unknown> };
type Button = HTMLElement & { disabled: boolean };

async function type(testId: string, text: string) {
  const field = screen.getByTestId(testId) as Field;
  await field.updateComplete;
  const inner = field.shadowRoot!.querySelector('input, textarea')!;
  await fireEvent.input(inner, { target: { value: text } });
}

/** The form lives in the chat header's "New blueprint" disclosure and mounts once its elements loaded. */
async function setup() {
  const ctx = makeApp('studio');
  render(ChatPane, { props: { app: ctx.app } });
  ctx.app.handle(init);
  ctx.app.handle(snapshot([]));
  flushSync();
  expect(screen.queryByTestId('new-blueprint-form')).toBeNull();
  await fireEvent.click(screen.getByTestId('chat-new-blueprint'));
  await screen.findByTestId('new-blueprint-form');
  return ctx;
}

const creates = (posted: unknown[]) => posted.filter((m) => (m as { type: string }).type === 'blueprint/create');

describe('New blueprint form', () => {
  it('shows an inline error for an empty (or blank) name and posts nothing', async () => {
    const { api } = await setup();
    await type('new-blueprint-name', '   ');
    await fireEvent.click(screen.getByTestId('new-blueprint-submit'));
    expect(screen.getByTestId('new-blueprint-name-error').textContent).toBe('A feature name is required');
    expect((screen.getByTestId('new-blueprint-name') as Field).invalid).toBe(true);
    expect(creates(api.posted)).toEqual([]);

    // Typing clears the error.
    await type('new-blueprint-name', 'T');
    expect(screen.queryByTestId('new-blueprint-name-error')).toBeNull();
  });

  it('posts a validated blueprint/create, waits for the host, and clears on reveal', async () => {
    const { api, app } = await setup();
    await type('new-blueprint-name', '  Team invitations ');
    await type('new-blueprint-summary', 'Invite by email');
    expect(screen.getByText('.orchard/blueprints/team-invitations.json')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('new-blueprint-submit'));
    expect(creates(api.posted)).toEqual([{ type: 'blueprint/create', featureName: 'Team invitations', summary: 'Invite by email' }]);
    const submit = screen.getByTestId('new-blueprint-submit') as Button;
    expect(submit.disabled).toBe(true);

    app.handle({ type: 'blueprint/reveal', slug: 'team-invitations' });
    await tick();
    expect((screen.getByTestId('new-blueprint-name') as Field).value).toBe('');
    expect((screen.getByTestId('new-blueprint-summary') as Field).value).toBe('');
    expect(submit.disabled).toBe(false);
  });

  it('keeps what was typed when the host reports an error', async () => {
    const { app } = await setup();
    await type('new-blueprint-name', 'Payments');
    await fireEvent.click(screen.getByTestId('new-blueprint-submit'));
    app.handle({ type: 'notice', level: 'error', text: 'payments.json already exists' });
    await tick();
    expect((screen.getByTestId('new-blueprint-name') as Field).value).toBe('Payments');
    expect((screen.getByTestId('new-blueprint-submit') as Button).disabled).toBe(false);
    expect(screen.getByRole('alert').textContent).toContain('already exists');
  });

  it('is disabled without a folder', async () => {
    const { app } = await setup();
    app.handle(snapshot([], false));
    flushSync();
    expect((screen.getByTestId('new-blueprint-submit') as Button).disabled).toBe(true);
    expect((screen.getByTestId('new-blueprint-name') as Field & { disabled: boolean }).disabled).toBe(true);
  });
});

describe('Chat pane status', () => {
  it('shows the API key status and posts apiKey/set', async () => {
    const { api, app } = await setup();
    expect(screen.getByTestId('api-key-status').textContent).toContain('not set');
    await fireEvent.click(screen.getByTestId('set-api-key'));
    expect(api.posted).toContainEqual({ type: 'apiKey/set' });
    app.handle({ type: 'apiKey/status', set: true });
    flushSync();
    expect(screen.getByTestId('api-key-status').textContent).not.toContain('not set');
    expect(screen.getByTestId('set-api-key').textContent).toContain('Change API key');
  });

  it('says when the workspace is in Restricted Mode', async () => {
    const { app } = await setup();
    expect(screen.queryByTestId('restricted-mode')).toBeNull();
    app.handle({ ...init, trusted: false });
    flushSync();
    expect(screen.getByTestId('restricted-mode').textContent).toContain('Restricted Mode');
  });
});
