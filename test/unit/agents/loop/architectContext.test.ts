import { describe, expect, it } from 'vitest';
import { architectMessages, blueprintForModel, historyMessages } from '../../../../extension/src/agents/architect/architectContext';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import type { TranscriptMessage } from '../../../../extension/src/core/chat/transcript';

const at = '2026-01-01T00:00:00Z';
const msg = (role: 'user' | 'assistant', content: string, extra: Partial<TranscriptMessage> = {}): TranscriptMessage => ({ role, content, time: at, ...extra });
const parts = { blueprint: Blueprint.parse({ featureName: 'F', $schema: '../schema.json' }), userText: 'new words', images: [], references: [] };

describe('historyMessages', () => {
  it('keeps alternating text, names attached images and marks a stopped reply', () => {
    const out = historyMessages([
      msg('user', 'Look at this', { attachments: [{ name: 'mock.png', mediaType: 'image/png', path: '.orchard/references/f/mock.png' }] }),
      msg('assistant', 'I see a card', { stopped: true }),
    ]);
    expect(out).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Look at this\n\n[Images attached to this message: .orchard/references/f/mock.png]' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'I see a card\n\n[The developer stopped this reply here.]' }] },
    ]);
  });

  it('joins messages of the same role, drops empty ones, and opens with the user', () => {
    const out = historyMessages([msg('assistant', 'Welcome'), msg('user', 'a'), msg('user', ''), msg('user', 'b'), msg('assistant', 'c')]);
    expect(out.map((m) => [m.role, m.content[0]?.type === 'text' ? m.content[0].text : ''])).toEqual([
      ['user', '(The conversation so far.)'],
      ['assistant', 'Welcome'],
      ['user', 'a\n\nb'],
      ['assistant', 'c'],
    ]);
  });
});

describe('architectMessages', () => {
  it('adds the new message after an answered conversation', () => {
    const out = architectMessages([msg('user', 'a'), msg('assistant', 'b')], parts);
    expect(out.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('joins the new message to an unanswered one so roles still alternate', () => {
    const out = architectMessages([msg('user', 'a'), msg('assistant', 'b'), msg('user', 'left without reply')], parts);
    expect(out.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const last = out[2]!.content;
    expect(last[0]).toEqual({ type: 'text', text: 'left without reply' });
    expect(last.at(-1)).toEqual({ type: 'text', text: '# The developer says\n\nnew words' });
  });

  it('shows the blueprint without its $schema', () => {
    expect(blueprintForModel(parts.blueprint)).not.toContain('$schema');
    expect(JSON.parse(blueprintForModel(parts.blueprint))).toMatchObject({ featureName: 'F', status: 'draft' });
  });
});
