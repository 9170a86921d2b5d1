/**
 * Starting an operation for real: the pieces runBuild takes, made from a
 * repository and a state folder. The same code runs `orchard build` in a
 * terminal or a CI job and, as `dist/cli.js build --ask-in-log`, the
 * extension's runner process (vscode/operations/buildRunner.ts).
 *
 * The state folder of a repository holds, per operation:
 *   operations/<id>.json    its first record (what was asked: slug, base, backend)
 *   operations/<id>.jsonl   its events (store/operations/operationLog.ts)
 *   worktrees/<id>/         its worktree and ownership marker (store/worktrees/)
 *   tmp/<id>/               its commands' temporary folder and caches
 *   slots/<n>.lock          the build slots (maxParallel); answers/ (operationControl.ts)
 * The record now is the first record with the events folded in (applyEvent).
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { runClaudeCodeExecutor } from '../../agents/executor/claudeCodeExecutor';
import { runExecutor, type ExecutorInput, type ExecutorResult } from '../../agents/executor/executor';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import type { ModelProvider } from '../../agents/providers/modelProvider';
import { isValidOperationId, newOperation, Operation, operationId } from '../../core/operations/operation';
import { parseOperationEvent, replay, type NewOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import type { Blueprint } from '../../core/blueprint/blueprint';
import { BlueprintStore } from '../../store/blueprintStore';
import { acquireLock, type ReleaseLock } from '../../store/fileLock';
import { OperationLogWriter, operationLogPath } from '../../store/operations/operationLog';
import { commitWorktree } from '../../store/worktreeCommit';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';
import { runBuild, type BuildOutcome } from './buildOperation';
import { loadOperation, operationsDir, operationTempDir, readBuildBlueprint, waitForAnswer } from './operationControl';
import { copyIntoWorktree, filesMatching, projectCommandsIn, setupWorktree } from './worktreePreparation';

export { defaultStateDir } from './operationControl';

export interface StartBuildInput {
  repoRoot: string;
  slug: string;
  stateDir: string;
  /** What runs the agent: Orchard's loop over a model provider, or Claude Code (its program, and what its environment adds: a key, a base URL). */
  executor: { backend: 'orchard'; provider: ModelProvider } | { backend: 'claude-code'; executable: string; env?: Record<string, string> };
  model: string;
  budgetTokens: number;
  /** The agent's wall-clock budget. */
  wallTimeMs?: number;
  /**
   * Answers what the command policy asks: a function (headless: deny, or allow with --allow-commands),
   * or 'user': a `question` event in the log, answered by whoever follows it (operationControl's
   * answerQuestion: the extension, `orchard operations answer`); the runner waits until then.
   */
  ask: ((command: string, reason: string) => Promise<CommandAnswer>) | 'user';
  /** The operation's id, when the caller chose it (the extension, to follow it from the start). */
  operationId?: string;
  /** The user's files copied into a new worktree before setup (core/operations/copyPatterns.ts), e.g. `.env*`. */
  copyFiles?: readonly string[];
  /** Builds of this state folder that run at once; the rest wait, pending, for a slot. Default 3. */
  maxParallel?: number;
  /** Each event as it is logged. */
  onEvent?(event: OperationEvent): void;
  /** Said before anything is made: the base commit and what is left out. */
  onStart?(info: { operationId: string; baseCommit: string; branchName: string | null; uncommitted: string[] }): void;
  promptsDir?: string;
  signal: AbortSignal;
}

export interface StartedBuild {
  operation: Operation;
  outcome: BuildOutcome;
}

export async function startBuild(input: StartBuildInput): Promise<StartedBuild> {
  const blueprint = await readBuildBlueprint(input.repoRoot, input.slug);
  const worktrees = await WorktreeManager.open({ repoRoot: input.repoRoot, managedRoot: path.join(input.stateDir, 'worktrees') });
  const base = await worktrees.preflight();
  // Opened before anything is recorded: a store that cannot open leaves no operation stuck in pending.
  const blueprints = await BlueprintStore.open(input.repoRoot);
  try {
    if (input.operationId !== undefined && !isValidOperationId(input.operationId)) throw new Error(`"${input.operationId}" is not an operation id`);
    const id = input.operationId ?? operationId(Date.now(), randomBytes(8).toString('hex'));
    input.onStart?.({ operationId: id, baseCommit: base.commit, branchName: base.branchName, uncommitted: base.uncommitted });
    const dir = operationsDir(input.stateDir);
    await fsp.mkdir(dir, { recursive: true });
    const first = newOperation({ id, kind: 'build', slug: input.slug, backend: input.executor.backend, baseCommit: base.commit, createdAt: new Date().toISOString(), model: input.model });
    // The log (and its lock) before the record: whoever finds the record finds its runner holding the
    // log, and does not take the operation for lost while the runner starts.
    const log = await OperationLogWriter.open<OperationEvent>(operationLogPath(dir, id), parseOperationEvent);
    try {
      await fsp.writeFile(path.join(dir, `${id}.json`), `${JSON.stringify(first)}\n`, { flag: 'wx' });
    } catch (error) {
      await log.close();
      throw error;
    }
    return await runOperation(input, { operation: first, blueprint, blueprints, worktrees, log });
  } finally {
    blueprints.dispose();
  }
}

export type ResumeBuildInput = Omit<StartBuildInput, 'slug' | 'operationId' | 'onStart'> & { operationId: string };

/**
 * Runs a lost build again, in the worktree its dead runner left, with a new
 * agent told that the worktree holds the earlier run's changes. Only a lost
 * operation resumes (a live runner holds the log; a finished one is done).
 */
export async function resumeBuild(input: ResumeBuildInput): Promise<StartedBuild> {
  const found = await loadOperation(input.stateDir, input.operationId);
  if (found.status !== 'lost') throw new Error(`operation ${found.id} is ${found.status}: only a lost build resumes`);
  if (!found.worktree || !found.branch) throw new Error(`operation ${found.id} has no worktree to resume in; discard it and build again`);
  const worktrees = await WorktreeManager.open({ repoRoot: input.repoRoot, managedRoot: path.join(input.stateDir, 'worktrees') });
  const listed = (await worktrees.list()).find((w) => w.path === found.worktree);
  if (!listed || listed.state !== 'ok') throw new Error(`the worktree of operation ${found.id} (${found.worktree}) is no longer there; discard the operation and build again`);
  const blueprint = await readBuildBlueprint(input.repoRoot, found.slug);
  const blueprints = await BlueprintStore.open(input.repoRoot);
  try {
    const log = await OperationLogWriter.open<OperationEvent>(operationLogPath(operationsDir(input.stateDir), found.id), parseOperationEvent);
    if (log.lastSeq !== found.lastSeq) {
      await log.close();
      throw new Error(`operation ${found.id} changed while it was being resumed; try again`);
    }
    return await runOperation({ ...input, slug: found.slug }, { operation: found, blueprint, blueprints, worktrees, log, resume: { branch: found.branch, path: found.worktree } });
  } finally {
    blueprints.dispose();
  }
}

interface Prepared {
  operation: Operation;
  blueprint: Blueprint;
  blueprints: BlueprintStore;
  worktrees: WorktreeManager;
  /** Open, its lock held; closed here. */
  log: OperationLogWriter<OperationEvent>;
  resume?: { branch: string; path: string };
}

/** The operation's life from here: a build slot, the build itself, the blueprint's status, the log closed. */
async function runOperation(input: Omit<StartBuildInput, 'onStart'>, prepared: Prepared): Promise<StartedBuild> {
  const { blueprint, blueprints, log } = prepared;
  let operation = prepared.operation;
  const id = operation.id;
  const tempDir = operationTempDir(input.stateDir, id);
  let calls = 0;
  // The blueprint's status follows the operation, each change a revision (the conversation kept):
  // building while it runs, draft again when it fails or stops; `built` comes with approval.
  let statusWrites: Promise<unknown> = Promise.resolve();
  const blueprintStatus = (status: 'building' | 'draft') => {
    statusWrites = statusWrites
      .then(() => blueprints.save(input.slug, { ...blueprint, status }, { message: `${status === 'building' ? 'build started' : 'build ended'}: operation ${id}`, keepConversation: true }))
      .catch((error: unknown) => emit({ type: 'error', message: `The blueprint's status could not be set to ${status}: ${error instanceof Error ? error.message : String(error)}` }));
  };
  const emit = (event: NewOperationEvent) => {
    const logged = log.append({ ...event, time: new Date().toISOString() } as Omit<OperationEvent, 'seq'> as never);
    const before = operation.status;
    operation = replay(operation, [logged]);
    input.onEvent?.(logged);
    if (event.type === 'status' && event.status === 'running' && before !== 'running' && blueprint.status !== 'building') blueprintStatus('building');
    if (event.type === 'status' && (event.status === 'failed' || event.status === 'cancelled') && before === 'running') blueprintStatus('draft');
  };
  const askUser = async (command: string, reason: string): Promise<CommandAnswer> => {
    // Named by the seq of its own event: unique in the log across resumed runs, so an old answer file never answers it.
    const questionId = `q${log.lastSeq + 1}`;
    emit({ type: 'question', questionId, command: command.slice(0, 16_384), reason: reason.slice(0, 2000) });
    const answer = await waitForAnswer(input.stateDir, id, questionId, input.signal);
    emit({ type: 'answer', questionId, answer });
    return answer;
  };
  let releaseSlot: ReleaseLock | undefined;
  try {
    await fsp.mkdir(tempDir, { recursive: true });
    releaseSlot = await buildSlot(input.stateDir, input.maxParallel ?? DEFAULT_MAX_PARALLEL, input.signal);
    if (!releaseSlot) {
      const reason = 'Stopped while it waited for another build to finish.';
      emit({ type: 'status', status: 'cancelled', reason });
      return { operation, outcome: { status: 'cancelled', reason } };
    }
    const outcome = await runBuild({
      operationId: id,
      slug: input.slug,
      blueprint,
      baseCommit: operation.baseCommit,
      worktrees: prepared.worktrees,
      emit,
      model: input.model,
      tempDir,
      setup: async (worktree) => {
        if (input.copyFiles?.length && !prepared.resume) await copyFiles(input.repoRoot, worktree, input.copyFiles, emit);
        return setupWorktree(worktree, tempDir, emit, input.signal);
      },
      projectCommands: projectCommandsIn,
      ask: input.ask === 'user' ? askUser : input.ask,
      commit: async (worktree, message) => {
        const exclude = input.copyFiles?.length ? await filesMatching(worktree, input.copyFiles) : [];
        return { ...(await commitWorktree(worktree, message, { exclude })), excluded: exclude };
      },
      runExecutor: executorOf(input.executor),
      budgetTokens: input.budgetTokens,
      ...(input.wallTimeMs !== undefined ? { wallTimeMs: input.wallTimeMs } : {}),
      ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}),
      ...(prepared.resume ? { resume: prepared.resume } : {}),
      signal: input.signal,
      newCallId: () => `cmd-${++calls}`,
    });
    return { operation, outcome };
  } catch (error) {
    // A bug, not a refusal: the operation still ends, with the error as its reason.
    if (operation.status === 'running' || operation.status === 'pending' || operation.status === 'lost') emit({ type: 'status', status: 'failed', reason: `Orchard failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000) });
    throw error;
  } finally {
    releaseSlot?.();
    await statusWrites;
    await log.close();
  }
}

async function copyFiles(repoRoot: string, worktree: string, patterns: readonly string[], emit: (event: NewOperationEvent) => void): Promise<void> {
  emit({ type: 'tool-call', callId: 'copy', tool: 'copy-files', input: JSON.stringify(patterns).slice(0, 16_000) });
  const { copied, skipped } = await copyIntoWorktree(repoRoot, worktree, patterns);
  const lines = [copied.length > 0 ? `copied ${copied.join(', ')}` : 'nothing matched to copy', ...skipped.map((why) => `left out: ${why}`)];
  emit({ type: 'tool-result', callId: 'copy', ok: skipped.length === 0, output: lines.join('\n').slice(0, 16_000) });
}

/** The backend bound to what it needs: the same ExecutorInput, the same events, either way. */
function executorOf(choice: StartBuildInput['executor']): (input: Omit<ExecutorInput, 'provider'>) => Promise<ExecutorResult> {
  if (choice.backend === 'orchard') return (input) => runExecutor({ ...input, provider: choice.provider });
  return (input) => runClaudeCodeExecutor({ ...input, executable: choice.executable, ...(choice.env ? { env: choice.env } : {}) });
}

export const DEFAULT_MAX_PARALLEL = 3;

/**
 * One of `max` build slots of the state folder, as a lock file each
 * (slots/<n>.lock: a dead runner's is taken over at once), so builds started
 * from several windows and terminals share the limit and the queue survives
 * a reload. Waits, polling, until one is free; undefined when stopped first.
 */
async function buildSlot(stateDir: string, max: number, signal: AbortSignal): Promise<ReleaseLock | undefined> {
  const dir = path.join(stateDir, 'slots');
  await fsp.mkdir(dir, { recursive: true });
  const slots = Math.max(1, Math.floor(max));
  while (!signal.aborted) {
    for (let n = 0; n < slots; n++) {
      const release = await acquireLock(path.join(dir, `${n}.lock`), { staleMs: 60_000, timeoutMs: 0 }).catch(() => undefined);
      if (release) return release;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}
