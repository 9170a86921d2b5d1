/**
 * The studio DB schema as numbered migrations. `PRAGMA user_version` holds the number
 * of the last migration applied; each migration runs in its own transaction together
 * with the version bump, so a failure leaves the DB at the previous version, never
 * half-migrated.
 *
 * Rules for adding one: append (never edit or renumber a shipped migration), keep it
 * additive where possible (an older Orchard that meets a newer DB opens it read-only,
 * see `FutureVersionError`), and add a case to test/unit/studioDb/migrations.test.ts.
 *
 * Tables follow the Orchard seed. Columns beyond the seed, and why:
 * - `blueprint_messages.ord`: the order of a message within its revision; (slug, rev, ord)
 *   is the message's identity, so replaying the journal or re-running a rebuild from
 *   the git refs never duplicates a message.
 * - `operation_events` is unique on (operation_id, seq) for the same reason; `id` is
 *   only a local row number and differs between windows.
 * - `operations.owner` (migration 2): `host:pid:instance` of the window running the
 *   operation, so another window can tell "still running elsewhere" from "its window died".
 */
import type { Database } from 'sql.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'seed tables: blueprints, messages, operations, events',
    up(db) {
      db.exec(`
        CREATE TABLE blueprints (
          slug TEXT PRIMARY KEY,
          feature_name TEXT NOT NULL,
          status TEXT NOT NULL,
          ready_to_build INTEGER NOT NULL DEFAULT 0,
          head_commit TEXT,
          revision_count INTEGER NOT NULL DEFAULT 0,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE blueprint_messages (
          id INTEGER PRIMARY KEY,
          slug TEXT NOT NULL,
          rev INTEGER NOT NULL,
          ord INTEGER NOT NULL,
          role TEXT NOT NULL,
          content TEXT NOT NULL,
          time TEXT NOT NULL
        );
        -- Also the index on slug (leftmost column).
        CREATE UNIQUE INDEX blueprint_messages_key ON blueprint_messages (slug, rev, ord);
        CREATE TABLE operations (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          slug TEXT,
          status TEXT NOT NULL CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'cancelled', 'lost')),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE operation_events (
          id INTEGER PRIMARY KEY,
          operation_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          time TEXT NOT NULL,
          phase TEXT NOT NULL,
          type TEXT NOT NULL,
          data TEXT NOT NULL DEFAULT 'null'
        );
        CREATE UNIQUE INDEX operation_events_key ON operation_events (operation_id, seq);
      `);
    },
  },
  {
    version: 2,
    name: 'operation owners, for telling a dead window from a live one',
    up(db) {
      db.exec(`
        ALTER TABLE operations ADD COLUMN owner TEXT;
        CREATE INDEX operations_status ON operations (status);
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The DB was written by a newer Orchard: it is opened read-only and left untouched. */
export class FutureVersionError extends Error {
  constructor(
    readonly found: number,
    what: 'schema version' | 'journal format' = 'schema version',
  ) {
    super(
      `The studio database has ${what} ${found}, newer than this Orchard Studio understands. ` +
        'It was opened read-only and will not be modified; update Orchard Studio to write to it.',
    );
    this.name = 'FutureVersionError';
  }
}

export function schemaVersion(db: Database): number {
  const value = db.exec('PRAGMA user_version')[0]?.values[0]?.[0];
  return typeof value === 'number' ? value : 0;
}

/**
 * Brings `db` to LATEST_VERSION. Returns the versions it went from and to; throws
 * FutureVersionError (changing nothing) for a DB from a newer Orchard.
 */
export function migrate(db: Database, log?: (line: string) => void): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > LATEST_VERSION) throw new FutureVersionError(from);
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.exec('BEGIN');
    try {
      m.up(db);
      // PRAGMA does not take parameters; the version is our own integer.
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`studio DB migration ${m.version} (${m.name}) failed: ${String(error)}`);
    }
    log?.(`studio DB: migrated to version ${m.version} (${m.name})`);
  }
  return { from, to: Math.max(from, LATEST_VERSION) };
}
