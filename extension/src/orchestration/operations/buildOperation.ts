/**
 * Build, the use case: a ready blueprint becomes a commit on a branch of its
 * own, waiting for the user's approval. In order:
 *
 *   worktree   a new branch `orchard/<slug>-<n>` from the base commit, in a
 *              folder Orchard owns (the user's checkout is never touched)
 *   spec       the blueprint rendered as the spec the agent reads
 *   design     the executor's plan (its first words, before any change)
 *   implement  its changes, through the worktree's tools
 *   test       from its first run of a project command after a change
 *   review     skipped until reviewer agents exist (their own issue)
 *   commit     everything it changed, committed on the branch
 *
 * and then `waiting`. A failure or Stop ends the operation with the reason;
 * the worktree is kept for the user to look at or discard. Every step is an
 * event in the operation's log, which is the record of what happened.
 *
 * No `vscode`, no process of its own: the runner (the CLI or the extension's
 * runner process) gives it the worktrees, the log and the executor (its backend chosen there).
 */
import { canBuild, readinessProblems } from '../../core/blueprint/readiness';
import type { Blueprint } from '../../core/blueprint/blueprint';
import { renderSpec } from '../../core/blueprint/specRenderer';
import type { Phase } from '../../core/operations/operation';
import type { NewOperationEvent } from '../../core/operations/operationEvents';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import type { ExecutorInput, ExecutorResult } from '../../agents/executor/executor';
import type { Usage } from '../../agents/providers/modelProvider';

/** The worktree side, as store/worktrees/worktreeManager.ts provides it. */
export interface BuildWorktrees {
  create(input: { operationId: string; slug: string; baseCommit: string }): Promise<{ branch: string; path: string; warnings?: string[] }>;
}

export interface BuildInput {
  operationId: string;
  slug: string;
  blueprint: Blueprint;
  baseCommit: string;
  worktrees: BuildWorktrees;
  /** Appends an event to the operation's log (numbered and dated there). */
  emit(event: NewOperationEvent): void;
  model: string;
  /** A folder for the agent's commands besides the worktree (caches, TMPDIR). */
  tempDir: string;
  /**
   * Prepares the new worktree (installs dependencies: the project's `.orchard/setup.sh`), reporting its
   * output as events; a failure ends the build with its reason. Absent: nothing to prepare.
   */
  setup?(worktree: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Finds the project's commands in the new worktree (core/operations/projectCommands.ts over its files). */
  projectCommands(worktree: string): Promise<string[]>;
  ask(command: string, reason: string): Promise<CommandAnswer>;
  /** Commits the worktree's changes; `excluded`: paths kept out of the commit (the user's copied files). */
  commit(worktree: string, message: string): Promise<{ commit: string | null; files: string[]; excluded?: string[] }>;
  /** The executor backend, its model provider (Orchard's loop) or program (Claude Code) bound by the runner. */
  runExecutor(input: Omit<ExecutorInput, 'provider'>): Promise<ExecutorResult>;
  budgetTokens: number;
  promptsDir?: string;
  signal: AbortSignal;
  /** The agent's wall-clock budget (its commands included); past it the build fails with that reason. */
  wallTimeMs?: number;
  newCallId(): string;
  /** Resuming a lost build: its worktree (kept when its runner died) instead of a new one. */
  resume?: { branch: string; path: string };
}

export type BuildOutcome = { status: 'waiting'; commit: string; branch: string; worktree: string } | { status: 'failed' | 'cancelled'; reason: string };

/** Tracks which phase the agent's actions put it in, emitting each start and end once. */
class PhaseTracker {
  current: Phase | null = null;
  constructor(private readonly emit: (event: NewOperationEvent) => void) {}

  enter(phase: Phase): void {
    if (this.current === phase) return;
    this.end('done');
    this.current = phase;
    this.emit({ type: 'phase-started', phase });
  }

  end(outcome: 'done' | 'failed' | 'skipped'): void {
    if (this.current === null) return;
    this.emit({ type: 'phase-ended', phase: this.current, outcome });
    this.current = null;
  }
}

export function commitMessage(blueprint: Blueprint, slug: string, operationId: string, summary: string): string {
  const subject = blueprint.featureName.replace(/\s+/g, ' ').trim().slice(0, 72);
  const body = summary.trim() === '' ? blueprint.summary.trim() : summary.trim();
  return [subject, '', ...(body ? [body, ''] : []), `Built by Orchard Studio from blueprint ${slug} (operation ${operationId}).`].join('\n');
}

function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}

function usageDelta(total: Usage, before: Usage): Usage {
  return {
    inputTokens: total.inputTokens - before.inputTokens,
    outputTokens: total.outputTokens - before.outputTokens,
    cacheReadTokens: total.cacheReadTokens - before.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens - before.cacheWriteTokens,
  };
}

export async function runBuild(input: BuildInput): Promise<BuildOutcome> {
  const { emit } = input;
  const phases = new PhaseTracker(emit);
  const end = (status: 'failed' | 'cancelled', reason: string): BuildOutcome => {
    phases.end(status === 'failed' ? 'failed' : 'skipped');
    emit({ type: 'status', status, reason: reason.slice(0, 2000) });
    return { status, reason };
  };
  if (!canBuild(input.blueprint)) {
    const problems = readinessProblems(input.blueprint);
    return end('failed', `The blueprint is not ready to build: ${problems.length > 0 ? problems.join('; ') : 'it is not marked ready to build'}`);
  }
  emit({ type: 'status', status: 'running' });

  let worktree: { branch: string; path: string; warnings?: string[] };
  if (input.resume) {
    worktree = input.resume;
  } else {
    try {
      worktree = await input.worktrees.create({ operationId: input.operationId, slug: input.slug, baseCommit: input.baseCommit });
    } catch (error) {
      return end('failed', `The worktree could not be made: ${error instanceof Error ? error.message : String(error)}`);
    }
    emit({ type: 'worktree', branch: worktree.branch, path: worktree.path });
    for (const warning of worktree.warnings ?? []) emit({ type: 'error', message: warning.slice(0, 16_000) });
  }
  if (input.signal.aborted) return end('cancelled', 'Stopped before the agent started.');
  if (input.setup) {
    const prepared = await input.setup(worktree.path);
    if (input.signal.aborted) return end('cancelled', 'Stopped while the worktree was being prepared.');
    if (!prepared.ok) return end('failed', prepared.reason);
  }

  // The agent runs under its own signal: the user's Stop, or its time budget running out.
  const agentStop = new AbortController();
  const onStop = () => agentStop.abort();
  input.signal.addEventListener('abort', onStop, { once: true });
  let outOfTime = false;
  const timer = input.wallTimeMs === undefined ? undefined : setTimeout(() => ((outOfTime = true), agentStop.abort()), input.wallTimeMs);
  try {
    return await buildInWorktree(input, worktree, phases, end, agentStop.signal, () => outOfTime);
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener('abort', onStop);
  }
}

async function buildInWorktree(
  input: BuildInput,
  worktree: { branch: string; path: string },
  phases: PhaseTracker,
  end: (status: 'failed' | 'cancelled', reason: string) => BuildOutcome,
  signal: AbortSignal,
  outOfTime: () => boolean,
): Promise<BuildOutcome> {
  const { emit } = input;
  phases.enter('spec');
  const spec = renderSpec(input.blueprint);
  const projectCommands = await input.projectCommands(worktree.path);
  phases.enter('design');

  let changed = false;
  let reported: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  const executor = await input.runExecutor({
    model: input.model,
    worktree: worktree.path,
    tempDir: input.tempDir,
    spec,
    featureName: input.blueprint.featureName,
    projectCommands,
    trusted: true,
    ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}),
    budgetTokens: input.budgetTokens,
    signal,
    ...(input.resume ? { resumed: true } : {}),
    ask: input.ask,
    newCallId: input.newCallId,
    onUsage: (total) => {
      emit({ type: 'usage', usage: usageDelta(total, reported) });
      reported = total;
    },
    emit: (event) => {
      // The agent's actions say where it is: its first change starts implementing, a check after a change testing.
      if (event.type === 'tool-call') {
        if (event.tool === 'write_file' || event.tool === 'edit_file') {
          changed = true;
          if (phases.current !== 'implement') phases.enter('implement');
        } else if (event.tool === 'run_command' && changed && phases.current === 'implement') {
          phases.enter('test');
        }
      }
      emit(event);
    },
  });
  if (outOfTime()) return end('failed', `The build ran out of its time budget (${formatDuration(input.wallTimeMs ?? 0)}) before the agent finished.`);
  if (executor.outcome === 'stopped' || signal.aborted) return end('cancelled', 'Stopped by the user.');
  if (executor.outcome === 'failed') return end('failed', executor.error?.message ?? 'The executor failed.');

  phases.enter('review');
  phases.end('skipped');
  phases.enter('commit');
  let made: { commit: string | null; files: string[]; excluded?: string[] };
  try {
    made = await input.commit(worktree.path, commitMessage(input.blueprint, input.slug, input.operationId, executor.summary));
  } catch (error) {
    return end('failed', `The change could not be committed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (made.commit === null) return end('failed', 'The executor finished without changing any file: there is nothing to approve.');
  const kept = made.excluded?.length ? `; not committed (copied in, orchard.build.copyFiles): ${made.excluded.join(', ')}` : '';
  emit({ type: 'commit', commit: made.commit, message: `${made.files.length} file${made.files.length === 1 ? '' : 's'} changed${kept}`.slice(0, 16_000) });
  phases.end('done');
  emit({ type: 'status', status: 'waiting' });
  return { status: 'waiting', commit: made.commit, branch: worktree.branch, worktree: worktree.path };
}
