import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import ChatPane from '../src/components/ChatPane.svelte';
import { isAtBottom, nextFollow, rowAt, rowOffsets, visibleRange } from '../src/lib/virtualList';
import { longConversation, transcript, userMessage } from './chatFixtures';
import { init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

const SLUG = 'team-invitations';
const VIEWPORT_PX = 400;

/**
 * jsdom has no layout: give the log a viewport height and a scroll height
 * that follows the list's spacer, as a browser would.
 */
function fakeLayout(log: HTMLElement) {
  Object.defineProperty(log, 'clientHeight', { get: () => VIEWPORT_PX, configurable: true });
  Object.defineProperty(log, 'scrollHeight', {
    get: () => Math.max(VIEWPORT_PX, parseFloat((log.firstElementChild as HTMLElement).style.height) || 0),
    configurable: true,
  });
}

async function setupLong(count: number) {
  const ctx = makeApp('studio');
  render(ChatPane, { props: { app: ctx.app } });
  ctx.app.handle({ ...init, apiKeySet: true });
  ctx.app.handle(snapshot([validEntry(SLUG, teamInvites)]));
  flushSync();
  const started = performance.now();
  ctx.app.handle(transcript(SLUG, longConversation(count)));
  flushSync();
  const mountMs = performance.now() - started;
  await tick();
  return { ...ctx, mountMs, log: screen.getByTestId('chat-log') };
}

describe('virtual list arithmetic', () => {
  const keys = ['a', 'b', 'c', 'd'];
  const offsets = rowOffsets(keys, new Map([['b', 200]]), 100);

  it('prefix sums use measured heights and the estimate for the rest', () => {
    expect(Array.from(offsets)).toEqual([0, 100, 300, 400, 500]);
  });

  it('finds the row under a point and the rows a viewport needs', () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 299)).toBe(1);
    expect(rowAt(offsets, 300)).toBe(2);
    expect(rowAt(offsets, 10_000)).toBe(3);
    expect(visibleRange(offsets, 150, 100, 0)).toEqual({ start: 1, end: 2 });
    expect(visibleRange(offsets, 150, 200, 50)).toEqual({ start: 1, end: 4 });
    expect(visibleRange(rowOffsets([], new Map(), 100), 0, 500, 100)).toEqual({ start: 0, end: 0 });
  });

  it('stops following only when the user moves up away from the bottom', () => {
    expect(isAtBottom(600, 1000, 400)).toBe(true);
    expect(nextFollow(true, 600, 300, 1000, 400)).toBe(false);
    // Content grew under a following list: no scroll up happened.
    expect(nextFollow(true, 600, 600, 1400, 400)).toBe(true);
    // Scrolling down but not yet at the bottom keeps not following.
    expect(nextFollow(false, 300, 400, 1400, 400)).toBe(false);
    expect(nextFollow(false, 300, 1000, 1400, 400)).toBe(true);
  });
});

describe('chat virtual list', () => {
  it('renders only a window of a 10,000-message transcript', async () => {
    const { log, mountMs } = await setupLong(10_000);
    const rendered = screen.getAllByTestId('chat-message');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(30);
    expect(log.querySelectorAll('.row').length).toBe(rendered.length);
    expect(log.getAttribute('role')).toBe('log');
    // jsdom is no browser, but a list that rendered every row would take seconds here.
    expect(mountMs).toBeLessThan(1000);
  });

  it('follows new messages at the bottom, stops when scrolled up, and Jump to latest returns', async () => {
    const { app, log } = await setupLong(200);
    fakeLayout(log);
    app.handle({ type: 'chat/turnStarted', slug: SLUG, turnId: 't1', message: userMessage('u-new', 'Newest question') });
    flushSync();
    const bottom = log.scrollHeight - VIEWPORT_PX;
    expect(log.scrollTop).toBe(bottom);
    expect(screen.getByText('Newest question')).toBeTruthy();
    expect(log.getAttribute('aria-live')).toBe('polite');

    log.scrollTop = bottom - 3000;
    await fireEvent.scroll(log);
    expect(screen.getByTestId('chat-jump-latest')).toBeTruthy();
    // Rows mounted by scrolling are not announced.
    expect(log.getAttribute('aria-live')).toBe('off');
    const rowsNow = log.querySelectorAll('.row').length;
    expect(rowsNow).toBeLessThan(40);

    app.handle({ type: 'chat/turnEnded', slug: SLUG, turnId: 't1', outcome: 'done', message: { id: 'a-new', role: 'assistant', content: 'Answer', time: '2026-11-21T09:00:00Z' }, total: transcript(SLUG, []).total });
    flushSync();
    expect(log.scrollTop).toBe(bottom - 3000);

    await fireEvent.click(screen.getByTestId('chat-jump-latest'));
    flushSync();
    expect(log.scrollTop).toBe(log.scrollHeight - VIEWPORT_PX);
    expect(screen.queryByTestId('chat-jump-latest')).toBeNull();
    expect(screen.getByText('Answer')).toBeTruthy();
  });
});
