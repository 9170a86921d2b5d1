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
import { runExecutor } from '../../agents/executor/executor';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import type { ModelProvider } from '../../agents/providers/modelProvider';
import { isValidOperationId, newOperation, Operation, operationId, type ExecutorBackend } from '../../core/operations/operation';
import { chunkText, parseOperationEvent, replay, type NewOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { detectProjectCommands } from '../../core/operations/projectCommands';
import { resolveInside } from '../../platform/confinedPath';
import { runSandboxed } from '../../platform/sandboxedCommand';
import { BlueprintStore } from '../../store/blueprintStore';
import { acquireLock, type ReleaseLock } from '../../store/fileLock';
import { OperationLogWriter, operationLogPath } from '../../store/operations/operationLog';
import { commitWorktree } from '../../store/worktreeCommit';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';
import { runBuild, type BuildOutcome } from './buildOperation';
import { operationsDir, operationTempDir, readBuildBlueprint, waitForAnswer } from './operationControl';

export { defaultStateDir } from './operationControl';

export interface StartBuildInput {
  repoRoot: string;
  slug: string;
  stateDir: string;
  provider: ModelProvider;
  model: string;
  backend: ExecutorBackend;
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

async function projectCommandsIn(worktree: string): Promise<string[]> {
  const names = new Set(await fsp.readdir(worktree));
  const read = (name: string) => (names.has(name) ? fsp.readFile(path.join(worktree, name), 'utf8').catch(() => undefined) : Promise.resolve(undefined));
  const [packageJson, makefile] = await Promise.all([read('package.json'), read('Makefile')]);
  return detectProjectCommands({ rootNames: names, ...(packageJson !== undefined ? { packageJson } : {}), ...(makefile !== undefined ? { makefile } : {}) });
}

/** The project's own preparation of a new worktree, committed with it. */
export const SETUP_SCRIPT = '.orchard/setup.sh';
export const SETUP_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs the worktree's `.orchard/setup.sh` (typically `npm ci`: a worktree has
 * no node_modules) in the sandbox, with the network it needs to download, its
 * output as events. Only a regular file inside the worktree is run.
 */
async function setupWorktree(worktree: string, tempDir: string, emit: (event: NewOperationEvent) => void, signal: AbortSignal) {
  const script = await resolveInside(worktree, SETUP_SCRIPT).catch(() => undefined);
  const stat = script ? await fsp.lstat(script).catch(() => undefined) : undefined;
  if (!stat?.isFile()) return { ok: true as const };
  const callId = 'setup';
  emit({ type: 'tool-call', callId, tool: 'setup', input: `sh ${SETUP_SCRIPT}` });
  const result = await runSandboxed({
    command: `sh ${SETUP_SCRIPT}`,
    cwd: worktree,
    tempDir,
    timeoutMs: SETUP_TIMEOUT_MS,
    network: true,
    signal,
    onOutput: (stream, text) => {
      for (const piece of chunkText(text)) emit({ type: 'command-output', callId, stream, text: piece });
    },
  });
  emit({ type: 'command-exit', callId, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut });
  if (result.exitCode === 0) return { ok: true as const };
  const how = result.timedOut ? `timed out after ${SETUP_TIMEOUT_MS / 60_000} minutes` : `failed (exit ${result.exitCode ?? result.signal})`;
  return { ok: false as const, reason: `${SETUP_SCRIPT} ${how}: the worktree could not be prepared (its output is in the log).` };
}

export async function startBuild(input: StartBuildInput): Promise<StartedBuild> {
  const blueprint = await readBuildBlueprint(input.repoRoot, input.slug);
  const worktrees = await WorktreeManager.open({ repoRoot: input.repoRoot, managedRoot: path.join(input.stateDir, 'worktrees') });
  const base = await worktrees.preflight();
  // Opened before anything is recorded: a store that cannot open leaves no operation stuck in pending.
  const blueprints = await BlueprintStore.open(input.repoRoot);
  if (input.operationId !== undefined && !isValidOperationId(input.operationId)) throw new Error(`"${input.operationId}" is not an operation id`);
  const id = input.operationId ?? operationId(Date.now(), randomBytes(8).toString('hex'));
  input.onStart?.({ operationId: id, baseCommit: base.commit, branchName: base.branchName, uncommitted: base.uncommitted });

  const dir = operationsDir(input.stateDir);
  const tempDir = operationTempDir(input.stateDir, id);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.mkdir(tempDir, { recursive: true });
  const first = newOperation({ id, kind: 'build', slug: input.slug, backend: input.backend, baseCommit: base.commit, createdAt: new Date().toISOString() });
  // The log (and its lock) before the record: whoever finds the record finds its runner holding the
  // log, and does not take the operation for lost while the runner starts.
  const log = await OperationLogWriter.open<OperationEvent>(operationLogPath(dir, id), parseOperationEvent);
  try {
    await fsp.writeFile(path.join(dir, `${id}.json`), `${JSON.stringify(first)}\n`, { flag: 'wx' });
  } catch (error) {
    await log.close();
    throw error;
  }
  let operation = first;
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
    if (event.type === 'status' && event.status === 'running' && before === 'pending') blueprintStatus('building');
    if (event.type === 'status' && (event.status === 'failed' || event.status === 'cancelled') && before === 'running') blueprintStatus('draft');
  };
  let questions = 0;
  const askUser = async (command: string, reason: string): Promise<CommandAnswer> => {
    const questionId = `q${++questions}`;
    emit({ type: 'question', questionId, command: command.slice(0, 16_384), reason: reason.slice(0, 2000) });
    const answer = await waitForAnswer(input.stateDir, id, questionId, input.signal);
    emit({ type: 'answer', questionId, answer });
    return answer;
  };
  let releaseSlot: ReleaseLock | undefined;
  try {
    releaseSlot = await buildSlot(input.stateDir, input.maxParallel ?? DEFAULT_MAX_PARALLEL, input.signal);
    if (!releaseSlot) {
      emit({ type: 'status', status: 'cancelled', reason: 'Stopped while it waited for another build to finish.' });
      return { operation, outcome: { status: 'cancelled', reason: 'Stopped while it waited for another build to finish.' } };
    }
    const outcome = await runBuild({
      operationId: id,
      slug: input.slug,
      blueprint,
      baseCommit: base.commit,
      worktrees,
      emit,
      provider: input.provider,
      model: input.model,
      tempDir,
      setup: (worktree) => setupWorktree(worktree, tempDir, emit, input.signal),
      projectCommands: projectCommandsIn,
      ask: input.ask === 'user' ? askUser : input.ask,
      commit: (worktree, message) => commitWorktree(worktree, message),
      runExecutor,
      budgetTokens: input.budgetTokens,
      ...(input.wallTimeMs !== undefined ? { wallTimeMs: input.wallTimeMs } : {}),
      ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}),
      signal: input.signal,
      newCallId: () => `cmd-${++calls}`,
    });
    return { operation, outcome };
  } catch (error) {
    // A bug, not a refusal: the operation still ends, with the error as its reason.
    if (operation.status === 'running' || operation.status === 'pending') emit({ type: 'status', status: 'failed', reason: `Orchard failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000) });
    throw error;
  } finally {
    releaseSlot?.();
    await statusWrites;
    blueprints.dispose();
    await log.close();
  }
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
