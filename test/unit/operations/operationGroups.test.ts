/**
 * The Operations view's grouping and words, over records folded from real
 * events (the way the host gets them): which group an operation is in, which
 * phases show and how, elapsed times, tokens, and the badge and status bar
 * summaries. The view itself is checked in real VS Code (test/e2e).
 */
import { describe, expect, it } from 'vitest';
import { formatTokens as coreFormatTokens } from '../../../extension/src/core/format';
import { newOperation, NO_USAGE, operationId, type Operation } from '../../../extension/src/core/operations/operation';
import { replay, type NewOperationEvent, type OperationEvent } from '../../../extension/src/core/operations/operationEvents';
import {
  describeOperation,
  describePhase,
  formatElapsed,
  groupElement,
  groupLabel,
  groupOf,
  groupOperations,
  MAX_RECENT,
  operationElapsedMs,
  operationsOverview,
  parseElement,
  phaseElement,
  phaseRow,
  phaseRows,
} from '../../../extension/src/core/operations/operationGroups';
import { formatTokens } from '../../../extension/src/agents/providers/models';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);

/** An operation created `n` seconds after T0 with the given events at the given seconds after its creation. */
function op(n: number, events: [number, NewOperationEvent][] = [], slug = 'team-invitations'): Operation {
  const created = T0 + n * 1000;
  const initial = newOperation({ id: operationId(created, n.toString(16).padStart(16, '0')), kind: 'build', slug, backend: 'orchard', baseCommit: BASE, createdAt: new Date(created).toISOString() });
  return replay(
    initial,
    events.map(([at, e], i) => ({ ...e, seq: i + 1, time: new Date(created + at * 1000).toISOString() }) as OperationEvent),
  );
}

const running: [number, NewOperationEvent][] = [
  [1, { type: 'status', status: 'running' }],
  [2, { type: 'phase-started', phase: 'spec' }],
  [10, { type: 'phase-ended', phase: 'spec', outcome: 'done' }],
  [10, { type: 'phase-ended', phase: 'design', outcome: 'skipped' }],
  [11, { type: 'phase-started', phase: 'implement' }],
  [20, { type: 'usage', usage: { ...NO_USAGE, inputTokens: 40_000, outputTokens: 1_200 } }],
];
const asking: [number, NewOperationEvent][] = [...running, [30, { type: 'question', questionId: 'q1', command: 'npm install', reason: 'not on the allow list' }]];
const finished: [number, NewOperationEvent][] = [
  ...running,
  [100, { type: 'phase-ended', phase: 'implement', outcome: 'done' }],
  [101, { type: 'phase-started', phase: 'commit' }],
  [105, { type: 'commit', commit: HEAD, message: 'Team invitations' }],
  [106, { type: 'phase-ended', phase: 'commit', outcome: 'done' }],
  [107, { type: 'status', status: 'waiting' }],
];
const failedMidPhase: [number, NewOperationEvent][] = [...running, [50, { type: 'status', status: 'failed', reason: 'the model refused' }]];
const lostMidPhase: [number, NewOperationEvent][] = [...running, [60, { type: 'status', status: 'lost', reason: 'its runner ended' }]];

describe('groups', () => {
  it('puts what needs the user first, then what runs, then what ended', () => {
    expect(groupOf(op(1))).toBe('running'); // pending
    expect(groupOf(op(1, running))).toBe('running');
    expect(groupOf(op(1, asking))).toBe('waiting');
    expect(groupOf(op(1, finished))).toBe('waiting');
    expect(groupOf(op(1, lostMidPhase))).toBe('waiting');
    expect(groupOf(op(1, failedMidPhase))).toBe('recent');
    expect(groupOf(op(1, [...finished, [200, { type: 'status', status: 'succeeded' }]]))).toBe('recent');
    expect(groupOf(op(1, [...running, [40, { type: 'status', status: 'cancelled' }]]))).toBe('recent');
  });

  it('lists only non-empty groups, in order, newest first, with their counts', () => {
    const groups = groupOperations([op(1, failedMidPhase), op(2, running), op(3, finished), op(4, lostMidPhase), op(5)]);
    expect(groups.map((g) => [g.id, g.operations.map((o) => o.id)])).toEqual([
      ['waiting', [op(4).id, op(3).id]],
      ['running', [op(5).id, op(2).id]],
      ['recent', [op(1).id]],
    ]);
    expect(groups.map(groupLabel)).toEqual(['Waiting for you (2)', 'Running (2)', 'Recent (1)']);
    expect(groupOperations([op(1, running)]).map((g) => g.id)).toEqual(['running']);
    expect(groupOperations([])).toEqual([]);
  });

  it('keeps the newest ended ones only', () => {
    const ended = Array.from({ length: MAX_RECENT + 5 }, (_, i) => op(i + 1, failedMidPhase));
    const [recent] = groupOperations(ended.reverse());
    expect(recent!.operations).toHaveLength(MAX_RECENT);
    expect(recent!.operations[0]!.id).toBe(op(MAX_RECENT + 5).id);
    expect(recent!.operations.at(-1)!.id).toBe(op(6).id);
  });
});

describe('tree elements', () => {
  it('an operation is its bare id; groups and phases are prefixed and read back', () => {
    const id = op(1).id;
    expect(parseElement(id)).toEqual({ kind: 'operation', operationId: id });
    expect(parseElement(groupElement('waiting'))).toEqual({ kind: 'group', group: 'waiting' });
    expect(phaseElement(id, 'implement')).toBe(`${id}/phase/implement`);
    expect(parseElement(phaseElement(id, 'implement'))).toEqual({ kind: 'phase', operationId: id, phase: 'implement' });
    // Not a group: left to the host, which finds no operation by that id and ignores it.
    expect(parseElement('group:nonsense')).toEqual({ kind: 'operation', operationId: 'group:nonsense' });
  });
});

describe('phases', () => {
  it('shows each started or skipped phase in order, the running one ticking', () => {
    const now = T0 + 1000 + 42_000;
    expect(phaseRows(op(1, running), now)).toEqual([
      { phase: 'spec', state: 'done', elapsedMs: 8000 },
      { phase: 'design', state: 'skipped', elapsedMs: null },
      { phase: 'implement', state: 'running', elapsedMs: 31_000 },
    ]);
    expect(phaseRows(op(1), now)).toEqual([]);
    expect(phaseRow(op(1, running), 'spec', now)).toEqual({ phase: 'spec', state: 'done', elapsedMs: 8000 });
    expect(phaseRow(op(1, running), 'test', now)).toBeUndefined();
  });

  it('a phase that was running when the operation stopped is no spinner', () => {
    const later = T0 + 10 * 60_000;
    expect(phaseRow(op(1, failedMidPhase), 'implement', later)).toEqual({ phase: 'implement', state: 'failed', elapsedMs: 39_000 });
    expect(phaseRow(op(1, lostMidPhase), 'implement', later)).toEqual({ phase: 'implement', state: 'stopped', elapsedMs: 49_000 });
    expect(phaseRow(op(1, [...running, [45, { type: 'status', status: 'cancelled' }]]), 'implement', later)?.state).toBe('stopped');
  });

  it('in words', () => {
    expect(describePhase({ phase: 'implement', state: 'running', elapsedMs: 133_000 })).toBe('running · 2 min 13 s');
    expect(describePhase({ phase: 'spec', state: 'done', elapsedMs: 8000 })).toBe('done · 8 s');
    expect(describePhase({ phase: 'design', state: 'skipped', elapsedMs: null })).toBe('skipped');
    expect(describePhase({ phase: 'implement', state: 'stopped', elapsedMs: 49_000 })).toBe('stopped · 49 s');
  });
});

describe('elapsed time and tokens', () => {
  it('formats durations the way people say them', () => {
    expect([0, 999, 42_000, 59_999, 60_000, 185_000, 3_599_000, 3_600_000, 4_320_000, 86_400_000, 97_200_000].map(formatElapsed)).toEqual([
      '0 s', '0 s', '42 s', '59 s', '1 min', '3 min 5 s', '59 min 59 s', '1 h', '1 h 12 min', '1 d', '1 d 3 h',
    ]);
    expect(formatElapsed(-5)).toBe('0 s');
    expect(formatElapsed(Number.NaN)).toBe('0 s');
  });

  it('counts until now while active, until it stopped otherwise, not the time a result waits for review', () => {
    const now = T0 + 1000 + 5 * 60_000;
    expect(operationElapsedMs(op(1, running), now)).toBe(5 * 60_000);
    expect(operationElapsedMs(op(1, failedMidPhase), now)).toBe(50_000);
    expect(operationElapsedMs(op(1, lostMidPhase), now)).toBe(60_000);
    expect(operationElapsedMs(op(1, finished), now)).toBe(106_000);
    expect(operationElapsedMs(op(1, [...finished, [5000, { type: 'status', status: 'succeeded' }]]), now)).toBe(106_000);
  });

  it('formats tokens in core, the same function the chat uses', () => {
    expect(formatTokens).toBe(coreFormatTokens);
    expect([0, 999, 1000, 41_200, 1_250_000].map(coreFormatTokens)).toEqual(['0', '999', '1k', '41.2k', '1.25M']);
  });
});

describe('an operation in words', () => {
  const now = T0 + 1000 + 133_000;
  it('status, current phase, elapsed, tokens', () => {
    expect(describeOperation(op(1, running), now)).toBe('running · implement · 2 min 13 s · 41.2k tokens');
    expect(describeOperation(op(1), now)).toBe('queued · 2 min 13 s');
    expect(describeOperation(op(1, asking), now)).toBe('asks to run a command · implement · 2 min 13 s · 41.2k tokens');
    expect(describeOperation(op(1, finished), now)).toBe('ready for review · 1 min 46 s · 41.2k tokens');
    expect(describeOperation(op(1, failedMidPhase), now)).toBe('failed · implement · 50 s · 41.2k tokens');
    expect(describeOperation(op(1, lostMidPhase), now)).toBe('lost (its runner stopped) · implement · 1 min · 41.2k tokens');
    const discarded = op(1, [...finished, [300, { type: 'status', status: 'cancelled' }], [301, { type: 'worktree-removed', branchDeleted: true }]]);
    expect(describeOperation(discarded, now)).toBe('discarded · 5 min · 41.2k tokens');
  });
});

describe('the badge and the status bar', () => {
  const names = (slug: string) => (slug === 'team-invitations' ? 'Team invitations' : undefined);

  it('say nothing when nothing runs or waits', () => {
    expect(operationsOverview([op(1, failedMidPhase)], names, T0)).toEqual({ waitingForApproval: 0, badgeTooltip: undefined, activeIds: [], statusText: undefined, statusTooltip: undefined });
    expect(operationsOverview([], names, T0).statusText).toBeUndefined();
  });

  it('count the builds that wait for approval (not lost ones, not questions)', () => {
    expect(operationsOverview([op(1, finished), op(2, lostMidPhase), op(3, asking)], names, T0)).toMatchObject({ waitingForApproval: 1, badgeTooltip: '1 build waits for your approval' });
    expect(operationsOverview([op(1, finished), op(2, finished)], names, T0).badgeTooltip).toBe('2 builds wait for your approval');
  });

  it('name what runs, with what asks', () => {
    const now = T0 + 3000 + 133_000;
    const one = operationsOverview([op(2, running), op(1, finished)], names, now);
    expect(one.statusText).toBe('$(sync~spin) Orchard: 1 build running');
    expect(one.activeIds).toEqual([op(2).id]);
    expect(one.statusTooltip).toBe('Team invitations: running · implement · 2 min 14 s\n\nClick to show the Operations view.');
    const more = operationsOverview([op(1, running), op(2, asking), op(3, [], 'billing')], names, now);
    expect(more.statusText).toBe('$(sync~spin) Orchard: 3 builds running · 1 asks you');
    expect(more.statusTooltip?.split('\n')[0]).toBe('billing: queued · 2 min 13 s');
    expect(operationsOverview([op(1, asking), op(2, asking)], names, now).statusText).toBe('$(sync~spin) Orchard: 2 builds running · 2 ask you');
  });
});
