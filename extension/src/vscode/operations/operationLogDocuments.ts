/**
 * An operation's log as a read-only document (`orchard-operation:/<id>/<slug>.log`):
 * the record's facts, then its events as text (core/operations/operationText.ts),
 * growing while the operation runs. A document keeps the last MAX_CHARS of
 * text: a build that printed a million lines is read once, in the background,
 * and costs the window a couple of megabytes, not the log's size; the header
 * says what was left out and where the whole log is.
 */
import * as vscode from 'vscode';
import { isValidOperationId, type Operation } from '../../core/operations/operation';
import type { OperationEvent } from '../../core/operations/operationEvents';
import { formatEvent, formatOperation } from '../../core/operations/operationText';

export const LOG_SCHEME = 'orchard-operation';
const MAX_CHARS = 2 * 1024 * 1024;
const UPDATE_MS = 250;

interface OpenLog {
  /** Formatted events; those before `head` were dropped (removed in batches: shift() per event is quadratic). */
  pieces: string[];
  head: number;
  chars: number;
  droppedEvents: number;
  lastSeq: number;
  ready: Promise<void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface LogSource {
  operation(id: string): Operation | undefined;
  events(id: string): AsyncIterable<OperationEvent>;
  logFile(id: string): string;
}

export function logUri(op: Operation): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${op.id}/${op.slug}.log` });
}

export class OperationLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly open = new Map<string, OpenLog>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly source: LogSource) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === LOG_SCHEME) this.forget(idOf(doc.uri));
      }),
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = idOf(uri);
    const op = id ? this.source.operation(id) : undefined;
    if (!id || !op) return `There is no operation ${id ?? uri.path} in this repository's state folder.\n`;
    const log = this.load(id);
    await log.ready;
    const header = formatOperation(this.source.operation(id) ?? op);
    const dropped = log.droppedEvents > 0 ? `… ${log.droppedEvents.toLocaleString('en-US')} earlier events are not shown here; the whole log is ${this.source.logFile(id)}\n` : '';
    return `${header}\n${dropped}${log.pieces.slice(log.head).join('')}`;
  }

  /** An event the follower saw: added to the document if it is open (events already read are skipped). */
  append(id: string, event: OperationEvent): void {
    const log = this.open.get(id);
    if (!log) return;
    void log.ready.then(() => {
      if (event.seq <= log.lastSeq) return;
      this.add(log, event);
      log.timer ??= setTimeout(() => {
        log.timer = undefined;
        const op = this.source.operation(id);
        if (op) this._onDidChange.fire(logUri(op));
      }, UPDATE_MS);
    });
  }

  /** Reads an open document's log again (events written while nobody followed it: a discard, a cancel). */
  reread(op: Operation): void {
    if (!this.open.has(op.id)) return;
    this.forget(op.id);
    this._onDidChange.fire(logUri(op));
  }

  private load(id: string): OpenLog {
    let log = this.open.get(id);
    if (log) return log;
    const created: OpenLog = { pieces: [], head: 0, chars: 0, droppedEvents: 0, lastSeq: 0, ready: Promise.resolve(), timer: undefined };
    created.ready = (async () => {
      for await (const event of this.source.events(id)) this.add(created, event);
    })().catch(() => undefined);
    this.open.set(id, created);
    log = created;
    return log;
  }

  private add(log: OpenLog, event: OperationEvent): void {
    log.lastSeq = event.seq;
    const text = formatEvent(event);
    if (text === '') return;
    log.pieces.push(text);
    log.chars += text.length;
    while (log.chars > MAX_CHARS && log.pieces.length - log.head > 1) {
      log.chars -= log.pieces[log.head++]!.length;
      log.droppedEvents++;
    }
    if (log.head > 4096 && log.head * 2 > log.pieces.length) {
      log.pieces.splice(0, log.head);
      log.head = 0;
    }
  }

  private forget(id: string | undefined): void {
    if (!id) return;
    const log = this.open.get(id);
    if (log?.timer) clearTimeout(log.timer);
    this.open.delete(id);
  }

  dispose(): void {
    for (const id of [...this.open.keys()]) this.forget(id);
    for (const s of this.subscriptions) s.dispose();
    this._onDidChange.dispose();
  }
}

function idOf(uri: vscode.Uri): string | undefined {
  const id = uri.path.split('/')[1];
  return id && isValidOperationId(id) ? id : undefined;
}
