import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import PlanPane from '../src/components/PlanPane.svelte';
import { relativeTime } from '../src/lib/relativeTime';
import { brokenEntry, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

const commit = (n: number) => n.toString(16).padStart(40, '0');
const revisions = [1, 2, 3].map((rev) => ({ rev, commit: commit(rev), time: '2026-11-20T10:00:00.000Z', message: rev === 1 ? 'save' : `turn ${rev}` }));
type Posted = { type: string; [k: string]: unknown };

function renderPlan(entries = [validEntry('team-invitations', teamInvites)]) {
  const ctx = makeApp('studio');
  render(PlanPane, { props: { app: ctx.app } });
  ctx.app.handle(snapshot(entries));
  flushSync();
  return ctx;
}

const posted = (api: { posted: unknown[] }, type: string) => (api.posted as Posted[]).filter((m) => m.type === type);

describe('History section', () => {
  it('asks the host for the selected blueprint history, and again after each snapshot', () => {
    const { app, api } = renderPlan();
    expect(posted(api, 'history/request')).toEqual([{ type: 'history/request', slug: 'team-invitations' }]);
    app.handle(snapshot([validEntry('team-invitations', { ...teamInvites, summary: 'changed' })]));
    flushSync();
    expect(posted(api, 'history/request')).toHaveLength(2);
  });

  it('lists revisions newest first; restore is offered for older ones only', async () => {
    const { app, api } = renderPlan();
    app.handle({ type: 'history/result', slug: 'team-invitations', history: { state: 'ok', revisions, fileMatchesHead: true } });
    flushSync();
    const rows = screen.getAllByTestId('history-row');
    expect(rows.map((r) => r.getAttribute('data-rev'))).toEqual(['3', '2', '1']);
    expect(within(rows[0]!).queryByTestId('history-restore')).toBeNull();
    await fireEvent.click(within(rows[2]!).getByTestId('history-restore'));
    expect(posted(api, 'history/restore')).toEqual([{ type: 'history/restore', slug: 'team-invitations', rev: 1 }]);
    expect(screen.queryByTestId('unsaved-changes')).toBeNull();
  });

  it('compares exactly two picked revisions, oldest first, and shows the diff', async () => {
    const { app, api } = renderPlan();
    app.handle({ type: 'history/result', slug: 'team-invitations', history: { state: 'ok', revisions, fileMatchesHead: true } });
    flushSync();
    const compare = screen.getByTestId('history-compare') as HTMLElement & { disabled: boolean };
    expect(compare.disabled).toBe(true);
    await fireEvent.click(compare);
    expect(posted(api, 'history/compare')).toEqual([]);
    const boxes = screen.getAllByRole('checkbox');
    await fireEvent.click(boxes[0]!); // r3
    await fireEvent.click(boxes[2]!); // r1
    await tick();
    expect(compare.disabled).toBe(false);
    await fireEvent.click(compare);
    expect(posted(api, 'history/compare')).toEqual([{ type: 'history/compare', slug: 'team-invitations', revA: 1, revB: 3 }]);
    app.handle({ type: 'history/diff', slug: 'team-invitations', revA: 1, revB: 3, text: '~ $.summary: "a" -> "b"', sectionsChanged: ['dataModel'] });
    flushSync();
    const diff = screen.getByTestId('history-diff');
    expect(diff.textContent).toContain('Changes from r1 to r3');
    expect(diff.textContent).toContain('~ $.summary: "a" -> "b"');
    expect(diff.textContent).toContain('dataModel');
  });

  it('offers to save a hand-edited file as a revision, but not an invalid one', async () => {
    const { app, api } = renderPlan([validEntry('team-invitations', teamInvites), brokenEntry]);
    app.handle({ type: 'history/result', slug: 'team-invitations', history: { state: 'ok', revisions, fileMatchesHead: false } });
    flushSync();
    await fireEvent.click(screen.getByTestId('save-revision'));
    expect(posted(api, 'revision/save')).toEqual([{ type: 'revision/save', slug: 'team-invitations' }]);

    app.select('broken-widget');
    app.handle({ type: 'history/result', slug: 'broken-widget', history: { state: 'ok', revisions: [], fileMatchesHead: false } });
    flushSync();
    expect(screen.getByTestId('unsaved-changes').textContent).toMatch(/Fix its problems/);
    await fireEvent.click(screen.getByTestId('save-revision'));
    expect(posted(api, 'revision/save')).toHaveLength(1);
  });

  it('offers git init when the folder is not a repository, and shows errors', async () => {
    const { app, api } = renderPlan();
    app.handle({ type: 'history/result', slug: 'team-invitations', history: { state: 'no-git' } });
    flushSync();
    await fireEvent.click(screen.getByTestId('git-init'));
    expect(posted(api, 'git/init')).toEqual([{ type: 'git/init', slug: 'team-invitations' }]);
    app.handle({ type: 'history/result', slug: 'team-invitations', history: { state: 'error', message: 'bad object' } });
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('bad object');
  });

  it('ignores a history that belongs to another blueprint', () => {
    const { app } = renderPlan();
    app.handle({ type: 'history/result', slug: 'other', history: { state: 'ok', revisions, fileMatchesHead: true } });
    flushSync();
    expect(screen.queryAllByTestId('history-row')).toHaveLength(0);
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it('is short and falls back to the date', () => {
    expect(relativeTime('2026-11-21T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-21T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-11-21T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe('1 day ago');
    expect(relativeTime('2026-10-01T12:00:00Z', now)).toBe('2026-10-01');
    expect(relativeTime('nonsense', now)).toBe('nonsense');
  });
});
