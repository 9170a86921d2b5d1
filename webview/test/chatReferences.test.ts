import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../extension/src/core/blueprint/blueprint';
import BlueprintDetail from '../src/components/BlueprintDetail.svelte';
import ReferenceList from '../src/components/ReferenceList.svelte';
import { fileName, resolveReferenceUri } from '../src/lib/chatReferences';

const BASE = 'https://file+.vscode-resource.vscode-cdn.net/ws/.orchard/references';

describe('resolving stored images', () => {
  it('joins a path under .orchard/references/ to the base, encoding each segment', () => {
    expect(resolveReferenceUri(BASE, '.orchard/references/todo-sharing/mock 1.png')).toBe(`${BASE}/todo-sharing/mock%201.png`);
    expect(resolveReferenceUri(`${BASE}/`, './.orchard/references/a/b.gif')).toBe(`${BASE}/a/b.gif`);
    expect(resolveReferenceUri(BASE, '.orchard\\references\\a\\b.gif')).toBe(`${BASE}/a/b.gif`);
  });

  it('refuses paths it cannot show safely', () => {
    expect(resolveReferenceUri(null, '.orchard/references/a/b.png')).toBeNull();
    expect(resolveReferenceUri(BASE, undefined)).toBeNull();
    expect(resolveReferenceUri(BASE, 'design/mock.png')).toBeNull();
    expect(resolveReferenceUri(BASE, '.orchard/references/../blueprints/x.json')).toBeNull();
    expect(resolveReferenceUri(BASE, '.orchard/references/a//b.png')).toBeNull();
  });

  it('names a file by its last segment', () => {
    expect(fileName('.orchard/references/a/mock.png')).toBe('mock.png');
  });
});

describe('Plan pane references', () => {
  const items = [
    { kind: 'image' as const, source: '.orchard/references/todo-sharing/mock.png', title: 'Share dialog' },
    { kind: 'image' as const, source: '.orchard/references/todo-sharing/flow.webp' },
    { kind: 'image' as const, source: 'design/outside.png' },
    { kind: 'url' as const, source: 'https://example.com/share', title: 'Sharing article' },
  ];

  it('shows images as lazy thumbnails with alt text and URLs as links', () => {
    render(ReferenceList, { props: { items, referencesBaseUri: BASE } });
    const thumbnails = within(screen.getByTestId('reference-images')).getAllByRole('img') as HTMLImageElement[];
    expect(thumbnails.map((img) => [img.alt, img.src, img.getAttribute('loading')])).toEqual([
      ['Share dialog', `${BASE}/todo-sharing/mock.png`, 'lazy'],
      ['flow.webp', `${BASE}/todo-sharing/flow.webp`, 'lazy'],
    ]);
    expect(screen.getByTestId('reference-images').textContent).toContain('Image not available');
    const link = within(screen.getByTestId('reference-links')).getByRole('link') as HTMLAnchorElement;
    expect(link.href).toBe('https://example.com/share');
  });

  it('an image that fails to load is named instead', async () => {
    render(ReferenceList, { props: { items: items.slice(0, 1), referencesBaseUri: BASE } });
    await fireEvent.error(screen.getByRole('img'));
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.getByTestId('reference-images').textContent).toContain('Share dialog');
  });

  it('the blueprint detail shows its image references as thumbnails', () => {
    const blueprint = Blueprint.parse({ featureName: 'Todo sharing', references: { items } });
    render(BlueprintDetail, { props: { slug: 'todo-sharing', file: 'f.json', blueprint, onbuild: () => {}, onopen: () => {}, referencesBaseUri: BASE } });
    expect(within(screen.getByTestId('reference-images')).getAllByRole('img')).toHaveLength(2);
  });
});
