import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import App from '../src/App.svelte';
import { createBridge, MemoryVsCodeApi } from '../src/lib/vscode';
import { init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

function fromHost(data: unknown) {
  window.dispatchEvent(new MessageEvent('message', { data }));
  flushSync();
}

describe('host messages', () => {
  it('drops a malformed message with a warning and renders a valid one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { app, api } = makeApp('studio');
    render(App, { props: { app } });
    const stop = app.connect();
    try {
      // An entry without `ok` and a blueprint without its required feature name.
      fromHost({ type: 'blueprints/snapshot', folderOpen: true, entries: [{ slug: 'evil', file: 'x', blueprint: { summary: 'Evil plan' } }] });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/dropped a malformed host message/);
      // ...and reported to the host, which writes it to the Orchard log.
      const reports = (api.posted as Array<{ type: string; text?: string }>).filter((m) => m.type === 'webview/problem');
      expect(reports).toHaveLength(1);
      expect(reports[0]?.text).toMatch(/dropped a malformed host message \(entries/);
      expect(screen.queryByText(/Evil plan/)).toBeNull();
      expect(screen.queryAllByTestId('blueprint-item')).toHaveLength(0);

      fromHost({ type: 'nonsense' });
      expect(warn).toHaveBeenCalledTimes(2);

      // The same path accepts a well-formed snapshot, so the drop above was the validation.
      fromHost(snapshot([validEntry('team-invitations', teamInvites)]));
      expect(screen.getAllByTestId('blueprint-item')).toHaveLength(1);
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      stop();
    }
  });

  it('sends ready when connecting', () => {
    const { app, api } = makeApp('studio');
    const stop = app.connect();
    stop();
    expect(api.posted).toEqual([{ type: 'ready' }]);
  });

  it('falls back to default state when the saved state does not parse', () => {
    const bridge = createBridge(new MemoryVsCodeApi({ paneSizes: 'wide' }));
    expect(bridge.getState()).toEqual({ selectedSlug: null, paneSizes: [0.3, 0.35, 0.35], previewTab: 'spec' });
  });

  it('refuses to post a message the host would reject', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const api = new MemoryVsCodeApi();
    createBridge(api).post({ type: 'build/request', slug: '../etc/passwd' });
    expect(api.posted).toEqual([{ type: 'webview/problem', text: expect.stringMatching(/^not sending an invalid build\/request message \(slug: /) }]);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('blueprint/reveal selects that blueprint and notices are announced by level', () => {
    const { app } = makeApp('studio');
    render(App, { props: { app } });
    app.handle(init);
    app.handle(snapshot([validEntry('a', { featureName: 'Alpha' }), validEntry('b', { featureName: 'Beta' })]));
    app.handle({ type: 'blueprint/reveal', slug: 'b' });
    app.handle({ type: 'notice', level: 'error', text: 'Could not write the file' });
    app.handle({ type: 'notice', level: 'info', text: 'Created Beta' });
    flushSync();
    const selected = screen.getAllByTestId('blueprint-item').find((el) => el.getAttribute('aria-selected') === 'true');
    expect(selected?.textContent).toContain('Beta');
    expect(screen.getByRole('alert').textContent).toContain('Could not write the file');
    const status = screen.getAllByRole('status').find((el) => el.textContent?.includes('Created Beta'));
    expect(status).toBeTruthy();
  });

  it('info notices go away on their own; errors stay until dismissed', () => {
    vi.useFakeTimers();
    try {
      const { app } = makeApp('studio');
      app.handle({ type: 'notice', level: 'info', text: 'Created' });
      app.handle({ type: 'notice', level: 'error', text: 'Failed' });
      expect(app.notices.map((n) => n.text)).toEqual(['Created', 'Failed']);
      vi.advanceTimersByTime(10_000);
      expect(app.notices.map((n) => n.text)).toEqual(['Failed']);
      app.dismissNotice(app.notices[0]!.id);
      expect(app.notices).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
