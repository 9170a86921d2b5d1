import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ChatMessage from '../src/components/chat/ChatMessage.svelte';
import { TAIL_MARKDOWN_LIMIT } from '../src/lib/chatMarkdown';
import { markdownToSafeHtml } from '../src/lib/markdown';
import { assistantMessage } from './chatFixtures';

function countingRenderer() {
  const calls: string[] = [];
  const toHtml = (markdown: string) => {
    calls.push(markdown);
    return markdownToSafeHtml(markdown);
  };
  return { calls, toHtml };
}

describe('chat message rendering', () => {
  it('a streaming message re-renders only the paragraph being written', async () => {
    const { calls, toHtml } = countingRenderer();
    const view = render(ChatMessage, { props: { message: null, streamingText: 'First paragraph.\n\nSec', toHtml, referencesBaseUri: null } });
    await view.rerender({ message: null, streamingText: 'First paragraph.\n\nSecond', toHtml, referencesBaseUri: null });
    await view.rerender({ message: null, streamingText: 'First paragraph.\n\nSecond one.', toHtml, referencesBaseUri: null });
    expect(calls.filter((c) => c === 'First paragraph.\n\n')).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('Sec'))).toEqual(['Sec', 'Second', 'Second one.']);
    const row = screen.getByTestId('chat-streaming');
    const first = row.querySelector('p');
    expect(row.querySelectorAll('p').length).toBe(2);
    expect(row.textContent).toContain('Second one.');
    // When the second paragraph settles, only it is rendered, and the first one's DOM stays.
    await view.rerender({ message: null, streamingText: 'First paragraph.\n\nSecond one.\n\nThi', toHtml, referencesBaseUri: null });
    expect(calls.slice(-2)).toEqual(['Second one.\n\n', 'Thi']);
    expect(row.querySelector('p')).toBe(first);
    expect(Array.from(row.querySelectorAll('p'), (p) => p.textContent)).toEqual(['First paragraph.', 'Second one.', 'Thi']);
  });

  it('a paragraph longer than TAIL_MARKDOWN_LIMIT streams as plain text, and is Markdown once it settles', async () => {
    const { calls, toHtml } = countingRenderer();
    const long = '**bold** <b>x</b> ' + 'word '.repeat(TAIL_MARKDOWN_LIMIT / 5);
    const view = render(ChatMessage, { props: { message: null, streamingText: long, toHtml, referencesBaseUri: null } });
    const row = screen.getByTestId('chat-streaming');
    expect(calls).toEqual([]);
    expect(screen.getByTestId('chat-plain-tail').textContent).toBe(long);
    expect(row.querySelector('b')).toBeNull();
    await view.rerender({ message: null, streamingText: `${long}\n\nNext`, toHtml, referencesBaseUri: null });
    expect(screen.queryByTestId('chat-plain-tail')).toBeNull();
    expect(row.querySelector('strong')?.textContent).toBe('bold');
    expect(calls).toEqual([`${long}\n\n`, 'Next']);
  });

  it('a finished message is rendered once, however often it is shown', () => {
    const { calls, toHtml } = countingRenderer();
    const message = assistantMessage('cached-once', 'Some *emphasis*');
    render(ChatMessage, { props: { message, toHtml, referencesBaseUri: null } });
    render(ChatMessage, { props: { message, toHtml, referencesBaseUri: null } });
    expect(calls).toEqual(['Some *emphasis*']);
    expect(screen.getAllByTestId('chat-message')[0]!.querySelector('em')?.textContent).toBe('emphasis');
  });

  it('user text is shown as typed, never as HTML', () => {
    const { toHtml } = countingRenderer();
    render(ChatMessage, { props: { message: { id: 'u', role: 'user', content: '<img src=x onerror=alert(1)> **not bold**', time: 'x' }, toHtml, referencesBaseUri: null } });
    const row = screen.getByTestId('chat-message');
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('<img src=x onerror=alert(1)> **not bold**');
  });

  it('sanitizes assistant Markdown', () => {
    const { toHtml } = countingRenderer();
    render(ChatMessage, { props: { message: assistantMessage('xss', 'Hi <img src=x onerror="alert(1)"><script>alert(2)</script>'), toHtml, referencesBaseUri: null } });
    const row = screen.getByTestId('chat-message');
    expect(row.innerHTML).not.toContain('onerror');
    expect(row.querySelector('script')).toBeNull();
  });
});
