/**
 * The `dist/operations.js` entry: what the extension host needs to show,
 * follow, stop and discard operations, loaded the first time the Operations
 * view or Build is used. The agent itself never runs in the extension host:
 * it runs in the runner process (`dist/cli.js build`), which outlives a
 * window reload.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { previewCommand, type PreviewCommand } from '../../core/preview/previewCommand';
import { readFileInside } from '../../platform/confinedPath';
import { parseOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { applyViewEvents, emptyView, MAX_TERMINAL_CHARS, MAX_TIMELINE, type OperationView } from '../../core/operations/operationView';
import { followEvents, operationLogPath, readEvents } from '../../store/operations/operationLog';
import { WorktreeManager } from '../../store/worktrees/worktreeManager';
import { operationsDir } from './operationControl';

export { answerQuestion, cancelOperation, defaultStateDir, discardOperation, listOperations, loadOperation, operationsDir, runnerOf } from './operationControl';
export { parseOperationEvent };
export { startPreviewServer, type PreviewServer } from '../preview/previewServer';

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

/** Events a replay folds first; more only when they hold too little to fill the view. */
const REPLAY_WINDOW = 4096;

/**
 * An operation's view (timeline, terminal tail, activity) for a replay, folded from the end of its
 * log: the last REPLAY_WINDOW events (the reader seeks to them), then four times as many while they
 * fill neither the timeline nor the terminal, back to the start at worst. So the first paint of a
 * million-event build costs what a short one does; what lies before is in the full log.
 */
export async function foldOperationView(stateDir: string, id: string, lastSeq: number, signal?: AbortSignal): Promise<OperationView> {
  const file = operationLogPath(operationsDir(stateDir), id);
  for (let window = REPLAY_WINDOW; ; window *= 4) {
    const fromSeq = Math.max(1, lastSeq - window + 1);
    let view = emptyView(fromSeq);
    let batch: OperationEvent[] = [];
    for await (const event of readEvents(file, parseOperationEvent, { fromSeq, ...(signal ? { signal } : {}) })) {
      batch.push(event);
      if (batch.length >= 1000) {
        view = applyViewEvents(view, batch, { acrossGaps: true }).view;
        batch = [];
      }
    }
    view = applyViewEvents(view, batch, { acrossGaps: true }).view;
    const full = view.entries.length >= MAX_TIMELINE || view.terminal.length >= MAX_TERMINAL_CHARS / 2;
    if (fromSeq === 1 || full || signal?.aborted) return view;
  }
}

/** What serves the app of a build's worktree: the setting, else its package.json's dev or start script. */
export async function worktreePreviewCommand(worktree: string, setting: string): Promise<PreviewCommand | { problem: string }> {
  const rootNames = new Set(await fsp.readdir(worktree));
  const packageJson = rootNames.has('package.json') ? await readFileInside(worktree, 'package.json').catch(() => undefined) : undefined;
  return previewCommand({ setting: setting === '' ? undefined : setting, rootNames, packageJson });
}
