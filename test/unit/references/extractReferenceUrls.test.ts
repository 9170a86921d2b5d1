import { describe, expect, it } from 'vitest';
import { extractReferenceUrls } from '../../../extension/src/agents/references/designReferences';

describe('extractReferenceUrls', () => {
  it('finds http and https URLs in order and trims trailing punctuation', () => {
    const text = 'Like https://stripe.com/pricing, or http://linear.app. Also "https://vercel.com/design"!';
    expect(extractReferenceUrls(text)).toEqual(['https://stripe.com/pricing', 'http://linear.app/', 'https://vercel.com/design']);
  });

  it('trims an unbalanced closing bracket but keeps a balanced one', () => {
    const text = '(see https://x.test/a) and [https://y.test/b] and https://en.wikipedia.org/wiki/Swiss_(typography).';
    expect(extractReferenceUrls(text)).toEqual([
      'https://x.test/a',
      'https://y.test/b',
      'https://en.wikipedia.org/wiki/Swiss_(typography)',
    ]);
  });

  it('reads markdown links and angle-bracketed URLs', () => {
    expect(extractReferenceUrls('[Acme](https://acme.test/home) <https://acme.test/about>')).toEqual([
      'https://acme.test/home',
      'https://acme.test/about',
    ]);
  });

  it('deduplicates (after normalization) and keeps at most five', () => {
    const text = ['https://A.test/', 'https://a.test', 'https://b.test/', 'https://c.test/', 'https://d.test/', 'https://e.test/', 'https://f.test/'].join(' ');
    expect(extractReferenceUrls(text)).toEqual(['https://a.test/', 'https://b.test/', 'https://c.test/', 'https://d.test/', 'https://e.test/']);
  });

  it('ignores other schemes and text without URLs', () => {
    expect(extractReferenceUrls('ftp://files.test/x file:///etc/passwd javascript:alert(1) www.example.com')).toEqual([]);
    expect(extractReferenceUrls('')).toEqual([]);
  });

  it('leaves credentials out', () => {
    expect(extractReferenceUrls('see https://bob:hunter2@design.test/board')).toEqual(['https://design.test/board']);
  });

  it('keeps query strings and fragments', () => {
    expect(extractReferenceUrls('Look at https://dribbble.com/shots?q=pricing&sort=new#top.')).toEqual([
      'https://dribbble.com/shots?q=pricing&sort=new#top',
    ]);
  });
});
