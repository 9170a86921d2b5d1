/**
 * The studio DB journal (`<file>.journal`): one JSON record per line, appended per
 * write batch, and the code that applies records to the sql.js database.
 *
 * The first line is a header `{"orchardJournal":1,"gen":"<random>","snapshot":"<sha256>"}`.
 * A snapshot (compaction) replaces the journal with a fresh header, so a new `gen`
 * tells another window that the records it was reading moved into the snapshot, and
 * `snapshot` is the SHA-256 of the snapshot written just before: at open, a snapshot
 * that matches it needs no `PRAGMA quick_check` (see openSnapshot).
 *
 * Applying a record is idempotent and replay is always in journal order, so a
 * snapshot that already contains some records (a crash between writing the snapshot
 * and replacing the journal, or a rebuild followed by replay) converges to the same
 * state: rows are keyed (blueprint slug; message slug/rev/ord; operation id; event
 * operation/seq) and later records overwrite earlier ones only where the record says so.
 */
import type { Database, Statement } from 'sql.js';
import type { BlueprintRow } from './studioDbTypes';

export const JOURNAL_VERSION = 1;

export type OperationStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
export const OPERATION_STATUSES: readonly OperationStatus[] = ['running', 'waiting', 'succeeded', 'failed', 'cancelled', 'lost'];

export type JournalRecord =
  | ({ t: 'bp' } & BlueprintRow)
  | { t: 'msg'; slug: string; rev: number; ord: number; role: string; content: string; time: string }
  | { t: 'op'; id: string; kind: string; slug: string | null; status: OperationStatus; owner: string; createdAt: string; updatedAt: string }
  | { t: 'ev'; op: string; seq: number; time: string; phase: string; type: string; data: unknown }
  | { t: 'st'; id: string; status: OperationStatus; updatedAt: string };

export function journalHeader(gen: string, snapshot: string): string {
  return `${JSON.stringify({ orchardJournal: JOURNAL_VERSION, gen, snapshot })}\n`;
}

/** Journal bytes cut into lines; records are parsed later, in slices (parseRecord). */
export interface JournalLines {
  /** The generation from the header; undefined when the header is missing or unreadable. */
  gen: string | undefined;
  /** Journal format version from the header (0 when unreadable). */
  version: number;
  /** SHA-256 (hex) of the snapshot written with this journal. */
  snapshot: string | undefined;
  /** Record lines, header excluded; empty lines are kept so numbers stay right. */
  lines: string[];
  /** 1-based line number of `lines[0]` in the file (for messages). */
  firstLine: number;
  /** Bytes up to and including the last newline: where the next append goes. */
  cleanBytes: number;
  /** Bytes after the last newline: an append cut by a crash (never fsynced, never reported saved). */
  tornBytes: number;
}

/** Parses the header line only. */
export function parseHeader(line: string): { gen: string; version: number; snapshot: string | undefined } | undefined {
  try {
    const h = JSON.parse(line) as { orchardJournal?: unknown; gen?: unknown; snapshot?: unknown };
    if (typeof h.orchardJournal === 'number' && typeof h.gen === 'string') {
      return { gen: h.gen, version: h.orchardJournal, snapshot: typeof h.snapshot === 'string' ? h.snapshot : undefined };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/**
 * Cuts journal bytes into lines. `withHeader` is false for a tail read from the middle
 * of the file (always at a line boundary). A last line without a newline is a torn
 * append and is left out (reported in `tornBytes`).
 */
export function splitJournal(bytes: Uint8Array, withHeader: boolean): JournalLines {
  const cleanBytes = bytes.lastIndexOf(10) + 1;
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, cleanBytes).toString('utf8').split('\n');
  lines.pop(); // the empty string after the last newline
  const out: JournalLines = { gen: undefined, version: 0, snapshot: undefined, lines, firstLine: 1, cleanBytes, tornBytes: bytes.length - cleanBytes };
  const header = withHeader && lines.length > 0 ? parseHeader(lines[0]!) : undefined;
  if (header) {
    out.gen = header.gen;
    out.version = header.version;
    out.snapshot = header.snapshot;
    out.lines = lines.slice(1);
    out.firstLine = 2;
  }
  return out;
}

const str = (v: unknown): v is string => typeof v === 'string';
const int = (v: unknown): v is number => Number.isInteger(v);

/** A record, or undefined for a line that is not one (damaged, or a header where none belongs). */
export function parseRecord(line: string): JournalRecord | undefined {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const ok =
    (r.t === 'bp' && str(r.slug) && str(r.featureName) && str(r.status) && typeof r.readyToBuild === 'boolean' && (r.headCommit === null || str(r.headCommit)) && int(r.revisionCount) && str(r.updatedAt)) ||
    (r.t === 'msg' && str(r.slug) && int(r.rev) && int(r.ord) && str(r.role) && str(r.content) && str(r.time)) ||
    (r.t === 'op' && str(r.id) && str(r.kind) && (r.slug === null || str(r.slug)) && isStatus(r.status) && str(r.owner) && str(r.createdAt) && str(r.updatedAt)) ||
    (r.t === 'ev' && str(r.op) && int(r.seq) && str(r.time) && str(r.phase) && str(r.type)) ||
    (r.t === 'st' && str(r.id) && isStatus(r.status) && str(r.updatedAt));
  return ok ? (r as JournalRecord) : undefined;
}

export function isStatus(v: unknown): v is OperationStatus {
  return OPERATION_STATUSES.includes(v as OperationStatus);
}

/**
 * Prepared statements for applying records to one Database. sql.js statements hold
 * wasm memory: `free()` before the Database is closed or replaced.
 */
export class RecordApplier {
  private readonly stmts: Record<JournalRecord['t'], Statement>;

  constructor(db: Database) {
    this.stmts = {
      bp: db.prepare(
        `INSERT INTO blueprints (slug, feature_name, status, ready_to_build, head_commit, revision_count, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET feature_name = excluded.feature_name, status = excluded.status,
           ready_to_build = excluded.ready_to_build, head_commit = excluded.head_commit,
           revision_count = excluded.revision_count, updated_at = excluded.updated_at`,
      ),
      msg: db.prepare(
        `INSERT INTO blueprint_messages (slug, rev, ord, role, content, time) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug, rev, ord) DO UPDATE SET role = excluded.role, content = excluded.content, time = excluded.time`,
      ),
      op: db.prepare(
        `INSERT INTO operations (id, kind, slug, status, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      ev: db.prepare(
        `INSERT INTO operation_events (operation_id, seq, time, phase, type, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (operation_id, seq) DO NOTHING`,
      ),
      st: db.prepare('UPDATE operations SET status = ?, updated_at = ? WHERE id = ?'),
    };
  }

  apply(r: JournalRecord): void {
    switch (r.t) {
      case 'bp':
        this.stmts.bp.run([r.slug, r.featureName, r.status, r.readyToBuild ? 1 : 0, r.headCommit, r.revisionCount, r.updatedAt]);
        break;
      case 'msg':
        this.stmts.msg.run([r.slug, r.rev, r.ord, r.role, r.content, r.time]);
        break;
      case 'op':
        this.stmts.op.run([r.id, r.kind, r.slug, r.status, r.owner, r.createdAt, r.updatedAt]);
        break;
      case 'ev':
        this.stmts.ev.run([r.op, r.seq, r.time, r.phase, r.type, JSON.stringify(r.data ?? null)]);
        break;
      case 'st':
        this.stmts.st.run([r.status, r.updatedAt, r.id]);
        break;
    }
  }

  free(): void {
    for (const s of Object.values(this.stmts)) s.free();
  }
}
