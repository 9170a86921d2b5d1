/**
 * The Agent Grid and the Build tab in jsdom: what a card tells, which
 * operations the surface watches, and the event order rules (a replay, then
 * live events once each; a gap asks for a resync). The terminal renderer
 * needs a canvas jsdom does not have; its text is checked through the
 * listener it reads from, and in real VS Code by the e2e test.
 */
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import { newOperation, type Operation } from '../../extension/src/core/operations/operation';
import type { NewOperationEvent, OperationEvent } from '../../extension/src/core/operations/operationEvents';
import { applyViewEvents, emptyView } from '../../extension/src/core/operations/operationView';
import type { OperationSummaryMsg } from '../../extension/src/core/protocol';
import AgentGrid from '../src/components/agents/AgentGrid.svelte';
import PreviewPane from '../src/components/PreviewPane.svelte';
import { makeApp, snapshot, teamInvites, validEntry } from './fixtures';

// jsdom has no canvas: xterm.js then has nothing to measure with (and says so on the console).
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
});

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

function op(id: string, over: Partial<Operation> = {}): Operation {
  return { ...newOperation({ id, kind: 'build', slug: 'team-invitations', backend: 'orchard', baseCommit: 'a'.repeat(40), createdAt: iso(0), model: 'claude-sonnet-4-5' }), ...over };
}
const summary = (operation: Operation, featureName = 'Team invitations', costUsd: number | null = 0.42): OperationSummaryMsg => ({ operation, featureName, costUsd });

function numbered(events: NewOperationEvent[], from = 1): OperationEvent[] {
  return events.map((e, i) => ({ ...e, seq: from + i, time: iso(from + i) }) as OperationEvent);
}

const RUNNING = 'op-00000abc-00000000000000a1';
const DONE = 'op-00000abb-00000000000000b2';
const OLD = 'op-00000aba-00000000000000c3';

function grid() {
  const ctx = makeApp('agents');
  render(AgentGrid, { props: { app: ctx.app } });
  ctx.app.handle({ type: 'init', kind: 'agents', workspaceName: 'w', trusted: true, apiKeySet: true });
  return ctx;
}

const watches = (posted: unknown[]) => posted.filter((m): m is { type: 'operations/watch'; ids: string[] } => (m as { type: string }).type === 'operations/watch');

describe('the Agent Grid', () => {
  it('subscribes at once, then watches the live operations first and the recent ones after', () => {
    const { app, api } = grid();
    flushSync();
    expect(watches(api.posted)).toEqual([{ type: 'operations/watch', ids: [] }]);
    expect(screen.getByText('Reading the operations…')).toBeTruthy();
    app.handle({
      type: 'operations/list',
      operations: [
        summary(op(RUNNING, { status: 'running', phase: 'implement', usage: { inputTokens: 12_000, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0 } })),
        summary(op(DONE, { status: 'waiting', worktree: '/state/w', branch: 'orchard/team-invitations-2' }), 'Team invitations'),
        summary(op(OLD, { status: 'cancelled', discarded: true })),
      ],
    });
    flushSync();
    expect(watches(api.posted).at(-1)?.ids).toEqual([RUNNING, DONE]);
    const cards = screen.getAllByTestId('agent-card');
    expect(cards.map((c) => c.dataset.status)).toEqual(['running', 'waiting']);
    const running = within(cards[0]!);
    expect(running.getByTestId('agent-status').textContent).toBe('running');
    expect(cards[0]!.textContent).toContain('12.3k tokens');
    expect(cards[0]!.textContent).toContain('$0.42');
    expect(running.getByText('Stop')).toBeTruthy();
    expect(running.queryByText('Discard')).toBeNull();
    expect(within(cards[1]!).getByText('Discard')).toBeTruthy();
    expect(within(cards[1]!).getByText('ready for review')).toBeTruthy();
    expect(screen.getByTestId('agent-grid-summary').textContent).toContain('1 running');
  });

  it('shows the replayed timeline, applies each live event once, and asks for a resync after a gap', () => {
    const { app, api } = grid();
    app.handle({ type: 'operations/list', operations: [summary(op(RUNNING, { status: 'running' }))] });
    flushSync();
    const history = numbered([
      { type: 'status', status: 'running' },
      { type: 'phase-started', phase: 'implement' },
      { type: 'agent-text', text: 'Adding the invitation model.' },
    ]);
    app.handle({ type: 'operations/replay', id: RUNNING, view: applyViewEvents(emptyView(), history).view });
    flushSync();
    const timeline = screen.getByTestId('agent-timeline');
    expect(timeline.textContent).toContain('Adding the invitation model.');
    const terminal: string[] = [];
    app.operations.onTerminal(RUNNING, (text, reset) => terminal.push(reset ? `reset:${text}` : text));

    const live = numbered(
      [
        { type: 'tool-call', callId: 'c1', tool: 'run_command', input: '{"command":"npm test"}' },
        { type: 'command-output', callId: 'c1', stream: 'stdout', text: 'ok 1\n' },
      ],
      4,
    );
    app.handle({ type: 'operations/events', batches: [{ id: RUNNING, events: live }] });
    // The same events again (a host that sent twice) change nothing.
    app.handle({ type: 'operations/events', batches: [{ id: RUNNING, events: live }] });
    flushSync();
    expect(timeline.textContent).toContain('Run `npm test`');
    expect(screen.getByTestId('agent-activity').textContent).toBe('Running `npm test`');
    expect(terminal).toEqual(['reset:', '\x1b[1m$ npm test\x1b[22m\nok 1\n']);
    expect(window.__orchardOperationEvents?.[RUNNING]).toMatchObject({ applied: [4, 5], lastSeq: 5, duplicates: 2, gaps: 0 });

    app.handle({ type: 'operations/events', batches: [{ id: RUNNING, events: numbered([{ type: 'agent-text', text: 'later' }], 9) }] });
    expect(api.posted.at(-1)).toEqual({ type: 'operations/resync', id: RUNNING });
  });

  it("sends a card's buttons to the host as actions on its operation", async () => {
    const { app, api } = grid();
    app.handle({ type: 'operations/list', operations: [summary(op(RUNNING, { status: 'running', question: { id: 'q1', command: 'npm install left-pad', reason: 'not a project command' } }))] });
    flushSync();
    expect(screen.getByTestId('agent-activity').textContent).toContain('npm install left-pad');
    await fireEvent.click(screen.getByText('Answer…'));
    await fireEvent.click(screen.getByText('Stop'));
    await fireEvent.click(screen.getByText('Widen'));
    expect(api.posted.filter((m) => (m as { type: string }).type === 'operations/action')).toEqual([
      { type: 'operations/action', id: RUNNING, action: 'answer' },
      { type: 'operations/action', id: RUNNING, action: 'stop' },
    ]);
    expect(screen.getByTestId('agent-card').classList.contains('wide')).toBe(true);
  });

  it('says what to do when there is no build yet', () => {
    const { app } = grid();
    app.handle({ type: 'operations/list', operations: [] });
    flushSync();
    expect(screen.getByTestId('agent-grid').textContent).toContain('No builds yet.');
  });
});

describe("the Studio's Build tab", () => {
  it('watches the selected blueprint\'s newest build and shows its phases with what the agent does now', async () => {
    const ctx = makeApp('studio');
    render(PreviewPane, { props: { app: ctx.app } });
    ctx.app.handle(snapshot([validEntry('team-invitations', teamInvites)]));
    flushSync();
    await fireEvent.click(screen.getByTestId('preview-tab-build'));
    expect(watches(ctx.api.posted)).toEqual([{ type: 'operations/watch', ids: [] }]);
    expect((ctx.api.state as { previewTab?: string }).previewTab).toBe('build');
    const phases = [
      { phase: 'spec' as const, state: 'done' as const, startedAt: iso(1), endedAt: iso(3) },
      { phase: 'implement' as const, state: 'running' as const, startedAt: iso(3), endedAt: null },
    ];
    ctx.app.handle({ type: 'operations/list', operations: [summary(op(RUNNING, { status: 'running', phase: 'implement', phases })), summary(op(OLD, { status: 'failed' }))] });
    flushSync();
    expect(watches(ctx.api.posted).at(-1)?.ids).toEqual([RUNNING]);
    ctx.app.handle({ type: 'operations/replay', id: RUNNING, view: applyViewEvents(emptyView(), numbered([{ type: 'tool-call', callId: 'c', tool: 'edit_file', input: '{"path":"src/invite.ts"}' }])).view });
    flushSync();
    const progress = screen.getByTestId('build-progress');
    const step = (phase: string) => progress.querySelector(`.steps [data-phase="${phase}"]`)!;
    expect(step('spec').getAttribute('data-state')).toBe('done');
    expect(step('spec').textContent).toContain('done · 2 s');
    expect(step('implement').getAttribute('aria-current')).toBe('step');
    expect(step('implement').textContent).toContain('Editing src/invite.ts');
    expect(step('test').getAttribute('data-state')).toBe('todo');
    expect(within(progress).getByTestId('agent-card')).toBeTruthy();
  });
});
