import { describe, expect, it } from 'vitest';
import { describeUsage, formatBytes, formatCost, formatTokens, formatUsage } from '../src/lib/chatFormat';
import { closeOpenFence, settledLength } from '../src/lib/chatMarkdown';
import { markdownToSafeHtml } from '../src/lib/markdown';

describe('usage meter', () => {
  it('formats token counts compactly', () => {
    expect([0, 640, 999, 1000, 12_345, 99_949, 123_456, 1_234_567, 12_345_678].map(formatTokens)).toEqual([
      '0',
      '640',
      '999',
      '1k',
      '12.3k',
      '99.9k',
      '123k',
      '1.23M',
      '12.3M',
    ]);
  });

  it('formats an estimated cost without false precision', () => {
    expect([0, 0.004, 0.0412, 1.5, 250.4].map(formatCost)).toEqual(['$0', '<$0.01', '~$0.04', '~$1.50', '~$250']);
  });

  it('writes one line per turn, cache figures only when present, no cost for an unpriced model', () => {
    const usage = { inputTokens: 12_345, outputTokens: 640, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.04 };
    expect(formatUsage(usage)).toBe('12.3k in · 640 out · ~$0.04');
    expect(formatUsage({ ...usage, cacheReadTokens: 8100, cacheWriteTokens: 2000, costUsd: null })).toBe(
      '12.3k in · 640 out · 8.1k cache read · 2k cache write',
    );
    expect(describeUsage({ ...usage, costUsd: null })).toMatch(/12,345 input tokens, 640 output tokens.*cost unknown/);
  });

  it('formats file sizes for attachment errors', () => {
    expect([512, 300_000, 5 * 1024 * 1024, Math.round(7.2 * 1024 * 1024)].map(formatBytes)).toEqual(['512 B', '293 KB', '5 MB', '7.2 MB']);
  });
});

describe('streaming Markdown', () => {
  it('closes a fence the stream left open, with the same marker', () => {
    expect(closeOpenFence('Text\n```ts\nconst a = 1;')).toBe('Text\n```ts\nconst a = 1;\n```');
    expect(closeOpenFence('~~~~\ncode\n')).toBe('~~~~\ncode\n~~~~');
    expect(closeOpenFence('```\nshut\n```\nafter')).toBe('```\nshut\n```\nafter');
    // A shorter or different marker does not close the fence.
    expect(closeOpenFence('````\n```\n')).toBe('````\n```\n````');
  });

  it('a partial fence renders as one code block and leaves the text after it alone', () => {
    const html = markdownToSafeHtml(closeOpenFence('Before\n\n```js\nlet x = "<b>";'));
    expect(html).toContain('<pre><code class="language-js">');
    expect(html).toContain('&lt;b&gt;');
    expect(html.match(/<pre>/g)).toHaveLength(1);
  });

  it('settles a streaming message at its last blank line outside a fence', () => {
    const text = 'One.\n\nTwo\n\n```\ncode\n\nmore code';
    expect(text.slice(0, settledLength(text))).toBe('One.\n\nTwo\n\n');
    expect(settledLength('no break yet')).toBe(0);
    const closed = 'A\n\n```\nx\n\ny\n```\n\nTail';
    expect(closed.slice(settledLength(closed))).toBe('Tail');
  });
});
