import { describe, expect, it } from 'vitest';
import type { WebviewToHost } from '../../extension/src/core/protocol';
import { ChatState, streamingRowKey } from '../src/lib/chatState.svelte';
import { assistantMessage, noUsage, transcript, turnUsage, userMessage } from './chatFixtures';

function setup() {
  const posted: WebviewToHost[] = [];
  const selected: string[] = [];
  const frames: Array<() => void> = [];
  const clock = { now: 1000 };
  const chat = new ChatState({
    post: (m) => posted.push(m),
    select: (slug) => selected.push(slug),
    scheduleFrame: (flush) => frames.push(flush),
    now: () => clock.now,
  });
  const runFrames = () => frames.splice(0).forEach((f) => f());
  return { chat, posted, selected, frames, runFrames, clock };
}

describe('ChatState', () => {
  it('asks for the transcript once per blueprint and takes it as the whole truth', () => {
    const { chat, posted } = setup();
    chat.show('todo-sharing');
    chat.show('todo-sharing');
    expect(posted).toEqual([{ type: 'chat/open', slug: 'todo-sharing' }]);
    expect(chat.loaded).toBe(false);
    chat.handle(transcript('other', [userMessage('x', 'not ours')]));
    expect(chat.loaded).toBe(false);
    chat.handle(transcript('todo-sharing', [userMessage('u1', 'Share lists'), assistantMessage('a1', 'With whom?')]));
    expect(chat.loaded).toBe(true);
    expect(chat.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(chat.provider).toBe('claude-sonnet-4-5 via the Anthropic API');
    expect(chat.total).toEqual(turnUsage);
  });

  it('coalesces deltas into one update per frame; the final message replaces the streamed text', () => {
    const { chat, frames, runFrames } = setup();
    chat.show('b');
    chat.handle(transcript('b', []));
    chat.handle({ type: 'chat/turnStarted', slug: 'b', turnId: 't1', message: userMessage('u1', 'Hi') });
    expect(chat.running).toBe(true);
    expect(chat.streaming).toEqual({ turnId: 't1', text: '' });
    // The first delta after a quiet spell is shown at once...
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't1', text: 'Hel' });
    expect(chat.streaming?.text).toBe('Hel');
    expect(frames).toHaveLength(0);
    // ...the ones right behind it wait for one frame, together.
    for (const piece of ['lo ', 'there']) chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't1', text: piece });
    expect(frames).toHaveLength(1);
    expect(chat.streaming?.text).toBe('Hel');
    runFrames();
    expect(chat.streaming?.text).toBe('Hello there');
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't1', text: '!' });
    chat.handle({
      type: 'chat/turnEnded',
      slug: 'b',
      turnId: 't1',
      outcome: 'done',
      message: assistantMessage('a1', 'Hello there! (final)'),
      total: turnUsage,
    });
    expect(chat.streaming).toBeNull();
    expect(chat.running).toBe(false);
    expect(chat.messages.map((m) => m.content)).toEqual(['Hi', 'Hello there! (final)']);
    // The final message keeps the streaming row, so the list does not remount it.
    expect(chat.rowKey(chat.messages[1]!)).toBe(streamingRowKey('t1'));
    // A delta the host flushed after the end does not start a phantom stream.
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't1', text: 'late' });
    runFrames();
    expect(chat.streaming).toBeNull();
  });

  it('posts chat/stop with the running turn and chat/retry after a retryable failure', () => {
    const { chat, posted } = setup();
    chat.show('b');
    chat.handle(transcript('b', [], { runningTurnId: 't9' }));
    chat.stop();
    expect(posted.at(-1)).toEqual({ type: 'chat/stop', slug: 'b', turnId: 't9' });
    chat.handle({ type: 'chat/turnEnded', slug: 'b', turnId: 't9', outcome: 'failed', message: null, error: 'Overloaded after 4 tries', retryable: true, total: noUsage });
    expect(chat.problem).toEqual({ turnId: 't9', outcome: 'failed', error: 'Overloaded after 4 tries', retryable: true });
    chat.retry();
    chat.retry();
    expect(posted.filter((m) => m.type === 'chat/retry')).toEqual([{ type: 'chat/retry', slug: 'b' }]);
    chat.handle({ type: 'chat/turnStarted', slug: 'b', turnId: 't10', message: userMessage('u1', 'again') });
    expect(chat.problem).toBeNull();
    expect(chat.retrying).toBe(false);
  });

  it('a stopped turn keeps what was written and is marked', () => {
    const { chat } = setup();
    chat.show('b');
    chat.handle(transcript('b', []));
    chat.handle({ type: 'chat/turnStarted', slug: 'b', turnId: 't1', message: userMessage('u1', 'Go') });
    chat.handle({ type: 'chat/turnEnded', slug: 'b', turnId: 't1', outcome: 'stopped', message: assistantMessage('a1', 'Half an answer'), total: noUsage });
    expect(chat.messages.at(-1)?.content).toBe('Half an answer');
    expect(chat.stoppedIds.has('a1')).toBe(true);
    expect(chat.problem?.outcome).toBe('stopped');
  });

  it('the first message of a new conversation creates the blueprint and the chat follows it there', () => {
    const { chat, posted, selected } = setup();
    chat.show(null);
    expect(posted).toEqual([]);
    chat.send('Let users share todo lists', []);
    expect(posted).toEqual([{ type: 'chat/send', slug: null, text: 'Let users share todo lists', attachments: [] }]);
    expect(chat.waitingForHost).toBe(true);
    // Another surface's turn in another blueprint is not ours.
    chat.handle({ type: 'chat/turnStarted', slug: 'elsewhere', turnId: 'tx', message: userMessage('ux', 'Something else') });
    expect(chat.slug).toBeNull();
    chat.handle({ type: 'chat/turnStarted', slug: 'todo-sharing', turnId: 't1', message: userMessage('u1', 'Let users share todo lists') });
    expect(chat.slug).toBe('todo-sharing');
    expect(selected).toEqual(['todo-sharing']);
    expect(posted.at(-1)).toEqual({ type: 'chat/open', slug: 'todo-sharing' });
    expect(chat.messages.map((m) => m.id)).toEqual(['u1']);
    expect(chat.acceptedCount).toBe(1);
    expect(chat.running).toBe(true);
    // The transcript that answers chat/open already holds the message: no duplicate.
    chat.handle(transcript('todo-sharing', [userMessage('u1', 'Let users share todo lists')], { runningTurnId: 't1' }));
    expect(chat.messages.map((m) => m.id)).toEqual(['u1']);
    expect(chat.streaming?.turnId).toBe('t1');
  });

  it('a refused send frees the composer without losing anything', () => {
    const { chat } = setup();
    chat.show('b');
    chat.send('hello', []);
    // Another surface started a turn here first: that is not our message being accepted.
    chat.handle({ type: 'chat/turnStarted', slug: 'b', turnId: 't1', message: userMessage('ux', 'from the sidebar') });
    expect(chat.acceptedCount).toBe(0);
    expect(chat.waitingForHost).toBe(true);
    chat.requestFailed();
    expect(chat.waitingForHost).toBe(false);
    expect(chat.refusedCount).toBe(1);
    expect(chat.acceptedCount).toBe(0);
  });

  it('reopened mid-turn as the host does it: transcript, the turn start again, then everything streamed so far', () => {
    const { chat, posted, runFrames } = setup();
    chat.show('b');
    // A broadcast delta may reach the surface before its transcript; the catch-up delta repeats it.
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't3', text: 'early ' });
    chat.handle(transcript('b', [userMessage('u0', 'Earlier')], { runningTurnId: 't3' }));
    chat.handle({ type: 'chat/turnStarted', slug: 'b', turnId: 't3', message: userMessage('u1', 'Running question') });
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't3', text: 'early rest' });
    chat.handle({ type: 'chat/activity', slug: 'b', turnId: 't3', text: 'Updating the blueprint…' });
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't3', text: ', and more' });
    runFrames();
    expect(chat.messages.map((m) => m.id)).toEqual(['u0', 'u1']);
    expect(chat.streaming).toEqual({ turnId: 't3', text: 'early rest, and more' });
    expect(chat.activity).toBe('Updating the blueprint…');
    chat.stop();
    expect(posted.at(-1)).toEqual({ type: 'chat/stop', slug: 'b', turnId: 't3' });
  });

  it('reopened during a Retry (no repeated start): the catch-up delta follows the transcript', () => {
    const { chat, runFrames } = setup();
    chat.show('b');
    chat.handle(transcript('b', [userMessage('u0', 'Q')], { runningTurnId: 't4' }));
    chat.handle({ type: 'chat/delta', slug: 'b', turnId: 't4', text: 'so far' });
    runFrames();
    expect(chat.streaming).toEqual({ turnId: 't4', text: 'so far' });
  });

  it('switching blueprints drops the old conversation', () => {
    const { chat, posted } = setup();
    chat.show('a');
    chat.handle(transcript('a', [userMessage('u1', 'A')], { runningTurnId: 't1' }));
    chat.show('b');
    expect(chat.messages).toEqual([]);
    expect(chat.running).toBe(false);
    expect(posted.at(-1)).toEqual({ type: 'chat/open', slug: 'b' });
    chat.handle({ type: 'chat/delta', slug: 'a', turnId: 't1', text: 'for a' });
    expect(chat.streaming).toBeNull();
  });
});
