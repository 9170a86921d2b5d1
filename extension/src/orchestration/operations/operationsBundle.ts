/**
 * The `dist/operations.js` entry: what the extension host needs to show,
 * follow, stop and discard operations, loaded the first time the Operations
 * view or Build is used. The agent itself never runs in the extension host:
 * it runs in the runner process (`dist/cli.js build`), which outlives a
 * window reload.
 */
import * as path from 'node:path';
import { parseOperationEvent } from '../../core/operations/operationEvents';
import { followEvents, operationLogPath, readEvents } from '../../store/operations/operationLog';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';
import { operationsDir } from './operationControl';

export { answerQuestion, cancelOperation, defaultStateDir, discardOperation, listOperations, loadOperation, operationsDir, runnerOf } from './operationControl';
export { parseOperationEvent };
export { startPreviewServer, worktreePreviewCommand, type PreviewServer } from '../preview/previewServer';
export { foldOperationView } from './operationReplay';

/** What a build would start from: the commit, its branch and what it leaves out (nothing is created). */
export async function buildBase(repoRoot: string, stateDir: string) {
  const worktrees = await WorktreeManager.open({ repoRoot, managedRoot: path.join(stateDir, 'worktrees') });
  return worktrees.preflight();
}

/** An operation's events from `fromSeq`, until it is aborted. */
export function followOperation(stateDir: string, id: string, fromSeq: number, signal: AbortSignal) {
  return followEvents(operationLogPath(operationsDir(stateDir), id), parseOperationEvent, { fromSeq, signal });
}

/** An operation's events from the start, once. */
export function readOperation(stateDir: string, id: string) {
  return readEvents(operationLogPath(operationsDir(stateDir), id), parseOperationEvent);
}
