import { render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import PreviewPane from '../src/components/PreviewPane.svelte';
import { loadMarkdownRenderer } from '../src/lib/lazyMarkdown';
import { brokenEntry, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

vi.mock('../../extension/src/core/blueprint/specRenderer', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../extension/src/core/blueprint/specRenderer')>();
  return {
    ...real,
    // Lets a test stand in for a renderer that fails to escape.
    renderSpec: vi.fn(real.renderSpec),
  };
});
const { renderSpec } = await import('../../extension/src/core/blueprint/specRenderer');

/** The Markdown renderer is a lazily loaded chunk: wait until the pane has it. */
async function renderPreview(entries = [validEntry('team-invitations', teamInvites)]) {
  const { app } = makeApp('studio');
  render(PreviewPane, { props: { app } });
  app.handle(snapshot(entries));
  await loadMarkdownRenderer();
  await tick();
  flushSync();
  return screen.getByTestId('spec-preview');
}

describe('Preview pane', () => {
  it('renders the spec as Markdown: headings and tables', async () => {
    const preview = await renderPreview();
    expect(preview.querySelector('h1')?.textContent).toBe('Team invitations');
    const headings = [...preview.querySelectorAll('h2')].map((h) => h.textContent);
    expect(headings).toContain('Data model (complete)');
    expect(preview.querySelector('table th')?.textContent).toBe('Field');
  });

  it('shows markup in a feature name as text, never as an element', async () => {
    const name = 'Widget <img src=x onerror=alert(1)>';
    const preview = await renderPreview([validEntry('widget', { featureName: name })]);
    expect(preview.querySelector('h1')?.textContent).toBe(name);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('[onerror]')).toBeNull();
  });

  it('sanitizes even if the spec renderer lets raw HTML through', async () => {
    vi.mocked(renderSpec).mockReturnValueOnce(
      '# Spec\n\n<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">x</a>\n',
    );
    const preview = await renderPreview();
    expect(preview.querySelector('h1')?.textContent).toBe('Spec');
    expect(preview.querySelector('[onerror]')).toBeNull();
    expect(preview.querySelector('script')).toBeNull();
    expect(preview.querySelector('a')?.getAttribute('href') ?? null).toBeNull();
  });

  it('points at the Plan pane for an invalid blueprint', async () => {
    const preview = await renderPreview([brokenEntry]);
    expect(preview.textContent).toContain('.orchard/blueprints/broken-widget.json');
    expect(preview.textContent).toContain('Plan pane');
    expect(preview.querySelector('h1')).toBeNull();
  });
});
