/**
 * The disk side of StudioDb: every step that reads or writes the files runs in `run()`,
 * one at a time per instance and under the cross-process lock, and begins by catching
 * up with what other windows wrote. See studioDb.ts for the design.
 *
 * Synchronous work on big inputs (journal replay, rebuild) is cut into slices of about
 * SLICE_MS with a yield to the event loop in between; the DB is never half-applied at a
 * yield because each slice is its own transaction and records are idempotent.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { RebuildSource, StudioDbStats } from './studioDbTypes';
import { sha256, snapshotProblem, type StudioDbFiles } from './studioDbFiles';
import { JOURNAL_VERSION, parseRecord, RecordApplier, splitJournal, type JournalLines, type JournalRecord } from './studioDbJournal';
import { FutureVersionError, migrate } from './studioDbMigrations';

const SLICE_MS = 8;
const PAGE_SIZE = 16384;

/** What StudioDbSync needs from StudioDb: its in-memory state. */
export interface SyncHost {
  readonly sql: SqlJsStatic;
  db: Database;
  applier: RecordApplier | undefined;
  /** Applied in memory, not yet in the journal. */
  pending: JournalRecord[];
  readOnly: FutureVersionError | undefined;
  readonly stats: StudioDbStats;
  log(line: string): void;
  timed<T>(what: string, fn: () => T): T;
  commitTick(): void;
  collectLost(): string[];
}

export class CorruptSnapshotError extends Error {}

/**
 * Gives the event loop a full turn. One setImmediate is not enough: called from an I/O
 * callback it runs in the same loop iteration, before any timer, so two slices would
 * run back to back; the second one always runs after the timers and I/O of the next
 * iteration.
 */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Opens snapshot bytes as a Database, or throws CorruptSnapshotError. sql.js accepts any
 * bytes and fails at the first query, so the bytes are checked first: header and size
 * (truncation, foreign files), then either their SHA-256 against the one the journal
 * header recorded when this snapshot was written (hashed off the event loop), or, when
 * that is missing or differs (a crash between writing the snapshot and the journal, or
 * damage), `PRAGMA quick_check`, which blocks: ~20-30 ms at 100,000 events in a warm
 * process, ~60 ms on the first open of a process.
 */
export async function openSnapshot(host: Pick<SyncHost, 'sql' | 'timed'>, bytes: Uint8Array, expectedSha256: string | undefined): Promise<Database> {
  const problem = snapshotProblem(bytes);
  if (problem) throw new CorruptSnapshotError(problem);
  // A hashing failure only costs the quick_check; it must not make a good file "corrupt".
  const matches = expectedSha256 === undefined ? Promise.resolve(false) : sha256(bytes).then((h) => h === expectedSha256, () => false);
  let db: Database | undefined;
  try {
    db = host.timed('load snapshot', () => new host.sql.Database(bytes));
    if (await matches) return db;
    await yieldToLoop();
    const loaded = db;
    const check = host.timed('check snapshot', () => loaded.exec('PRAGMA quick_check')[0]?.values[0]?.[0]);
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
    return db;
  } catch (error) {
    db?.close();
    throw new CorruptSnapshotError(error instanceof Error ? error.message : String(error));
  }
}

function setPragmas(db: Database): void {
  // Durability is the journal's job; the in-memory DB needs no rollback file or syncs
  // (this makes each commit ~3x cheaper in sql.js).
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
}

export class StudioDbSync {
  private chain: Promise<unknown> = Promise.resolve();
  /** Generation of the journal this instance has read. */
  private gen: string | undefined;
  /** End of the last complete journal line read or written: where the next append goes. */
  private journalBytes = 0;

  constructor(
    private readonly host: SyncHost,
    private readonly files: StudioDbFiles,
    private readonly compactAfterBytes: number,
  ) {}

  /**
   * The one way to touch the files: serialized within this instance and, through the
   * lock, with other windows. Every kind of step blocks the others (they all read
   * or write the journal position); none shows progress (each is short).
   */
  run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(async () => {
      const release = await this.files.acquire();
      try {
        return await fn();
      } catch (error) {
        throw new Error(`studio DB ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      } finally {
        release();
      }
    });
    this.chain = result.catch(() => undefined);
    return result;
  }

  async openLocked(rebuild: RebuildSource | undefined): Promise<void> {
    const host = this.host;
    await this.files.removeLeftoverTemps();
    let rebuildReason: string | undefined;
    const bytes = await this.files.readSnapshot();
    const journal = await this.readJournal();
    if (!bytes) rebuildReason = 'no database file yet';
    else {
      try {
        host.db = await openSnapshot(host, bytes, journal?.snapshot);
      } catch (error) {
        if (!(error instanceof CorruptSnapshotError)) throw error;
        const aside = await this.files.moveAside('snapshot');
        rebuildReason = `the database file could not be read (${error.message}); kept as ${aside}`;
      }
    }
    if (rebuildReason) {
      host.log(`studio DB: ${rebuildReason}; rebuilding`);
      host.db = new host.sql.Database();
      // Must precede the first table. With 16 KiB pages (not 4 KiB) sql.js exports and
      // loads a 100,000-event DB in ~8 and ~3 ms instead of ~12-48 and ~13 ms.
      host.db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
    }
    setPragmas(host.db);
    let migrated: { from: number; to: number };
    try {
      migrated = migrate(host.db, host.log);
    } catch (error) {
      if (!(error instanceof FutureVersionError)) throw error;
      // Written by a newer Orchard: read it as it is, and never write (no journal
      // replay either: its records may need the newer schema).
      host.readOnly = error;
      host.log(`studio DB: ${error.message}`);
      return;
    }
    if (journal && journal.version > JOURNAL_VERSION) {
      host.readOnly = new FutureVersionError(journal.version, 'journal format');
      host.log(`studio DB: ${host.readOnly.message}`);
      return;
    }
    if (journal?.tornBytes) host.log(`studio DB: dropped an unfinished journal append (${journal.tornBytes} bytes, never reported saved)`);
    host.applier = new RecordApplier(host.db);
    if (rebuildReason && rebuild) await this.importRebuild(rebuild);
    const badLines = journal ? await this.applyLines(host.db, host.applier, journal, 'replay journal') : [];
    if (badLines.length > 0) {
      const aside = await this.files.moveAside('journal', true);
      host.log(`studio DB: skipped unreadable journal lines ${badLines.slice(0, 5).join(', ')}; a copy is kept as ${aside}`);
    }
    this.gen = journal?.gen;
    this.journalBytes = journal?.cleanBytes ?? 0;
    const needSnapshot =
      rebuildReason !== undefined || migrated.from !== migrated.to || !journal || journal.gen === undefined || badLines.length > 0 || this.journalBytes > this.compactAfterBytes;
    if (needSnapshot) await this.compactLocked();
  }

  /** Appends what is pending; writes a snapshot when the journal has grown past the threshold. */
  async persistLocked(): Promise<void> {
    await this.catchUp();
    const host = this.host;
    if (host.pending.length > 0) {
      const batch = host.pending;
      host.pending = [];
      try {
        const text = await this.encode(batch);
        this.journalBytes = await this.files.append(text, this.journalBytes);
      } catch (error) {
        // Not saved: the batch goes back in front of what was written since. A partial
        // append is cut off by the next one (it starts at journalBytes).
        host.pending = batch.concat(host.pending);
        throw error;
      }
      host.stats.persists++;
      host.stats.recordsWritten += batch.length;
    }
    if (this.journalBytes > this.compactAfterBytes) await this.compactLocked();
  }

  /** Applies what other windows appended since this instance last read the journal. */
  async catchUp(): Promise<void> {
    const tail = await this.files.readTail(this.journalBytes, this.gen);
    if (tail.gen === undefined) {
      this.host.log('studio DB: the journal is missing or its header unreadable; writing a new snapshot from memory');
      await this.compactLocked();
      return;
    }
    // Another window wrote a snapshot (new generation): what this instance had not read
    // yet of the old journal is in that snapshot.
    if (tail.gen !== this.gen || tail.size < this.journalBytes) return this.reload();
    if (tail.bytes.length === 0) return;
    const lines = this.host.timed('split journal', () => splitJournal(tail.bytes, false));
    const bad = await this.applyLines(this.host.db, this.host.applier!, lines, 'apply other windows\u2019 records');
    if (bad.length) this.host.log(`studio DB: skipped ${bad.length} unreadable journal lines`);
    this.journalBytes += lines.cleanBytes;
    if (lines.lines.length > 0) await this.reapplyPending();
  }

  private async reload(): Promise<void> {
    const host = this.host;
    const bytes = await this.files.readSnapshot();
    const journal = await this.readJournal();
    let db: Database | undefined;
    try {
      db = bytes && (await openSnapshot(host, bytes, journal?.snapshot));
    } catch (error) {
      host.log(`studio DB: the snapshot another window wrote cannot be read (${String(error)})`);
    }
    if (!db || !journal || journal.gen === undefined) {
      // Keep what this window holds (everything it has read so far), add what is
      // readable of the journal, and make that the new snapshot.
      db?.close();
      if (journal) await this.applyLines(host.db, host.applier!, journal, 'replay journal');
      await this.compactLocked();
      return;
    }
    try {
      migrate(db, host.log);
    } catch (error) {
      db.close();
      if (error instanceof FutureVersionError) {
        host.readOnly = error;
        host.pending = [];
        host.log(`studio DB: ${error.message}`);
      }
      throw error;
    }
    setPragmas(db);
    const applier = new RecordApplier(db);
    await this.applyLines(db, applier, journal, 'reload journal');
    host.commitTick();
    host.applier?.free();
    host.db.close();
    host.db = db;
    host.applier = applier;
    this.gen = journal.gen;
    this.journalBytes = journal.cleanBytes;
    await this.reapplyPending();
  }

  /** Writes the whole DB as the new snapshot and starts an empty journal. */
  async compactLocked(): Promise<void> {
    const host = this.host;
    // Let timers and I/O callbacks run first: the export is the one step whose length
    // grows with the DB (~8-30 ms at 100,000 events), so it gets a turn of its own.
    await yieldToLoop();
    host.commitTick();
    const bytes = host.timed('export snapshot', () => host.db.export());
    const { gen, journalBytes } = await this.files.writeSnapshot(bytes);
    this.gen = gen;
    this.journalBytes = journalBytes;
    host.stats.compactions++;
    host.collectLost();
  }

  private async readJournal(): Promise<JournalLines | undefined> {
    const bytes = await this.files.readJournal();
    // One block of toString + split: ~5 ms per MB, and the journal stays under compactAfterBytes.
    return bytes && this.host.timed('split journal', () => splitJournal(bytes, true));
  }

  /**
   * Pending records were applied before the records just read from other windows; apply
   * them again so memory matches the journal order (where they will come after). Reads
   * `host.pending` live: writes made during a yield are re-applied too, in order.
   */
  private async reapplyPending(): Promise<void> {
    const host = this.host;
    await this.sliced(host.db, 'reapply pending', () => host.pending.length, (i) => host.applier!.apply(host.pending[i]!));
  }

  /** JSON lines for a batch, encoded in slices (a big batch takes tens of ms at once). */
  private async encode(batch: readonly JournalRecord[]): Promise<string> {
    const parts: string[] = [];
    await this.sliced(undefined, 'encode batch', () => batch.length, (i) => parts.push(`${JSON.stringify(batch[i])}\n`));
    return parts.join('');
  }

  private async importRebuild(source: RebuildSource): Promise<void> {
    const host = this.host;
    let count = 0;
    try {
      for await (const bp of source()) {
        const records: JournalRecord[] = [
          {
            t: 'bp',
            slug: bp.slug,
            featureName: bp.featureName,
            status: bp.status,
            readyToBuild: bp.readyToBuild,
            headCommit: bp.headCommit,
            revisionCount: bp.revisionCount,
            updatedAt: bp.updatedAt ?? new Date().toISOString(),
          },
        ];
        const ords = new Map<number, number>();
        for (const m of bp.messages) {
          const ord = ords.get(m.rev) ?? 0;
          ords.set(m.rev, ord + 1);
          records.push({ t: 'msg', slug: bp.slug, rev: m.rev, ord, role: m.role, content: m.content, time: m.time });
        }
        await this.sliced(host.db, 'rebuild', () => records.length, (i) => host.applier!.apply(records[i]!));
        count++;
      }
    } catch (error) {
      // An incomplete index is better than no DB: the next rebuild (or the refs'
      // own reads) fills the rest.
      host.log(`studio DB: rebuilding the blueprint index stopped after ${count} blueprints: ${String(error)}`);
      return;
    }
    host.log(`studio DB: rebuilt the blueprint index (${count} blueprints)`);
  }

  /** Parses and applies journal lines; returns the line numbers that were not records. */
  private async applyLines(db: Database, applier: RecordApplier, journal: JournalLines, what: string): Promise<number[]> {
    const bad: number[] = [];
    let failed = 0;
    await this.sliced(db, what, () => journal.lines.length, (i) => {
      const line = journal.lines[i]!;
      if (line === '') return;
      const rec = parseRecord(line);
      if (!rec) bad.push(journal.firstLine + i);
      else {
        try {
          applier.apply(rec);
        } catch {
          failed++;
        }
      }
    });
    if (failed > 0) this.host.log(`studio DB: ${what}: skipped ${failed} records that did not fit the schema`);
    return bad;
  }

  /**
   * Runs step(0..count()-1) in slices of about SLICE_MS, yielding to the event loop in
   * between; with a `db`, each slice is one transaction (committed before the yield, so
   * writes made during the yield can open their own). `count` is re-read after each
   * step, so a list that grows meanwhile is followed to its end.
   */
  private async sliced(db: Database | undefined, what: string, count: () => number, step: (i: number) => void): Promise<void> {
    const host = this.host;
    let i = 0;
    while (i < count()) {
      if (db && db === host.db) host.commitTick();
      host.timed(what, () => {
        const start = performance.now();
        db?.exec('BEGIN');
        try {
          while (i < count()) {
            step(i++);
            if ((i & 15) === 0 && performance.now() - start > SLICE_MS) break;
          }
        } finally {
          db?.exec('COMMIT');
        }
      });
      if (i < count()) await yieldToLoop();
    }
  }
}
