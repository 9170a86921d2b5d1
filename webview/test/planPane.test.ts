import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import PlanPane from '../src/components/PlanPane.svelte';
import { brokenEntry, completeSections, init, makeApp, snapshot, teamInvites, validEntry } from './fixtures';

function renderPlan(entries = [validEntry('team-invitations', teamInvites)], state?: { selectedSlug: string | null }) {
  const ctx = makeApp('studio', state);
  render(PlanPane, { props: { app: ctx.app } });
  ctx.app.handle(snapshot(entries));
  flushSync();
  return ctx;
}

describe('Plan pane', () => {
  it('shows the five sections with title, status and a count line', () => {
    renderPlan();
    const expected = {
      dataModel: ['Data model', 'complete', '2 entities, 3 fields'],
      apiEndpoints: ['API endpoints', 'partial', '2 endpoints'],
      uiComponents: ['UI components', 'empty', 'Nothing yet'],
      dependencies: ['Dependencies', 'complete', '1 package'],
      designSystem: ['Design system', 'empty', 'Nothing yet'],
    };
    for (const [key, [title, status, count]] of Object.entries(expected)) {
      const section = screen.getByTestId(`section-${key}`);
      expect(section.textContent).toContain(title);
      expect(section.textContent).toContain(count);
      // The status is in words (not only a colour) and machine-readable.
      const badge = section.querySelector('[data-status]');
      expect(badge?.getAttribute('data-status')).toBe(status);
      expect(badge?.textContent?.trim()).toBe(status);
    }
  });

  it('shows summary, blocking questions, assumptions with confidence, blockers and references', () => {
    renderPlan();
    expect(screen.getByText('Let workspace owners invite teammates by email.')).toBeTruthy();
    const questions = screen.getByTestId('open-questions');
    const blocking = within(questions).getByText('Do invitations expire?', { exact: false }).closest('li');
    expect(blocking?.textContent).toContain('Blocking');
    const other = within(questions).getByText('Can members invite others?', { exact: false }).closest('li');
    expect(other?.textContent).not.toContain('Blocking');
    expect(screen.getByTestId('assumptions').textContent).toContain('low confidence');
    expect(screen.getByTestId('blockers').textContent).toContain('Decide the email provider');
    const link = within(screen.getByTestId('references')).getByRole('link');
    expect(link.getAttribute('href')).toBe('https://example.com/invites');
  });

  it('shows each reference once, in References: images as thumbnails with their notes, pages as links', () => {
    const base = 'https://file+.vscode-resource.test/ws/.orchard/references';
    const items = [
      { kind: 'image' as const, source: '.orchard/references/team-invitations/invite.png', title: 'Invite dialog', notes: 'Primary button bottom right' },
      { kind: 'url' as const, source: 'https://example.com/invites', title: 'Invite flow article' },
      { kind: 'url' as const, source: 'docs/invites.md', title: 'Team notes' },
    ];
    const ctx = makeApp('studio');
    render(PlanPane, { props: { app: ctx.app } });
    ctx.app.handle({ ...init, referencesBaseUri: base });
    ctx.app.handle(snapshot([validEntry('team-invitations', { ...teamInvites, references: { items } })]));
    flushSync();

    const pane = document.body;
    const [image, ...otherImages] = pane.querySelectorAll('img');
    expect(otherImages).toEqual([]);
    expect(image?.getAttribute('src')).toBe(`${base}/team-invitations/invite.png`);
    const references = screen.getByTestId('references');
    expect(references.contains(image!)).toBe(true);
    expect(pane.textContent).not.toContain('Design images');
    // Named once (the thumbnail's caption), its note visible under it.
    expect(pane.textContent?.split('Invite dialog')).toHaveLength(2);
    expect(references.textContent).toContain('Primary button bottom right');
    expect(within(references).getByRole('link').getAttribute('href')).toBe('https://example.com/invites');
    // A source that is not a web page is not a link, but is still shown.
    expect(within(references).getAllByRole('link')).toHaveLength(1);
    expect(references.textContent).toContain('docs/invites.md');
  });

  it('disables Build and says why when canBuild is false, and does not post', async () => {
    const { api } = renderPlan();
    const button = screen.getByTestId('build-button') as HTMLElement & { disabled: boolean };
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId('build-reason').textContent).toBe(
      'Not ready: API endpoints is only partial; UI components is empty; 1 blocking question is open; Blocker: Decide the email provider; not marked ready',
    );
    await fireEvent.click(button);
    expect(api.posted.filter((m) => (m as { type: string }).type === 'build/request')).toEqual([]);
  });

  it('enables Build when canBuild is true and posts build/request', async () => {
    const ready = { ...teamInvites, readyToBuild: true, blockers: [], openQuestions: [], sections: completeSections };
    const { api } = renderPlan([validEntry('team-invitations', ready)]);
    const button = screen.getByTestId('build-button') as HTMLElement & { disabled: boolean };
    expect(button.disabled).toBe(false);
    expect(screen.queryByTestId('build-reason')).toBeNull();
    await fireEvent.click(button);
    expect(api.posted).toContainEqual({ type: 'build/request', slug: 'team-invitations' });
  });

  it('keeps Build disabled when readyToBuild is claimed but a blocker remains', () => {
    renderPlan([validEntry('team-invitations', { ...teamInvites, readyToBuild: true, openQuestions: [], sections: completeSections })]);
    expect((screen.getByTestId('build-button') as HTMLElement & { disabled: boolean }).disabled).toBe(true);
    expect(screen.getByTestId('build-reason').textContent).toBe('Not ready: Blocker: Decide the email provider');
  });

  it('joins the reasons without doubled punctuation when a blocker ends with a full stop', () => {
    renderPlan([validEntry('team-invitations', { ...teamInvites, readyToBuild: true, openQuestions: [], blockers: ['Sign-in must exist first.'], sections: completeSections })]);
    expect(screen.getByTestId('build-reason').textContent).toBe('Not ready: Blocker: Sign-in must exist first');
  });

  it('shows file, JSON path, message and position for an invalid blueprint', () => {
    renderPlan([brokenEntry]);
    const error = screen.getByTestId('blueprint-error');
    expect(error.textContent).toContain('.orchard/blueprints/broken-widget.json');
    const [first, second] = screen.getAllByTestId('blueprint-problem');
    expect(first?.textContent).toContain('$.sections.dataModel.status');
    expect(first?.textContent).toContain('expected one of');
    expect(first?.textContent).toContain('line 7:17');
    expect(second?.textContent).toContain('$.assumtions');
    expect(second?.textContent).not.toContain('line');
    // The list names a broken file by its slug and marks it invalid.
    const item = screen.getByTestId('blueprint-item');
    expect(item.textContent).toContain('broken-widget');
    expect(item.textContent).toContain('invalid');
  });

  it('Open JSON posts blueprint/openFile for the selected blueprint', async () => {
    const { api } = renderPlan();
    await fireEvent.click(screen.getByTestId('open-json'));
    expect(api.posted).toContainEqual({ type: 'blueprint/openFile', slug: 'team-invitations' });
  });

  it('selects the first entry by default, persists a click, and follows the keyboard', async () => {
    const { api } = renderPlan([validEntry('team-invitations', teamInvites), brokenEntry]);
    const [first, second] = screen.getAllByTestId('blueprint-item');
    expect(first?.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByTestId('blueprint-error')).toBeNull();

    await fireEvent.click(second!);
    expect(second?.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('blueprint-error')).toBeTruthy();
    expect(api.state).toMatchObject({ selectedSlug: 'broken-widget' });

    await fireEvent.keyDown(second!, { key: 'Home' });
    expect(first?.getAttribute('aria-selected')).toBe('true');
    expect(api.state).toMatchObject({ selectedSlug: 'team-invitations' });
    await fireEvent.keyDown(first!, { key: 'ArrowDown' });
    await tick();
    expect(second?.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(second);
    expect(second?.tabIndex).toBe(0);
    expect(first?.tabIndex).toBe(-1);
  });

  it('opens on the first valid blueprint rather than a broken one listed before it', () => {
    renderPlan([brokenEntry, validEntry('team-invitations', teamInvites)]);
    const [broken, valid] = screen.getAllByTestId('blueprint-item');
    expect(valid?.getAttribute('aria-selected')).toBe('true');
    expect(broken?.getAttribute('aria-selected')).toBe('false');
    expect(screen.queryByTestId('blueprint-error')).toBeNull();
  });

  it('restores the selection saved with setState', () => {
    renderPlan([validEntry('team-invitations', teamInvites), brokenEntry], { selectedSlug: 'broken-widget' });
    expect(screen.getByTestId('blueprint-error')).toBeTruthy();
  });

  it('explains an empty workspace and a missing folder', () => {
    const { app } = renderPlan([]);
    expect(screen.getByTestId('plan-empty').textContent).toContain('New blueprint');
    app.handle(snapshot([], false));
    flushSync();
    expect(screen.getByTestId('plan-empty').textContent).toContain('Open a folder');
  });
});
