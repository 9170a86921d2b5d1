/**
 * The replay of an operation for a view that opens late (the Agent Grid after
 * a reload, a card shown later): its view folded from the tail of its log.
 */
import { parseOperationEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { applyViewEvents, emptyView, MAX_TERMINAL_CHARS, MAX_TIMELINE, type OperationView } from '../../core/operations/operationView';
import { operationLogPath, readEvents } from '../../store/operations/operationLog';
import { operationsDir } from './operationControl';

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

