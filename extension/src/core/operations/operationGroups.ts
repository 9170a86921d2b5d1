/**
 * How the Operations view sorts and words operations: the group each is in
 * (what waits for the user first, then what runs, then what ended), the
 * phases shown under it, elapsed times and token counts, the tree's element
 * ids, and the one-line summaries for the view's badge and the status bar.
 *
 * Pure: the time is given by the caller. Only type imports from
 * operation.ts, so the module does not pull zod into a bundle that uses it.
 */
import { formatTokens } from '../format';
import type { Operation, OperationStatus, OperationUsage, Phase, PhaseRun } from './operation';

export type GroupId = 'waiting' | 'running' | 'recent';

/** Top to bottom: what waits for the user is what the view is for. */
export const GROUP_ORDER: readonly GroupId[] = ['waiting', 'running', 'recent'];

export const GROUP_NAMES: Readonly<Record<GroupId, string>> = { waiting: 'Waiting for you', running: 'Running', recent: 'Recent' };

/** Ended operations shown; older ones stay in `orchard operations list`. */
export const MAX_RECENT = 20;

const ACTIVE: ReadonlySet<OperationStatus> = new Set(['pending', 'running']);

export function isActive(op: Operation): boolean {
  return ACTIVE.has(op.status);
}

/**
 * waiting (its commit waits for review), a running one with an open question
 * and lost (its runner stopped; resume or discard) all need the user; pending
 * and running need nobody; the rest ended.
 */
export function groupOf(op: Operation): GroupId {
  if (op.status === 'waiting' || op.status === 'lost' || (op.status === 'running' && op.question)) return 'waiting';
  if (ACTIVE.has(op.status)) return 'running';
  return 'recent';
}

export interface OperationGroup {
  id: GroupId;
  operations: Operation[];
}

/** The non-empty groups in GROUP_ORDER, newest first in each (ids sort by creation); Recent cut to `maxRecent`. */
export function groupOperations(ops: Iterable<Operation>, maxRecent = MAX_RECENT): OperationGroup[] {
  const byGroup = new Map<GroupId, Operation[]>(GROUP_ORDER.map((g) => [g, []]));
  for (const op of ops) byGroup.get(groupOf(op))!.push(op);
  const groups: OperationGroup[] = [];
  for (const id of GROUP_ORDER) {
    const operations = byGroup.get(id)!.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    if (operations.length > 0) groups.push({ id, operations: id === 'recent' ? operations.slice(0, maxRecent) : operations });
  }
  return groups;
}

/** "Waiting for you (2)". */
export function groupLabel(group: OperationGroup): string {
  return `${GROUP_NAMES[group.id]} (${group.operations.length})`;
}

// ---- tree elements: an operation is its bare id (the commands take it as it is), the rest are prefixed

export type TreeElement = { kind: 'group'; group: GroupId } | { kind: 'phase'; operationId: string; phase: string } | { kind: 'operation'; operationId: string };

export const groupElement = (group: GroupId): string => `group:${group}`;
export const phaseElement = (operationId: string, phase: Phase): string => `${operationId}/phase/${phase}`;

/** What an element string names; an operation id is not checked here (the host looks it up). */
export function parseElement(element: string): TreeElement {
  if (element.startsWith('group:')) {
    const group = element.slice('group:'.length);
    if ((GROUP_ORDER as readonly string[]).includes(group)) return { kind: 'group', group: group as GroupId };
  }
  const at = element.indexOf('/phase/');
  if (at > 0) return { kind: 'phase', operationId: element.slice(0, at), phase: element.slice(at + '/phase/'.length) };
  return { kind: 'operation', operationId: element };
}

// ---- phases

/** A phase as shown: a `running` phase of an operation that no longer runs did not finish, so it is not a spinner. */
export type PhaseDisplayState = 'running' | 'done' | 'failed' | 'skipped' | 'stopped';

export interface PhaseRow {
  phase: Phase;
  state: PhaseDisplayState;
  /** How long it ran (until now while it runs); null for a skipped phase. */
  elapsedMs: number | null;
}

export function phaseRows(op: Operation, now: number): PhaseRow[] {
  return (op.phases ?? []).map((run) => toRow(op, run, now));
}

export function phaseRow(op: Operation, phase: string, now: number): PhaseRow | undefined {
  const run = op.phases?.find((p) => p.phase === phase);
  return run && toRow(op, run, now);
}

function toRow(op: Operation, run: PhaseRun, now: number): PhaseRow {
  let state: PhaseDisplayState = run.state;
  if (run.state === 'running' && !isActive(op)) state = op.status === 'failed' ? 'failed' : 'stopped';
  if (state === 'skipped') return { phase: run.phase, state, elapsedMs: null };
  const end = run.endedAt !== null ? Date.parse(run.endedAt) : state === 'running' ? now : stoppedAt(op);
  return { phase: run.phase, state, elapsedMs: Math.max(0, end - Date.parse(run.startedAt)) };
}

/** When a no longer active operation stopped: its end, or its last event (waiting and lost have no end). */
function stoppedAt(op: Operation): number {
  return Date.parse(op.endedAt ?? op.updatedAt);
}

// ---- time and tokens

/**
 * How long the operation has run: from its creation to now while active, to its end otherwise.
 * A build waiting for review (or approved later) counts until its last phase ended, not the time it waited.
 */
export function operationElapsedMs(op: Operation, now: number): number {
  let end: number;
  if (isActive(op)) end = now;
  else {
    const lastPhaseEnd = (op.phases ?? []).reduce<number | undefined>((last, p) => (p.endedAt === null ? last : Math.max(last ?? 0, Date.parse(p.endedAt))), undefined);
    end = (op.status === 'waiting' || op.status === 'succeeded') && lastPhaseEnd !== undefined ? lastPhaseEnd : stoppedAt(op);
  }
  return Math.max(0, end - Date.parse(op.createdAt));
}

/** "42 s", "3 min 5 s", "3 min", "1 h 12 min", "2 d 3 h". */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

export function totalTokens(usage: OperationUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

// ---- words

const STATUS_WORDS: Readonly<Record<OperationStatus, string>> = {
  pending: 'queued',
  running: 'running',
  waiting: 'ready for review',
  succeeded: 'approved',
  failed: 'failed',
  cancelled: 'cancelled',
  lost: 'lost (its runner stopped)',
};

/** The status in words, without the phase: what the user has to know first. */
export function statusWords(op: Operation): string {
  if (op.question) return 'asks to run a command';
  if (op.discarded) return 'discarded';
  return STATUS_WORDS[op.status];
}

/** The phase worth naming: where it is or where it stopped; not for a finished (or discarded) build. */
function phaseWorthNaming(op: Operation): Phase | null {
  if (op.discarded || op.status === 'waiting' || op.status === 'succeeded') return null;
  return op.phase;
}

/** "running · implement · 2 min 13 s · 41.2k tokens" (no tokens before the first). */
export function describeOperation(op: Operation, now: number): string {
  const tokens = totalTokens(op.usage);
  const phase = phaseWorthNaming(op);
  return [statusWords(op), ...(phase ? [phase] : []), formatElapsed(operationElapsedMs(op, now)), ...(tokens > 0 ? [`${formatTokens(tokens)} tokens`] : [])].join(' · ');
}

const PHASE_WORDS: Readonly<Record<PhaseDisplayState, string>> = { running: 'running', done: 'done', failed: 'failed', skipped: 'skipped', stopped: 'stopped' };

/** "running · 42 s", "done · 3 min 5 s", "skipped". */
export function describePhase(row: PhaseRow): string {
  return row.elapsedMs === null ? PHASE_WORDS[row.state] : `${PHASE_WORDS[row.state]} · ${formatElapsed(row.elapsedMs)}`;
}

// ---- the badge and the status bar

export interface OperationsOverview {
  /** Builds whose commit waits for review: the view's badge. */
  waitingForApproval: number;
  /** The badge's tooltip; undefined when nothing waits. */
  badgeTooltip: string | undefined;
  /** Pending and running operations, newest first: their items tick. */
  activeIds: string[];
  /** The status bar's text; undefined (hidden) when nothing runs. */
  statusText: string | undefined;
  statusTooltip: string | undefined;
}

const builds = (n: number) => (n === 1 ? '1 build' : `${n} builds`);

export function operationsOverview(ops: Iterable<Operation>, featureName: (slug: string) => string | undefined, now: number): OperationsOverview {
  const all = [...ops].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const waitingForApproval = all.filter((op) => op.status === 'waiting').length;
  const active = all.filter(isActive);
  const asking = active.filter((op) => op.question).length;
  const lines = active.map((op) => {
    const phase = op.phase ? ` · ${op.phase}` : '';
    return `${featureName(op.slug) ?? op.slug}: ${statusWords(op)}${phase} · ${formatElapsed(operationElapsedMs(op, now))}`;
  });
  return {
    waitingForApproval,
    badgeTooltip: waitingForApproval === 0 ? undefined : `${builds(waitingForApproval)} ${waitingForApproval === 1 ? 'waits' : 'wait'} for your approval`,
    activeIds: active.map((op) => op.id),
    statusText: active.length === 0 ? undefined : `$(sync~spin) Orchard: ${builds(active.length)} running${asking > 0 ? ` · ${asking} ${asking === 1 ? 'asks' : 'ask'} you` : ''}`,
    statusTooltip: active.length === 0 ? undefined : [...lines, '', 'Click to show the Operations view.'].join('\n'),
  };
}
