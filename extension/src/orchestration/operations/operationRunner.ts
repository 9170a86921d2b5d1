/**
 * Starting an operation for real: the pieces runBuild takes, made from a
 * repository and a state folder. The same code runs `orchard build` in a
 * terminal or a CI job and (next) the extension's runner process.
 *
 * The state folder of a repository holds, per operation:
 *   operations/<id>.json    its first record (what was asked: slug, base, backend)
 *   operations/<id>.jsonl   its events (store/operations/operationLog.ts)
 *   worktrees/<id>/         its worktree and ownership marker (store/worktrees/)
 *   tmp/<id>/               its commands' temporary folder and caches
 * The record now is the first record with the events folded in (applyEvent).
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { runExecutor } from '../../agents/executor/executor';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import type { ModelProvider } from '../../agents/providers/modelProvider';
import { BLUEPRINTS_DIR, parseBlueprintText } from '../../core/blueprint/blueprintFile';
import { isValidSlug } from '../../core/blueprint/blueprint';
import { newOperation, Operation, operationId, type ExecutorBackend } from '../../core/operations/operation';
import { chunkText, parseOperationEvent, replay, type NewOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { detectProjectCommands } from '../../core/operations/projectCommands';
import { readFileInside, resolveInside } from '../../platform/confinedPath';
import { runSandboxed } from '../../platform/sandboxedCommand';
import { BlueprintStore } from '../../store/blueprintStore';
import { lockHolder } from '../../store/fileLock';
import { OperationLogWriter, operationLogPath, readEvents } from '../../store/operations/operationLog';
import { commitWorktree } from '../../store/worktreeCommit';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';
import { runBuild, type BuildOutcome } from './buildOperation';

/** Where a repository's operations live when no state folder is given: outside the repository, per user. */
export function defaultStateDir(repoRealPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  const hash = createHash('sha256').update(repoRealPath).digest('hex').slice(0, 12);
  return path.join(base, 'orchard', 'repos', `${path.basename(repoRealPath).replace(/[^\w.-]/g, '_')}-${hash}`);
}

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
  /** Answers what the command policy asks (headless: deny, or allow with --allow-commands). */
  ask(command: string, reason: string): Promise<CommandAnswer>;
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

async function readBlueprint(repoRoot: string, slug: string) {
  if (!isValidSlug(slug)) throw new Error(`"${slug}" is not a blueprint name (lowercase letters, digits, "-" and "_")`);
  const file = `${BLUEPRINTS_DIR}/${slug}.json`;
  let text: string;
  try {
    text = await readFileInside(repoRoot, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`there is no blueprint ${file}`);
    throw error;
  }
  const parsed = parseBlueprintText(text);
  if (!parsed.ok) throw new Error(`${file} is not a valid blueprint: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return parsed.blueprint;
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
  const blueprint = await readBlueprint(input.repoRoot, input.slug);
  const worktrees = await WorktreeManager.open({ repoRoot: input.repoRoot, managedRoot: path.join(input.stateDir, 'worktrees') });
  const base = await worktrees.preflight();
  // Opened before anything is recorded: a store that cannot open leaves no operation stuck in pending.
  const blueprints = await BlueprintStore.open(input.repoRoot);
  const id = operationId(Date.now(), randomBytes(8).toString('hex'));
  input.onStart?.({ operationId: id, baseCommit: base.commit, branchName: base.branchName, uncommitted: base.uncommitted });

  const operationsDir = path.join(input.stateDir, 'operations');
  const tempDir = path.join(input.stateDir, 'tmp', id);
  await fsp.mkdir(operationsDir, { recursive: true });
  await fsp.mkdir(tempDir, { recursive: true });
  const first = newOperation({ id, kind: 'build', slug: input.slug, backend: input.backend, baseCommit: base.commit, createdAt: new Date().toISOString() });
  await fsp.writeFile(path.join(operationsDir, `${id}.json`), `${JSON.stringify(first)}\n`, { flag: 'wx' });

  const log = await OperationLogWriter.open<OperationEvent>(operationLogPath(operationsDir, id), parseOperationEvent);
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
  try {
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
      ask: input.ask,
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
    await statusWrites;
    blueprints.dispose();
    await log.close();
  }
}

/** Every operation of a state folder, newest first, each its first record with its log folded in. */
export async function listOperations(stateDir: string): Promise<Operation[]> {
  const dir = path.join(stateDir, 'operations');
  const names = await fsp.readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  const out: Operation[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort().reverse()) {
    out.push(await loadOperation(stateDir, name.slice(0, -'.json'.length)));
  }
  return out;
}

export async function loadOperation(stateDir: string, id: string): Promise<Operation> {
  const dir = path.join(stateDir, 'operations');
  const first = Operation.parse(JSON.parse(await fsp.readFile(path.join(dir, `${id}.json`), 'utf8')));
  let operation = first;
  for await (const event of readEvents(operationLogPath(dir, id), parseOperationEvent)) operation = replay(operation, [event]);
  if (operation.status === 'pending' || operation.status === 'running') operation = await markLostIfAbandoned(operation, operationLogPath(dir, id));
  return operation;
}

/**
 * An operation that says it runs while nobody holds its log (its runner was
 * killed, or the machine restarted) is lost: whoever finds it so records it,
 * once, in its log. The lock is what tells: a live runner holds it, and a
 * dead one's is taken over at once (store/fileLock.ts). The worktree stays,
 * for the user to resume or discard.
 */
async function markLostIfAbandoned(operation: Operation, file: string): Promise<Operation> {
  let log: OperationLogWriter<OperationEvent>;
  try {
    log = await OperationLogWriter.open<OperationEvent>(file, parseOperationEvent);
  } catch {
    return operation; // Held: its runner is alive.
  }
  try {
    // Events read before the lock was taken may not be the last ones: fold what the writer found.
    if (log.lastSeq !== operation.lastSeq) return operation;
    const lost = log.append({ type: 'status', status: 'lost', reason: 'Its runner stopped before the operation ended (the process was killed or the machine restarted); the worktree is kept.', time: new Date().toISOString() } as never);
    await log.flush();
    return replay(operation, [lost]);
  } finally {
    await log.close();
  }
}

export type CancelResult = 'stopped' | 'recorded' | 'already-ended';

/**
 * Stops an operation: a running one by asking its runner to stop (SIGTERM:
 * it ends the agent, records `cancelled` and releases its log), waiting up to
 * `waitMs` for that; a lost or waiting one by recording `cancelled` itself.
 * The worktree is kept either way (discarding it is the user's choice).
 */
export async function cancelOperation(stateDir: string, id: string, waitMs = 15_000): Promise<CancelResult> {
  const file = operationLogPath(path.join(stateDir, 'operations'), id);
  let operation = await loadOperation(stateDir, id);
  if (operation.status === 'succeeded' || operation.status === 'failed' || operation.status === 'cancelled') return 'already-ended';
  const runner = lockHolder(`${file}.lock`);
  if (runner !== undefined && (operation.status === 'running' || operation.status === 'pending')) {
    process.kill(runner, 'SIGTERM');
    const until = Date.now() + waitMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      operation = await loadOperation(stateDir, id);
      if (operation.status !== 'running' && operation.status !== 'pending') return 'stopped';
    }
    throw new Error(`operation ${id}: its runner (pid ${runner}) did not stop within ${waitMs / 1000} s`);
  }
  const log = await OperationLogWriter.open<OperationEvent>(file, parseOperationEvent);
  try {
    log.append({ type: 'status', status: 'cancelled', reason: 'Cancelled by the user; the worktree is kept.', time: new Date().toISOString() } as never);
    await log.flush();
  } finally {
    await log.close();
  }
  return 'recorded';
}
