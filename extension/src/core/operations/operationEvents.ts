/**
 * What happens in an operation, as events: one JSON line each in the
 * operation's log (store/operations/operationLog.ts), numbered from 1 with no
 * gaps, so a view that saw up to n asks for n + 1 onwards after a reload and
 * misses nothing and sees nothing twice. Events are final facts, never
 * streaming deltas of each other: agent text and command output come in
 * chunks of at most MAX_EVENT_TEXT, each its own event.
 *
 * `applyEvent` folds an event into the operation record: the status, the
 * phase, the usage and the head commit follow from the events alone, so the
 * record can always be rebuilt from the log.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import { addUsage, canTransition, OperationStatus, OperationUsage, Phase, TERMINAL_STATUSES, type Operation } from './operation';

/** Characters of text in one event; longer text is cut into several (chunkText). */
export const MAX_EVENT_TEXT = 16_384;

const text = z.string().check(z.maxLength(MAX_EVENT_TEXT));
const shortText = z.string().check(z.maxLength(2000));
const name = z.string().check(z.minLength(1), z.maxLength(200));
const CommitId = z.string().check(z.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/));
/** Names an answer file, so it is kept to safe file-name characters. */
const QuestionId = z.string().check(z.regex(/^q[0-9]{1,12}$/));
const CommandAnswer = z.enum(['once', 'operation', 'deny']);

const base = {
  seq: z.int().check(z.positive()),
  time: z.iso.datetime({ offset: true }),
};

export const OperationEvent = z.discriminatedUnion('type', [
  /** The status changed (running, waiting, lost…); `reason` says why in words when it ended badly. */
  z.strictObject({ ...base, type: z.literal('status'), status: OperationStatus, reason: z.optional(shortText) }),
  /** The worktree exists: its branch and path. */
  z.strictObject({ ...base, type: z.literal('worktree'), branch: name, path: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  z.strictObject({ ...base, type: z.literal('phase-started'), phase: Phase }),
  z.strictObject({ ...base, type: z.literal('phase-ended'), phase: Phase, outcome: z.enum(['done', 'failed', 'skipped']) }),
  /** What the agent says (its plan in the design phase, its notes while it works). */
  z.strictObject({ ...base, type: z.literal('agent-text'), text }),
  /** A tool the agent called; `input` is its JSON input as text, cut to MAX_EVENT_TEXT. */
  z.strictObject({ ...base, type: z.literal('tool-call'), callId: name, tool: name, input: text }),
  z.strictObject({ ...base, type: z.literal('tool-result'), callId: name, ok: z.boolean(), output: text }),
  /** A chunk of a command's output, in order per stream. */
  z.strictObject({ ...base, type: z.literal('command-output'), callId: name, stream: z.enum(['stdout', 'stderr']), text }),
  z.strictObject({ ...base, type: z.literal('command-exit'), callId: name, exitCode: z.nullable(z.int()), signal: z.nullable(shortText), timedOut: z.boolean() }),
  z.strictObject({ ...base, type: z.literal('gate-result'), gate: name, passed: z.boolean(), summary: text }),
  z.strictObject({ ...base, type: z.literal('review-result'), reviewer: name, verdict: z.enum(['approve', 'changes', 'comment']), summary: text }),
  /** Tokens of one model request, added to the operation's total. */
  z.strictObject({ ...base, type: z.literal('usage'), usage: OperationUsage }),
  /** The operation committed on its branch. */
  z.strictObject({ ...base, type: z.literal('commit'), commit: CommitId, message: text }),
  /** Something went wrong; the operation may go on (a tool error) or fail (a status event follows). */
  z.strictObject({ ...base, type: z.literal('error'), message: text }),
  /** The agent wants to run a command the policy asks the user about; the runner waits for the answer. */
  z.strictObject({ ...base, type: z.literal('question'), questionId: QuestionId, command: text, reason: shortText }),
  /** The user's answer (or the runner's, when it stopped waiting). */
  z.strictObject({ ...base, type: z.literal('answer'), questionId: QuestionId, answer: CommandAnswer }),
  /** The worktree was removed (the user discarded the operation's result); its branch with it, or kept. */
  z.strictObject({ ...base, type: z.literal('worktree-removed'), branchDeleted: z.boolean() }),
]);
export type OperationEvent = z.infer<typeof OperationEvent>;
export type OperationEventType = OperationEvent['type'];
/** An event before the log numbers and dates it. */
type Unnumbered<E> = E extends unknown ? Omit<E, 'seq' | 'time'> : never;
export type NewOperationEvent = Unnumbered<OperationEvent>;

/** A parsed JSON value as an event, or undefined when it is not one (the log's parser). */
export function parseOperationEvent(value: unknown): OperationEvent | undefined {
  const result = OperationEvent.safeParse(value);
  return result.success ? result.data : undefined;
}

/** `text` cut into pieces of at most `max` characters, never between the halves of a surrogate pair. */
export function chunkText(value: string, max: number = MAX_EVENT_TEXT): string[] {
  if (max < 2) throw new Error('chunkText: max must be at least 2');
  const chunks: string[] = [];
  for (let at = 0; at < value.length; ) {
    let end = Math.min(value.length, at + max);
    const last = value.charCodeAt(end - 1);
    if (end < value.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(value.slice(at, end));
    at = end;
  }
  return chunks;
}

export class EventOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventOrderError';
  }
}

/**
 * The operation after `event`. Throws EventOrderError for an event out of
 * sequence or a status change the model does not allow (a finished operation
 * running again): such a log was not written by Orchard's runner.
 */
export function applyEvent(operation: Operation, event: OperationEvent): Operation {
  if (event.seq !== operation.lastSeq + 1) {
    throw new EventOrderError(`operation ${operation.id}: event ${event.seq} follows event ${operation.lastSeq}`);
  }
  const next: Operation = { ...operation, lastSeq: event.seq, updatedAt: event.time };
  switch (event.type) {
    case 'status': {
      if (!canTransition(operation.status, event.status)) {
        throw new EventOrderError(`operation ${operation.id}: cannot go from ${operation.status} to ${event.status}`);
      }
      next.status = event.status;
      next.reason = event.reason ?? (event.status === 'running' ? null : operation.reason);
      next.endedAt = TERMINAL_STATUSES.has(event.status) ? event.time : null;
      // Nobody waits for an answer once the runner stops running the operation.
      if (event.status !== 'running') next.question = null;
      return next;
    }
    case 'worktree':
      return { ...next, branch: event.branch, worktree: event.path };
    case 'phase-started': {
      const run = { phase: event.phase, state: 'running' as const, startedAt: event.time, endedAt: null };
      const phases = operation.phases ?? [];
      const at = phases.findIndex((p) => p.phase === event.phase);
      return { ...next, phase: event.phase, phases: at < 0 ? [...phases, run] : phases.map((p, i) => (i === at ? run : p)) };
    }
    case 'phase-ended': {
      const phases = operation.phases ?? [];
      const ended = { state: event.outcome, endedAt: event.time };
      // A phase may end without having started (skipped before it ran): it is listed then.
      const at = phases.findIndex((p) => p.phase === event.phase);
      return { ...next, phases: at < 0 ? [...phases, { phase: event.phase, startedAt: event.time, ...ended }] : phases.map((p, i) => (i === at ? { ...p, ...ended } : p)) };
    }
    case 'usage':
      return { ...next, usage: addUsage(operation.usage, event.usage) };
    case 'commit':
      return { ...next, headCommit: event.commit };
    case 'question':
      return { ...next, question: { id: event.questionId, command: event.command, reason: event.reason } };
    case 'answer':
      return { ...next, question: null };
    case 'worktree-removed':
      return { ...next, worktree: null, branch: event.branchDeleted ? null : operation.branch, discarded: true };
    default:
      return next;
  }
}

/** The record rebuilt from its first state and its events, in order. */
export function replay(initial: Operation, events: Iterable<OperationEvent>): Operation {
  let operation = initial;
  for (const event of events) operation = applyEvent(operation, event);
  return operation;
}
