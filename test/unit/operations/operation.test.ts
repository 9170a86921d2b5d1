/**
 * The operation model: the record, its status rules, and the events folded
 * into it. The record must be rebuildable from its log alone, and a log that
 * Orchard's runner could not have written (a gap, a finished operation
 * running again) must be refused, not folded into nonsense.
 */
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isValidOperationId,
  newOperation,
  NO_USAGE,
  OPERATION_STATUSES,
  operationBranch,
  operationId,
  type Operation,
  type OperationStatus,
} from '../../../extension/src/core/operations/operation';
import {
  applyEvent,
  chunkText,
  EventOrderError,
  MAX_EVENT_TEXT,
  parseOperationEvent,
  replay,
  type NewOperationEvent,
  type OperationEvent,
} from '../../../extension/src/core/operations/operationEvents';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const T0 = '2026-12-07T10:00:00.000Z';
const ID = operationId(Date.parse(T0), '0123456789abcdef');

function fresh(): Operation {
  return newOperation({ id: ID, kind: 'build', slug: 'team-invitations', backend: 'orchard', baseCommit: BASE, createdAt: T0 });
}

/** Numbers and dates events the way the log does. */
function numbered(events: NewOperationEvent[], from = 1): OperationEvent[] {
  return events.map((e, i) => ({ ...e, seq: from + i, time: new Date(Date.parse(T0) + (i + 1) * 1000).toISOString() }) as OperationEvent);
}

describe('operation ids and branches', () => {
  it('are sortable by time, safe as file names, and checked', () => {
    expect(ID).toMatch(/^op-[0-9a-z]{8}-0123456789abcdef$/);
    expect(operationId(Date.parse(T0) + 1, '0123456789abcdef') > ID).toBe(true);
    for (const bad of ['', 'op-', '../op-abcdef12-0123456789abcdef', 'op-ABCDEF12-0123456789abcdef', 'op-abcdef12-0123\0', 'op-abcdef12-01234567/x']) {
      expect(isValidOperationId(bad), bad).toBe(false);
    }
    expect(() => operationId(0, 'not hex')).toThrow(/not a valid operation id/);
    expect(operationBranch('team-invitations', 2)).toBe('orchard/team-invitations-2');
    expect(() => operationBranch('../main', 1)).toThrow(/slug/);
    expect(() => operationBranch('team-invitations', 0)).toThrow(/branch number/);
  });

  it('a new operation is pending with nothing made, and names the field it refuses', () => {
    const op = fresh();
    expect(op).toMatchObject({ status: 'pending', phase: null, branch: null, worktree: null, headCommit: null, usage: NO_USAGE, lastSeq: 0, endedAt: null });
    expect(() => newOperation({ id: ID, kind: 'build', slug: 'Bad Slug', backend: 'orchard', baseCommit: BASE, createdAt: T0 })).toThrow(/slug/);
    expect(() => newOperation({ id: ID, kind: 'build', slug: 'x', backend: 'orchard', baseCommit: 'HEAD', createdAt: T0 })).toThrow(/baseCommit/);
  });
});

describe('status rules', () => {
  it('finished operations never move; lost ones resume or are discarded; waiting ones are approved or discarded', () => {
    const allowed = (from: OperationStatus) => OPERATION_STATUSES.filter((to) => canTransition(from, to));
    expect(allowed('succeeded')).toEqual([]);
    expect(allowed('failed')).toEqual([]);
    expect(allowed('cancelled')).toEqual([]);
    expect(allowed('lost')).toEqual(['running', 'cancelled']);
    expect(allowed('waiting')).toEqual(['succeeded', 'cancelled']);
    expect(allowed('running')).toEqual(['waiting', 'succeeded', 'failed', 'cancelled', 'lost']);
  });
});

describe('events folded into the record', () => {
  const build: NewOperationEvent[] = [
    { type: 'status', status: 'running' },
    { type: 'worktree', branch: 'orchard/team-invitations-1', path: '/storage/worktrees/op/tree' },
    { type: 'phase-started', phase: 'spec' },
    { type: 'phase-ended', phase: 'spec', outcome: 'done' },
    { type: 'phase-started', phase: 'implement' },
    { type: 'usage', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5, cacheWriteTokens: 0 } },
    { type: 'tool-call', callId: 't1', tool: 'write_file', input: '{"path":"a.ts"}' },
    { type: 'tool-result', callId: 't1', ok: true, output: 'wrote a.ts' },
    { type: 'usage', usage: { inputTokens: 50, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 7 } },
    { type: 'phase-started', phase: 'commit' },
    { type: 'commit', commit: HEAD, message: 'Add invitations' },
    { type: 'status', status: 'waiting' },
  ];

  it('status, phase, worktree, usage and head commit follow from the events alone', () => {
    const op = replay(fresh(), numbered(build));
    expect(op).toMatchObject({
      status: 'waiting',
      phase: 'commit',
      branch: 'orchard/team-invitations-1',
      worktree: '/storage/worktrees/op/tree',
      headCommit: HEAD,
      usage: { inputTokens: 150, outputTokens: 30, cacheReadTokens: 5, cacheWriteTokens: 7 },
      lastSeq: build.length,
      endedAt: null,
    });
    expect(op.updatedAt).toBe(numbered(build).at(-1)!.time);
  });

  it('each phase that ran is listed once with its outcome and times; a phase run again has its latest run', () => {
    const events = numbered(build);
    const op = replay(fresh(), events);
    // `implement` ends only when `commit` starts (the tracker ends a phase as the next begins): here no end came.
    expect(op.phases).toEqual([
      { phase: 'spec', state: 'done', startedAt: events[2]!.time, endedAt: events[3]!.time },
      { phase: 'implement', state: 'running', startedAt: events[4]!.time, endedAt: null },
      { phase: 'commit', state: 'running', startedAt: events[9]!.time, endedAt: null },
    ]);
    const resumed = replay(
      op,
      numbered(
        [
          { type: 'phase-ended', phase: 'commit', outcome: 'failed' },
          { type: 'phase-started', phase: 'spec' },
          { type: 'phase-ended', phase: 'review', outcome: 'skipped' },
        ],
        build.length + 1,
      ),
    );
    expect(resumed.phases?.map((p) => [p.phase, p.state])).toEqual([
      ['spec', 'running'],
      ['implement', 'running'],
      ['commit', 'failed'],
      ['review', 'skipped'],
    ]);
    expect(fresh().phases).toEqual([]);
  });

  it('a terminal status records when it ended and why', () => {
    const events = numbered([{ type: 'status', status: 'running' }, { type: 'status', status: 'failed', reason: 'the tests failed 3 times' }]);
    const op = replay(fresh(), events);
    expect(op).toMatchObject({ status: 'failed', reason: 'the tests failed 3 times', endedAt: events[1]!.time });
  });

  it('a lost operation that resumes is running again, without its old reason', () => {
    const events = numbered([
      { type: 'status', status: 'running' },
      { type: 'status', status: 'lost', reason: 'its runner stopped (pid 4242)' },
      { type: 'status', status: 'running' },
    ]);
    expect(replay(fresh(), events)).toMatchObject({ status: 'running', reason: null, endedAt: null });
  });

  it('a question is open until its answer or until the operation stops running; a removed worktree marks it discarded', () => {
    const asked = replay(fresh(), numbered([{ type: 'status', status: 'running' }, { type: 'question', questionId: 'q1', command: 'npm install left-pad', reason: 'not a project command' }]));
    expect(asked.question).toEqual({ id: 'q1', command: 'npm install left-pad', reason: 'not a project command' });
    const [answer] = numbered([{ type: 'answer', questionId: 'q1', answer: 'deny' }], 3);
    expect(applyEvent(asked, answer!).question).toBeNull();
    const [stopped] = numbered([{ type: 'status', status: 'cancelled', reason: 'Stopped by the user.' }], 3);
    expect(applyEvent(asked, stopped!).question).toBeNull();
    const waiting = replay(fresh(), numbered(build));
    const [removed] = numbered([{ type: 'worktree-removed', branchDeleted: true }], build.length + 1);
    expect(applyEvent(waiting, removed!)).toMatchObject({ worktree: null, branch: null, discarded: true });
    const [kept] = numbered([{ type: 'worktree-removed', branchDeleted: false }], build.length + 1);
    expect(applyEvent(waiting, kept!)).toMatchObject({ worktree: null, branch: 'orchard/team-invitations-1' });
    // A question id names an answer file: only q<digits>.
    for (const questionId of ['../x', 'q', 'q1/2', 'Q1']) {
      expect(parseOperationEvent({ seq: 1, time: T0, type: 'question', questionId, command: 'x', reason: 'y' }), questionId).toBeUndefined();
    }
  });

  it('refuses a gap, a repeat, and a move the rules do not allow', () => {
    const [first] = numbered([{ type: 'status', status: 'running' }]);
    const running = applyEvent(fresh(), first!);
    expect(() => applyEvent(running, first!)).toThrow(EventOrderError);
    expect(() => applyEvent(running, { ...first!, seq: 3 })).toThrow(/event 3 follows event 1/);
    const done = replay(fresh(), numbered([{ type: 'status', status: 'running' }, { type: 'status', status: 'cancelled' }]));
    const [again] = numbered([{ type: 'status', status: 'running' }], 3);
    expect(() => applyEvent(done, again!)).toThrow(/cannot go from cancelled to running/);
  });
});

describe('event lines', () => {
  it('parses what the log holds and refuses anything else', () => {
    const [event] = numbered([{ type: 'command-output', callId: 'c1', stream: 'stdout', text: 'ok\n' }]);
    expect(parseOperationEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    for (const bad of [
      null,
      { ...event, seq: 0 },
      { ...event, seq: 1.5 },
      { ...event, time: 'yesterday' },
      { ...event, type: 'rm -rf' },
      { ...event, extra: 1 },
      { ...event, stream: 'stdin' },
      { ...event, text: 'x'.repeat(MAX_EVENT_TEXT + 1) },
    ]) {
      expect(parseOperationEvent(bad), JSON.stringify(bad)?.slice(0, 80)).toBeUndefined();
    }
  });

  it('long text is cut into events of at most MAX_EVENT_TEXT, never inside a character', () => {
    const emoji = '😀'; // two UTF-16 units
    const long = 'a'.repeat(MAX_EVENT_TEXT - 1) + emoji + 'b'.repeat(10);
    const chunks = chunkText(long);
    expect(chunks.join('')).toBe(long);
    expect(chunks.every((c) => c.length <= MAX_EVENT_TEXT)).toBe(true);
    expect(chunks[0]!.endsWith('a')).toBe(true);
    expect(chunks[1]!.startsWith(emoji)).toBe(true);
    expect(chunkText('')).toEqual([]);
    expect(chunkText('abc', 2)).toEqual(['ab', 'c']);
  });
});
