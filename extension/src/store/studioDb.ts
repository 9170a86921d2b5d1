/**
 * The studio database: operations, operation events and the blueprint/chat index, in
 * sql.js, in the workspace storage folder. No `vscode` import.
 *
 * Design (why not "export the whole DB on every batch"): sql.js keeps the database in
 * memory and `export()` copies all of it synchronously. Measured on the 2-core dev VM
 * with 100,000 events (23.5 MB with 16 KiB pages): export 8-30 ms (one run under load
 * from other processes: 57 ms), and it grows linearly with the DB, so an export per
 * batch would block the extension host longer and longer and write 23 MB four times a
 * second. Instead:
 *   - Every write is applied to the in-memory DB at once (reads see it) and queued; the
 *     writes of one event-loop turn share one transaction.
 *   - A batch (debounced `persistDelayMs`, or `flush()`) is appended to `<file>.journal`
 *     as JSON lines with one write + fdatasync, off the event loop; encoding is sliced.
 *     `flush()` resolves only after that fdatasync: that is "reported saved".
 *   - When the journal passes `compactAfterBytes` (4 MiB, ~20,000 events) the DB is
 *     exported once into a new snapshot `<file>` (temp file + fsync + rename + folder
 *     fsync) and the journal replaced by an empty one with a new generation. That export
 *     is the one synchronous step that grows with the DB: once per 4 MiB, not per batch.
 *   - Opening = load the snapshot (sub-ms; its SHA-256, recorded in the journal header,
 *     is checked off the event loop), replay the journal in ~8 ms slices.
 * test/bench/studioDb.mjs measures all of it; at 100,000 events the longest synchronous
 * section of the DB's own work was 17-31 ms. Extrapolating linearly, the export alone
 * passes 50 ms somewhere past 200,000 events (~50 MB): beyond that, old operations'
 * events need pruning or segment files of their own (not built yet).
 *
 * Two windows (two extension hosts) on one workspace share the files. Every disk
 * step (open, append, snapshot) runs in `run()` under `<file>.lock` (fileLock.ts), and
 * starts by reading what other windows appended since last time (or, if another window
 * wrote a snapshot, reloading it). A window only ever appends to the journal or replaces
 * the snapshot with one that contains the whole journal, so no window overwrites
 * another's records (Roo Code lost history to last-writer-wins of one shared file,
 * PR #11490). Chosen over per-process journals because those need a merge of N files
 * and a rule for deleting a live window's journal; one lock taken a few times a second
 * is cheap.
 *
 * Recovery: a missing or unreadable snapshot is moved aside (`<file>.corrupt-<time>`),
 * the blueprint index is rebuilt from the caller's `rebuild` source (the git refs) and
 * the journal replayed on top. Operations whose window died are marked `lost`.
 * Records are idempotent (see studioDbJournal.ts), so replaying any prefix twice is safe.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { TranscriptMessage } from '../core/chat/transcript';
import { pidAlive } from './fileLock';
import { loadSqlJs } from './sqlJsLoader';
import { StudioDbFiles } from './studioDbFiles';
import { isStatus, RecordApplier, type JournalRecord, type OperationStatus } from './studioDbJournal';
import type { FutureVersionError } from './studioDbMigrations';
import { StudioDbSync, type SyncHost } from './studioDbSync';
import {
  StudioDbError,
  toBlueprint,
  toOperation,
  type BlueprintRow,
  type EventRow,
  type OperationRow,
  type StoredMessage,
  type StudioDbOptions,
  type StudioDbStats,
} from './studioDbTypes';

export { FutureVersionError } from './studioDbMigrations';
export * from './studioDbTypes';

/** Instances open in this process, by owner id: how `lost` detection knows its own. */
const openOwners = new Set<string>();

export class StudioDb implements SyncHost {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly stats: StudioDbStats = { persists: 0, compactions: 0, recordsWritten: 0, longestSyncMs: 0, longestSyncWhat: '', longestSyncByWhat: {} };
  /** Set when the DB was written by a newer Orchard: reads work, writes throw. */
  readOnly: FutureVersionError | undefined;
  /** @internal the in-memory database (StudioDbSync swaps it when another window writes a snapshot). */
  db!: Database;
  /** @internal */
  applier: RecordApplier | undefined;
  /** @internal applied in memory, not yet in the journal. */
  pending: JournalRecord[] = [];
  readonly log: (line: string) => void;
  private readonly sync: StudioDbSync;
  private readonly nextSeq = new Map<string, number>();
  private tickTxn = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queuedPersist: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly sql: SqlJsStatic,
    readonly options: StudioDbOptions,
  ) {
    this.log = options.log ?? (() => undefined);
    const files = new StudioDbFiles(options.file, { staleMs: options.staleLockMs ?? 30_000, timeoutMs: 60_000 }, this.log);
    this.sync = new StudioDbSync(this, files, options.compactAfterBytes ?? 4 * 1024 * 1024);
  }

  static async open(options: StudioDbOptions): Promise<StudioDb> {
    const self = new StudioDb(await loadSqlJs(options.wasmPath), options);
    await self.sync.run('open', () => self.sync.openLocked(options.rebuild));
    openOwners.add(self.owner);
    if (!self.readOnly) await self.markLostOperations();
    return self;
  }

  // ---- writes: applied now, persisted in the next batch ----

  upsertBlueprint(bp: Omit<BlueprintRow, 'updatedAt'> & { updatedAt?: string }): void {
    this.write({ t: 'bp', ...pickBlueprint(bp), updatedAt: bp.updatedAt ?? now() });
  }

  /** Appends messages to revision `rev` of a blueprint (after those it already has). */
  addMessages(slug: string, rev: number, messages: readonly TranscriptMessage[]): void {
    let ord = Number(this.value('SELECT COALESCE(MAX(ord) + 1, 0) FROM blueprint_messages WHERE slug = ? AND rev = ?', [slug, rev]));
    for (const m of messages) this.write({ t: 'msg', slug, rev, ord: ord++, role: m.role, content: m.content, time: m.time });
  }

  /** Starts an operation owned by this window; returns its id. */
  createOperation(op: { kind: string; slug?: string | null; id?: string; status?: 'running' | 'waiting' }): string {
    const id = op.id ?? randomUUID();
    if (op.id !== undefined && this.getOperation(id)) throw new StudioDbError(`Operation ${id} already exists`, 'invalid');
    const t = now();
    this.write({ t: 'op', id, kind: op.kind, slug: op.slug ?? null, status: op.status ?? 'running', owner: this.owner, createdAt: t, updatedAt: t });
    this.nextSeq.set(id, this.nextSeq.get(id) ?? 1);
    return id;
  }

  /** Appends an event to an operation this window owns; returns its sequence number. */
  appendEvent(operationId: string, event: { phase: string; type: string; data?: unknown; time?: string }): number {
    let seq = this.nextSeq.get(operationId);
    if (seq === undefined) {
      // Each operation has one writer, its window, so sequence numbers never collide.
      const op = this.getOperation(operationId);
      if (!op) throw new StudioDbError(`No operation ${operationId}`, 'unknown-operation');
      if (op.owner !== this.owner) throw new StudioDbError(`Operation ${operationId} belongs to another window (${op.owner})`, 'not-owner');
      seq = Number(this.value('SELECT COALESCE(MAX(seq), 0) + 1 FROM operation_events WHERE operation_id = ?', [operationId]));
    }
    this.write({ t: 'ev', op: operationId, seq, time: event.time ?? now(), phase: event.phase, type: event.type, data: event.data ?? null });
    this.nextSeq.set(operationId, seq + 1);
    return seq;
  }

  setOperationStatus(id: string, status: OperationStatus): void {
    if (!isStatus(status)) throw new StudioDbError(`Not an operation status: ${String(status)}`, 'invalid');
    if (!this.getOperation(id)) throw new StudioDbError(`No operation ${id}`, 'unknown-operation');
    this.write({ t: 'st', id, status, updatedAt: now() });
  }

  /** Resolves when every write made before the call is on disk (fdatasync'd). */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new StudioDbError('The studio DB is closed', 'closed'));
    if (this.readOnly) return Promise.resolve();
    clearTimeout(this.timer);
    this.timer = undefined;
    // A persist that is queued but not started takes everything pending when it starts.
    this.queuedPersist ??= this.sync.run('persist', async () => {
      this.queuedPersist = undefined;
      await this.sync.persistLocked();
    });
    return this.queuedPersist;
  }

  /** Reads what other windows wrote since the last batch (done anyway before each batch). */
  refresh(): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.sync.run('refresh', () => this.sync.catchUp());
  }

  /**
   * Marks `lost` the running/waiting operations whose window is gone (same host, pid
   * no longer exists, not one of this process's open instances) and that had no
   * event for `lostAfterMs`. Done at open and after every snapshot; returns their ids.
   */
  async markLostOperations(): Promise<string[]> {
    const lost = this.collectLost();
    if (lost.length > 0) await this.flush();
    return lost;
  }

  /** @internal Queues the `lost` status writes (persisted with the next batch). */
  collectLost(): string[] {
    const lostAfterMs = this.options.lostAfterMs ?? 10_000;
    const rows = this.rows(
      `SELECT o.id, o.kind, o.status, o.owner, o.updated_at,
         (SELECT e.time FROM operation_events e WHERE e.operation_id = o.id ORDER BY e.seq DESC LIMIT 1) AS last_event
       FROM operations o WHERE o.status IN ('running', 'waiting')`,
    );
    const lost: string[] = [];
    for (const r of rows) {
      if (ownerAlive(String(r.owner ?? ''))) continue;
      const last = Math.max(Date.parse(String(r.updated_at)), Date.parse(String(r.last_event ?? '')) || 0);
      if (Date.now() - last < lostAfterMs) continue;
      this.write({ t: 'st', id: String(r.id), status: 'lost', updatedAt: now() });
      this.log(`studio DB: operation ${String(r.id)} (${String(r.kind)}) was ${String(r.status)} when its window (${String(r.owner)}) went away; marked lost`);
      lost.push(String(r.id));
    }
    return lost;
  }

  /** Writes what is pending and releases the DB. The instance cannot be used after. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      // A snapshot taken by the last batch may queue `lost` marks: write those too.
      for (let i = 0; i < 3 && !this.readOnly && (i === 0 || this.pending.length > 0); i++) await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.timer);
      openOwners.delete(this.owner);
      this.commitTick();
      this.applier?.free();
      this.db.close();
    }
  }

  // ---- reads: the in-memory DB, including writes not yet persisted ----

  getBlueprint(slug: string): BlueprintRow | undefined {
    return this.rows('SELECT * FROM blueprints WHERE slug = ?', [slug]).map(toBlueprint)[0];
  }

  listBlueprints(): BlueprintRow[] {
    return this.rows('SELECT * FROM blueprints ORDER BY updated_at DESC, slug').map(toBlueprint);
  }

  getMessages(slug: string, rev?: number): StoredMessage[] {
    const sql = `SELECT rev, ord, role, content, time FROM blueprint_messages WHERE slug = ?${rev === undefined ? '' : ' AND rev = ?'} ORDER BY rev, ord`;
    return this.rows(sql, rev === undefined ? [slug] : [slug, rev]).map((r) => ({
      rev: Number(r.rev),
      ord: Number(r.ord),
      role: r.role as TranscriptMessage['role'],
      content: String(r.content),
      time: String(r.time),
    }));
  }

  getOperation(id: string): OperationRow | undefined {
    return this.rows('SELECT * FROM operations WHERE id = ?', [id]).map(toOperation)[0];
  }

  listOperations(filter: { status?: readonly OperationStatus[]; slug?: string; limit?: number } = {}): OperationRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.slug !== undefined) {
      where.push('slug = ?');
      params.push(filter.slug);
    }
    params.push(filter.limit ?? 1000);
    const sql = `SELECT * FROM operations${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
    return this.rows(sql, params).map(toOperation);
  }

  getEvents(operationId: string, range: { afterSeq?: number; limit?: number } = {}): EventRow[] {
    return this.rows('SELECT * FROM operation_events WHERE operation_id = ? AND seq > ? ORDER BY seq LIMIT ?', [
      operationId,
      range.afterSeq ?? 0,
      range.limit ?? 1000,
    ]).map((r) => ({
      operationId: String(r.operation_id),
      seq: Number(r.seq),
      time: String(r.time),
      phase: String(r.phase),
      type: String(r.type),
      data: JSON.parse(String(r.data)) as unknown,
    }));
  }

  countEvents(operationId?: string): number {
    return operationId === undefined
      ? Number(this.value('SELECT COUNT(*) FROM operation_events'))
      : Number(this.value('SELECT COUNT(*) FROM operation_events WHERE operation_id = ?', [operationId]));
  }

  // ---- internals shared with StudioDbSync ----

  /** @internal Closes the per-tick transaction; required before export() and before any other BEGIN. */
  commitTick(): void {
    if (!this.tickTxn) return;
    this.tickTxn = false;
    // Usually well under a millisecond; longer when the DB file in sql.js's in-memory
    // file system outgrows its buffer, which is then copied (grown by 1/8 each time).
    this.timed('commit writes', () => this.db.exec('COMMIT'));
  }

  /** @internal Times a synchronous section: the extension host is blocked for its whole length. */
  timed<T>(what: string, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - start;
      const by = this.stats.longestSyncByWhat;
      if (ms > (by[what] ?? 0)) by[what] = ms;
      if (ms > this.stats.longestSyncMs) {
        this.stats.longestSyncMs = ms;
        this.stats.longestSyncWhat = what;
      }
    }
  }

  private write(rec: JournalRecord): void {
    if (this.closed) throw new StudioDbError('The studio DB is closed', 'closed');
    if (this.readOnly) throw new StudioDbError(this.readOnly.message, 'read-only');
    // All writes of one tick share a transaction: an autocommit per row costs ~3x more
    // in sql.js. Committed in a microtask, i.e. before any other task runs.
    if (!this.tickTxn) {
      this.db.exec('BEGIN');
      this.tickTxn = true;
      queueMicrotask(() => this.commitTick());
    }
    this.applier!.apply(rec);
    this.pending.push(rec);
    this.schedulePersist(this.options.persistDelayMs ?? 250);
  }

  /** Arms the debounced batch; after a failed one (disk full...), retries until one succeeds. */
  private schedulePersist(delayMs: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => {
        this.log(`studio DB: writing a batch failed, retrying in 5 s: ${error instanceof Error ? error.message : String(error)}`);
        if (!this.closed && this.pending.length > 0) this.schedulePersist(5000);
      });
    }, delayMs);
  }

  private rows(sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
    const stmt = this.db.prepare(sql, params);
    try {
      const out: Record<string, SqlValue>[] = [];
      while (stmt.step()) out.push(stmt.getAsObject());
      return out;
    } finally {
      stmt.free();
    }
  }

  private value(sql: string, params: SqlValue[] = []): SqlValue | undefined {
    const row = this.rows(sql, params)[0];
    return row && Object.values(row)[0];
  }
}

function now(): string {
  return new Date().toISOString();
}

function pickBlueprint(bp: Omit<BlueprintRow, 'updatedAt'>): Omit<BlueprintRow, 'updatedAt'> {
  const { slug, featureName, status, readyToBuild, headCommit, revisionCount } = bp;
  return { slug, featureName, status, readyToBuild, headCommit, revisionCount };
}

/**
 * Whether the window that owns an operation may still be running it. An owner on
 * another host cannot be checked and is assumed alive (workspace storage is per machine,
 * so that only happens with a copied folder).
 */
function ownerAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (!host || host !== os.hostname()) return owner === '' ? false : true;
  if (Number(pid) === process.pid) return openOwners.has(owner);
  return pidAlive(Number(pid));
}
