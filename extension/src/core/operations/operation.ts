/**
 * An operation: one run of agents that takes a blueprint (later a task, a
 * tree or a review) to a commit on a branch of its own, then waits for the
 * user. The record is what the studio DB keeps and every view shows; what
 * happened on the way is its events (operationEvents.ts), kept in a log of
 * their own and folded into the record by `applyEvent`.
 *
 * Pure: ids, times and paths are given by the caller.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import { isValidSlug } from '../blueprint/blueprint';

export const OPERATION_KINDS = ['build', 'task', 'tree', 'review'] as const;
export const OperationKind = z.enum(OPERATION_KINDS);
export type OperationKind = z.infer<typeof OperationKind>;

/**
 * pending: queued, nothing made yet. running: its runner works on it.
 * waiting: done, its commit waits for the user's approval. succeeded: approved
 * (or, for kinds without approval, finished). failed, cancelled: ended without
 * a result (cancelled covers Stop and a discarded result). lost: its runner
 * died (a machine restart, a kill); the worktree is kept, to resume or discard.
 */
export const OPERATION_STATUSES = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'lost'] as const;
export const OperationStatus = z.enum(OPERATION_STATUSES);
export type OperationStatus = z.infer<typeof OperationStatus>;

/** The phases of a build, in order (the seed's spec -> design -> implement -> test -> review -> commit). */
export const PHASES = ['spec', 'design', 'implement', 'test', 'review', 'commit'] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const EXECUTOR_BACKENDS = ['orchard', 'claude-code'] as const;
export const ExecutorBackend = z.enum(EXECUTOR_BACKENDS);
export type ExecutorBackend = z.infer<typeof ExecutorBackend>;

/** Statuses an operation never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<OperationStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Which status may follow which. `lost` is set by whoever finds the runner
 * gone; resuming a lost operation runs it again, discarding it cancels it.
 * A waiting operation is approved (succeeded) or discarded (cancelled); a
 * failed approval (a conflict) sends it back to waiting, not to failed.
 */
const TRANSITIONS: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = {
  pending: ['running', 'cancelled', 'failed', 'lost'],
  running: ['waiting', 'succeeded', 'failed', 'cancelled', 'lost'],
  waiting: ['succeeded', 'cancelled'],
  lost: ['running', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** `op-<time>-<random>`: sortable by creation, safe as a file name and a DB key on every platform. */
const OPERATION_ID = /^op-[0-9a-z]{6,12}-[0-9a-f]{8,32}$/;

export function isValidOperationId(id: string): boolean {
  return OPERATION_ID.test(id);
}

/** The id for an operation created at `time` (epoch ms) with caller-made random hex. */
export function operationId(time: number, randomHex: string): string {
  const id = `op-${Math.max(0, Math.floor(time)).toString(36).padStart(8, '0')}-${randomHex.toLowerCase()}`;
  if (!isValidOperationId(id)) throw new Error(`not a valid operation id: ${JSON.stringify(id)}`);
  return id;
}

const count = z.int().check(z.nonnegative());

export const OperationUsage = z.strictObject({
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  cacheWriteTokens: count,
});
export type OperationUsage = z.infer<typeof OperationUsage>;

export const NO_USAGE: OperationUsage = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

const CommitId = z.string().check(z.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/));
const Time = z.iso.datetime({ offset: true });

/** How a phase went: running now (or when its runner stopped), or how it ended. */
export const PHASE_STATES = ['running', 'done', 'failed', 'skipped'] as const;
export type PhaseState = (typeof PHASE_STATES)[number];

/** One phase that started, with its times; a resumed build's phase that ran again has its latest run. */
export const PhaseRun = z.strictObject({
  phase: Phase,
  state: z.enum(PHASE_STATES),
  startedAt: Time,
  endedAt: z.nullable(Time),
});
export type PhaseRun = z.infer<typeof PhaseRun>;

export const Operation = z.strictObject({
  id: z.string().check(z.refine(isValidOperationId, 'not a valid operation id')),
  kind: OperationKind,
  /** The blueprint it builds. */
  slug: z.string().check(z.refine(isValidSlug, 'not a valid blueprint slug')),
  status: OperationStatus,
  /** The phase running now, or the last one that ran; null before the first. */
  phase: z.nullable(Phase),
  backend: ExecutorBackend,
  /** The commit the worktree was made from: the user's HEAD when Build was pressed. */
  baseCommit: CommitId,
  /** `orchard/<slug>-<n>`; null until the worktree exists. */
  branch: z.nullable(z.string().check(z.minLength(1), z.maxLength(255))),
  /** The worktree's absolute path; null until it exists. */
  worktree: z.nullable(z.string().check(z.minLength(1), z.maxLength(4096))),
  /** The commit the operation made on its branch, once it made one. */
  headCommit: z.nullable(CommitId),
  usage: OperationUsage,
  /** Why it failed, was cancelled or was lost, in words for the user. */
  reason: z.nullable(z.string().check(z.maxLength(4000))),
  createdAt: Time,
  updatedAt: Time,
  /** When it reached a terminal status. */
  endedAt: z.nullable(Time),
  /** The sequence number of the last event folded in; 0 before any. */
  lastSeq: count,
  /** The phases that started, in the order they first started (older records have none). */
  phases: z.optional(z.array(PhaseRun).check(z.maxLength(PHASES.length))),
  /** The model the executor runs on, for the cost estimate (older records have none). */
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Its worktree was removed (the user discarded the result). */
  discarded: z.optional(z.boolean()),
  /** A command the agent waits to run until the user answers (allow once / for this operation / deny). */
  question: z.optional(
    z.nullable(z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(20)), command: z.string().check(z.maxLength(16_384)), reason: z.string().check(z.maxLength(2000)) })),
  ),
});
export type Operation = z.infer<typeof Operation>;

export interface NewOperation {
  id: string;
  kind: OperationKind;
  slug: string;
  backend: ExecutorBackend;
  baseCommit: string;
  createdAt: string;
  model?: string;
}

/** A pending operation, checked: a bad id, slug or commit is an error naming the field. */
export function newOperation(input: NewOperation): Operation {
  return Operation.parse({
    ...input,
    status: 'pending',
    phase: null,
    branch: null,
    worktree: null,
    headCommit: null,
    usage: NO_USAGE,
    reason: null,
    updatedAt: input.createdAt,
    endedAt: null,
    lastSeq: 0,
    phases: [],
  });
}

export function addUsage(a: OperationUsage, b: OperationUsage): OperationUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

/** The branch of the n-th operation on a blueprint: `orchard/<slug>-<n>`. */
export function operationBranch(slug: string, n: number): string {
  if (!isValidSlug(slug)) throw new Error(`not a valid blueprint slug: ${JSON.stringify(slug)}`);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a branch number: ${n}`);
  return `orchard/${slug}-${n}`;
}
