/**
 * What anyone may do with the operations of a state folder besides running
 * them: list and load them (the record rebuilt from the log, so it is what
 * happened, not what a process last remembered), stop one, discard its
 * result, answer what its agent asks. The CLI (`orchard operations …`) and
 * the extension call the same functions; the runner (operationRunner.ts)
 * waits on the answers written here.
 *
 * State folder layout besides operationRunner.ts's: answers/<id>/<question>.json,
 * one file per answer, written whole (temp + rename) and removed once read.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import { isValidSlug } from '../../core/blueprint/blueprint';
import { BLUEPRINTS_DIR, parseBlueprintText } from '../../core/blueprint/blueprintFile';
import { isValidOperationId, Operation } from '../../core/operations/operation';
import { parseOperationEvent, replay, type NewOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { readFileInside } from '../../platform/confinedPath';
import { operationsDir } from '../../platform/stateDir';
import { writeFileAtomic } from '../../store/atomicFile';
import { BlueprintStore } from '../../store/blueprintStore';
import { lockHolder } from '../../store/fileLock';
import { OperationLogWriter, operationLogPath, readEvents } from '../../store/operations/operationLog';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';

export { defaultStateDir, operationsDir } from '../../platform/stateDir';
export const operationTempDir = (stateDir: string, id: string) => path.join(stateDir, 'tmp', id);
const answersDir = (stateDir: string, id: string) => path.join(stateDir, 'answers', id);

/** The blueprint a build reads: the file in the user's checkout, checked by the schema. */
export async function readBuildBlueprint(repoRoot: string, slug: string) {
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

/** Every operation of a state folder, newest first, each its first record with its log folded in. */
export async function listOperations(stateDir: string): Promise<Operation[]> {
  const names = await fsp.readdir(operationsDir(stateDir)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  const out: Operation[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort().reverse()) {
    const id = name.slice(0, -'.json'.length);
    if (isValidOperationId(id)) out.push(await loadOperation(stateDir, id));
  }
  return out;
}

export async function loadOperation(stateDir: string, id: string): Promise<Operation> {
  if (!isValidOperationId(id)) throw new Error(`"${id}" is not an operation id`);
  const dir = operationsDir(stateDir);
  const first = Operation.parse(JSON.parse(await fsp.readFile(path.join(dir, `${id}.json`), 'utf8')));
  let operation = first;
  for await (const event of readEvents(operationLogPath(dir, id), parseOperationEvent)) operation = replay(operation, [event]);
  if (operation.status === 'pending' || operation.status === 'running') operation = await markLostIfAbandoned(operation, operationLogPath(dir, id));
  return operation;
}

/** Whether a live runner holds the operation's log (it runs, or waits for a build slot). */
export function runnerOf(stateDir: string, id: string): number | undefined {
  return lockHolder(`${operationLogPath(operationsDir(stateDir), id)}.lock`);
}

/** Appends events to a log nobody runs (a lost, waiting or ended operation): its lock is taken for that. */
async function appendToIdleLog(stateDir: string, id: string, events: NewOperationEvent[]): Promise<void> {
  const log = await OperationLogWriter.open<OperationEvent>(operationLogPath(operationsDir(stateDir), id), parseOperationEvent);
  try {
    for (const event of events) log.append({ ...event, time: new Date().toISOString() } as never);
    await log.flush();
  } finally {
    await log.close();
  }
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

/** Sets a blueprint that a build left `building` back to `draft`, as a revision (the conversation kept). */
async function blueprintBackToDraft(repoRoot: string, slug: string, id: string, why: string): Promise<void> {
  const blueprint = await readBuildBlueprint(repoRoot, slug);
  if (blueprint.status !== 'building') return;
  const store = await BlueprintStore.open(repoRoot);
  try {
    await store.save(slug, { ...blueprint, status: 'draft' }, { message: `${why}: operation ${id}`, keepConversation: true });
  } finally {
    store.dispose();
  }
}

export type CancelResult = 'stopped' | 'recorded' | 'already-ended';

export interface CancelOptions {
  /** Given, a waiting or lost build's blueprint goes back to draft (a runner does that itself when it stops). */
  repoRoot?: string;
  waitMs?: number;
  /** Recorded as the reason when no runner stops it (default: cancelled, worktree kept). */
  reason?: string;
}

/**
 * Stops an operation: a running one by asking its runner to stop (SIGTERM:
 * it ends the agent, records `cancelled` and releases its log), waiting up to
 * `waitMs` for that; a lost or waiting one by recording `cancelled` itself.
 * The worktree is kept either way (discarding it is the user's choice).
 */
export async function cancelOperation(stateDir: string, id: string, options: CancelOptions = {}): Promise<CancelResult> {
  const waitMs = options.waitMs ?? 15_000;
  let operation = await loadOperation(stateDir, id);
  if (operation.status === 'succeeded' || operation.status === 'failed' || operation.status === 'cancelled') return 'already-ended';
  const runner = runnerOf(stateDir, id);
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
  await appendToIdleLog(stateDir, id, [{ type: 'status', status: 'cancelled', reason: options.reason ?? 'Cancelled by the user; the worktree is kept.' }]);
  if (options.repoRoot) await blueprintBackToDraft(options.repoRoot, operation.slug, id, 'build cancelled');
  return 'recorded';
}

export interface DiscardResult {
  operation: Operation;
  /** Whether its branch `orchard/<slug>-<n>` was deleted with the worktree. */
  branchDeleted: boolean;
  warnings: string[];
}

/**
 * Discards an operation's result: stops it if it runs, records it
 * cancelled, removes its worktree (only the folder Orchard made, by its
 * marker), deletes its branch (compare-and-swap on the ref, never `branch
 * -D`), its temporary folder, and sets its blueprint back to draft. The
 * user's checkout, branches and stash are not touched.
 */
export async function discardOperation(stateDir: string, repoRoot: string, id: string): Promise<DiscardResult> {
  let operation = await loadOperation(stateDir, id);
  if (operation.status === 'running' || operation.status === 'pending' || operation.status === 'waiting' || operation.status === 'lost') {
    await cancelOperation(stateDir, id, { repoRoot, reason: 'Discarded by the user: its worktree and branch are removed.' });
    operation = await loadOperation(stateDir, id);
  }
  const warnings: string[] = [];
  let branchDeleted = false;
  if (operation.worktree !== null) {
    const worktrees = await WorktreeManager.open({ repoRoot, managedRoot: path.join(stateDir, 'worktrees') });
    const removed = await worktrees.remove(id, { deleteBranch: true, discardChanges: true });
    branchDeleted = removed.branchDeleted;
    warnings.push(...removed.warnings);
    await appendToIdleLog(stateDir, id, [{ type: 'worktree-removed', branchDeleted }]);
  }
  await fsp.rm(operationTempDir(stateDir, id), { recursive: true, force: true });
  await fsp.rm(answersDir(stateDir, id), { recursive: true, force: true });
  await blueprintBackToDraft(repoRoot, operation.slug, id, 'build discarded').catch((error: unknown) => warnings.push(`the blueprint stays as it is: ${error instanceof Error ? error.message : String(error)}`));
  return { operation: await loadOperation(stateDir, id), branchDeleted, warnings };
}

const ANSWERS: readonly CommandAnswer[] = ['once', 'operation', 'deny'];

/** Answers the question the operation's agent waits on; an answer to no open question is an error naming it. */
export async function answerQuestion(stateDir: string, id: string, questionId: string, answer: CommandAnswer): Promise<void> {
  if (!ANSWERS.includes(answer)) throw new Error(`"${String(answer)}" is not an answer (once, operation or deny)`);
  const operation = await loadOperation(stateDir, id);
  if (operation.question?.id !== questionId) throw new Error(`operation ${id} does not wait for an answer to ${questionId}`);
  const dir = answersDir(stateDir, id);
  await fsp.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, `${questionId}.json`), `${JSON.stringify({ answer })}\n`);
}

/** The runner's side: waits for the answer file of `questionId` (polled: it may be written by another machine's mount or a CLI). */
export async function waitForAnswer(stateDir: string, id: string, questionId: string, signal: AbortSignal, pollMs = 250): Promise<CommandAnswer> {
  const file = path.join(answersDir(stateDir, id), `${questionId}.json`);
  while (!signal.aborted) {
    const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      await fsp.rm(file, { force: true });
      let answer: unknown;
      try {
        answer = (JSON.parse(text) as { answer?: unknown }).answer;
      } catch {
        answer = undefined;
      }
      // Anything but a well-formed answer is a refusal: the command does not run.
      return ANSWERS.includes(answer as CommandAnswer) ? (answer as CommandAnswer) : 'deny';
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return 'deny';
}
