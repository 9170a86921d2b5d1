import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENTS, MAX_IMAGE_BYTES, type WebviewToHost } from '../../extension/src/core/protocol';
import ChatPane from '../src/components/ChatPane.svelte';
import { attachmentProblem, imageMediaType, prepareImages, uniqueName } from '../src/lib/chatAttachments';
import { transcript } from './chatFixtures';
import { init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

const SLUG = 'team-invitations';
/** The first bytes of a PNG file: enough to be an image to the eye of a test. */
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

async function setup() {
  const ctx = makeApp('studio');
  render(ChatPane, { props: { app: ctx.app } });
  ctx.app.handle({ ...init, apiKeySet: true });
  ctx.app.handle(snapshot([validEntry(SLUG, teamInvites)]));
  ctx.app.handle(transcript(SLUG, []));
  flushSync();
  await tick();
  return ctx;
}

async function pick(files: File[]) {
  const picker = screen.getByTestId('chat-file-input') as HTMLInputElement;
  Object.defineProperty(picker, 'files', { value: files, configurable: true });
  await fireEvent.change(picker);
}

afterEach(() => {
  // jsdom has no object URLs; the test that needs them defines them on URL.
  delete (URL as { createObjectURL?: unknown }).createObjectURL;
  delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
});

describe('chat attachments', () => {
  it('refuses a wrong type and a file over 5 MB with errors naming them', async () => {
    await setup();
    const big = new File([new Uint8Array(Math.round(7.2 * 1024 * 1024))], 'shot.png', { type: 'image/png' });
    await pick([new File([PNG_BYTES], 'mock.bmp', { type: 'image/bmp' }), big]);
    await waitFor(() => expect(screen.getAllByTestId('chat-attachment-error')).toHaveLength(2));
    expect(screen.getAllByTestId('chat-attachment-error').map((e) => e.textContent)).toEqual([
      'mock.bmp: only PNG, JPEG, WebP and GIF images can be attached',
      'shot.png is 7.2 MB; the limit is 5 MB',
    ]);
    expect(screen.queryAllByTestId('chat-pending-attachment')).toHaveLength(0);
  });

  it('sends a valid image as base64 with its media type and clears it once the host accepts', async () => {
    const created: string[] = [];
    const revoked: string[] = [];
    Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        const url = `blob:test/${created.length}-${blob.size}`;
        created.push(url);
        return url;
      },
      revokeObjectURL: (url: string) => revoked.push(url),
    });
    const { app, api } = await setup();
    await pick([new File([PNG_BYTES], 'mock.png', { type: 'image/png' })]);
    await waitFor(() => expect(screen.getAllByTestId('chat-pending-attachment')).toHaveLength(1));
    expect((screen.getByAltText('mock.png') as HTMLImageElement).src).toBe(created[0]);

    await fireEvent.input(screen.getByTestId('chat-input'), { target: { value: 'Like this mock' } });
    await fireEvent.click(screen.getByTestId('chat-send'));
    const sends = (api.posted as WebviewToHost[]).filter((m) => m.type === 'chat/send');
    expect(sends).toEqual([
      {
        type: 'chat/send',
        slug: SLUG,
        text: 'Like this mock',
        attachments: [{ name: 'mock.png', mediaType: 'image/png', base64: Buffer.from(PNG_BYTES).toString('base64') }],
      },
    ]);
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't1', message: { id: 'u1', role: 'user', content: 'Like this mock', time: '2026-11-21T09:00:00Z' } });
    flushSync();
    expect(screen.queryAllByTestId('chat-pending-attachment')).toHaveLength(0);
    expect(revoked).toEqual(created);
  });

  it('a pasted image is attached; removing it revokes its preview', async () => {
    await setup();
    const file = new File([PNG_BYTES], 'image.png', { type: 'image/png' });
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [file], items: [], types: ['Files'] } });
    screen.getByTestId('chat-input').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId('chat-pending-attachment')).toHaveLength(1));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove image.png' }));
    expect(screen.queryAllByTestId('chat-pending-attachment')).toHaveLength(0);
  });
  it('an image dropped on the chat is attached; a dropped file of another type gets its error', async () => {
    await setup();
    const event = new Event('drop', { bubbles: true, cancelable: true });
    const files = [new File([PNG_BYTES], 'dropped.png', { type: 'image/png' }), new File(['%PDF'], 'spec.pdf', { type: 'application/pdf' })];
    Object.defineProperty(event, 'dataTransfer', { value: { files, items: [], types: ['Files'] } });
    screen.getByTestId('chat-view').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId('chat-pending-attachment')).toHaveLength(1));
    expect(screen.getByTestId('chat-attachment-error').textContent).toBe('spec.pdf: only PNG, JPEG, WebP and GIF images can be attached');
  });
});

describe('attachment checks', () => {
  it('takes the type from the MIME type, or the extension when the browser gives none', () => {
    expect(imageMediaType({ name: 'a.bin', type: 'image/webp' })).toBe('image/webp');
    expect(imageMediaType({ name: 'Photo.JPG', type: '' })).toBe('image/jpeg');
    expect(imageMediaType({ name: 'a.png', type: 'image/svg+xml' })).toBeNull();
    expect(imageMediaType({ name: 'noext', type: '' })).toBeNull();
  });

  it('accepts exactly 5 MB and refuses one byte more', () => {
    expect(attachmentProblem({ name: 'a.gif', type: 'image/gif', size: MAX_IMAGE_BYTES })).toBeNull();
    expect(attachmentProblem({ name: 'a.gif', type: 'image/gif', size: MAX_IMAGE_BYTES + 1 })).toBe('a.gif is 5 MB; the limit is 5 MB');
    expect(attachmentProblem({ name: 'a.gif', type: 'image/gif', size: 0 })).toBe('a.gif is empty');
  });

  it('gives pasted screenshots distinct names', () => {
    expect(uniqueName('image.png', new Set(['image.png', 'image-2.png']))).toBe('image-3.png');
    expect(uniqueName('a/b\\c.png', new Set())).toBe('a_b_c.png');
  });

  it(`refuses images past ${MAX_ATTACHMENTS} by name`, async () => {
    const files = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => new File([PNG_BYTES], `m${i}.png`, { type: 'image/png' }));
    const result = await prepareImages(files, []);
    expect(result.added).toHaveLength(MAX_ATTACHMENTS);
    expect(result.errors).toEqual([`m${MAX_ATTACHMENTS}.png was not added: at most ${MAX_ATTACHMENTS} images per message`]);
  });
});
