import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Studio from '../src/components/Studio.svelte';
import { makeApp } from './fixtures';

function grow(testId: string): number {
  return Number(screen.getByTestId(testId).style.getPropertyValue('--grow'));
}

describe('Studio layout', () => {
  it('renders three labelled panes', () => {
    const { app } = makeApp('studio');
    render(Studio, { props: { app } });
    for (const [id, title] of [['chat', 'Chat'], ['plan', 'Plan'], ['preview', 'Preview']] as const) {
      const pane = screen.getByTestId(`pane-${id}`);
      expect(pane.tagName).toBe('SECTION');
      expect(screen.getByRole('region', { name: title })).toBe(pane);
    }
  });

  it('resizes with the keyboard and persists the sizes', async () => {
    const { app, api } = makeApp('studio');
    render(Studio, { props: { app } });
    const splitter = screen.getByTestId('splitter-0');
    expect(splitter.getAttribute('role')).toBe('separator');
    expect(splitter.getAttribute('aria-orientation')).toBe('vertical');
    expect(splitter.tabIndex).toBe(0);
    expect(splitter.getAttribute('aria-valuenow')).toBe('30');

    await fireEvent.keyDown(splitter, { key: 'ArrowRight' });
    expect(app.paneSizes[0]).toBeCloseTo(0.32);
    expect(app.paneSizes[1]).toBeCloseTo(0.33);
    expect(app.paneSizes[2]).toBeCloseTo(0.35);
    expect(grow('pane-chat')).toBeCloseTo(32);
    expect(splitter.getAttribute('aria-valuenow')).toBe('32');
    expect((api.state as { paneSizes: number[] }).paneSizes[0]).toBeCloseTo(0.32);

    // Home shrinks the left pane to its minimum; End grows it until the right one is at its minimum.
    await fireEvent.keyDown(splitter, { key: 'Home' });
    expect(app.paneSizes[0]).toBeCloseTo(0.15);
    await fireEvent.keyDown(splitter, { key: 'End' });
    expect(app.paneSizes[1]).toBeCloseTo(0.15);
    expect(app.paneSizes[0]! + app.paneSizes[1]! + app.paneSizes[2]!).toBeCloseTo(1);
    expect((api.state as { paneSizes: number[] }).paneSizes[1]).toBeCloseTo(0.15);

    // The second splitter moves the Plan/Preview boundary only.
    await fireEvent.keyDown(screen.getByTestId('splitter-1'), { key: 'ArrowRight', shiftKey: true });
    expect(app.paneSizes[0]).toBeCloseTo(0.5);
    expect(app.paneSizes[1]).toBeCloseTo(0.25);
    expect(app.paneSizes[2]).toBeCloseTo(0.25);
  });

  it('restores persisted sizes', () => {
    const { app } = makeApp('studio', { paneSizes: [0.5, 0.2, 0.3] });
    render(Studio, { props: { app } });
    expect(grow('pane-chat')).toBeCloseTo(50);
    expect(grow('pane-plan')).toBeCloseTo(20);
    expect(grow('pane-preview')).toBeCloseTo(30);
  });

  it('focuses panes with Ctrl/Cmd+1/2/3', async () => {
    const { app } = makeApp('studio');
    render(Studio, { props: { app } });
    await fireEvent.keyDown(window, { key: '2', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('pane-plan'));
    await fireEvent.keyDown(window, { key: '3', metaKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('pane-preview'));
    await fireEvent.keyDown(window, { key: '1' });
    expect(document.activeElement).toBe(screen.getByTestId('pane-preview'));
    expect(screen.getByTestId('pane-chat').getAttribute('aria-keyshortcuts')).toMatch(/^(Control|Meta)\+1$/);
  });
});

describe('Studio focus requests from the host', () => {
  it('focuses the pane the host names, again on a repeat', async () => {
    const { app } = makeApp('studio');
    render(Studio, { props: { app } });
    app.handle({ type: 'studio/focusPane', pane: 3 });
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(screen.getByTestId('pane-preview'));
    screen.getByTestId('pane-chat').focus();
    app.handle({ type: 'studio/focusPane', pane: 3 });
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(screen.getByTestId('pane-preview'));
    app.handle({ type: 'studio/focusPane', pane: 2 });
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(screen.getByTestId('pane-plan'));
  });
});
