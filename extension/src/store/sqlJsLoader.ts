/**
 * Loads sql.js (its JS and the wasm) on the first StudioDb.open, never at import, and
 * warms it up.
 *
 * Why the warm-up: V8 compiles wasm functions lazily, on their first call, on the main
 * thread. Measured in a fresh process, the first count(*) over a small studio DB took
 * 35-60 ms and the first quick_check 20-50 ms, almost all of it compiling SQLite's
 * VDBE and b-tree code (with --no-wasm-lazy-compilation: 3 and 1 ms). Running the
 * statements the store uses once on a scratch DB, one step per event-loop turn, pays
 * that compile in pieces before the real open instead of in one block inside it.
 * (Turning lazy compilation off with v8.setFlagsFromString would change every
 * extension in the host, so it is not done.)
 */
import type { SqlJsStatic } from 'sql.js';
import { RecordApplier, type JournalRecord } from './studioDbJournal';
import { migrate } from './studioDbMigrations';
import { yieldToLoop } from './studioDbSync';

const byWasm = new Map<string, Promise<SqlJsStatic>>();

export function loadSqlJs(wasmPath: string): Promise<SqlJsStatic> {
  let p = byWasm.get(wasmPath);
  if (!p) {
    p = import('sql.js')
      .then((m) => (m.default ?? m)({ locateFile: () => wasmPath }))
      .then(async (SQL) => {
        await warmUp(SQL);
        return SQL;
      });
    // A failed load (wasm missing) is retried by the next open rather than cached.
    p.catch(() => byWasm.delete(wasmPath));
    byWasm.set(wasmPath, p);
  }
  return p;
}

async function warmUp(SQL: SqlJsStatic): Promise<void> {
  const t = '2025-01-01T00:00:00.000Z';
  const records: JournalRecord[] = [
    { t: 'bp', slug: 'w', featureName: 'W', status: 'draft', readyToBuild: false, headCommit: null, revisionCount: 1, updatedAt: t },
    { t: 'msg', slug: 'w', rev: 1, ord: 0, role: 'user', content: 'w', time: t },
    { t: 'op', id: 'w', kind: 'w', slug: 'w', status: 'running', owner: 'w', createdAt: t, updatedAt: t },
    { t: 'ev', op: 'w', seq: 1, time: t, phase: 'w', type: 'w', data: { w: 1 } },
    { t: 'st', id: 'w', status: 'lost', updatedAt: t },
  ];
  const db = new SQL.Database();
  let copy: InstanceType<SqlJsStatic['Database']> | undefined;
  try {
    const steps: Array<() => void> = [
      () => db.exec('PRAGMA page_size = 16384; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF'),
      () => migrate(db),
      () => {
        const applier = new RecordApplier(db);
        db.exec('BEGIN');
        for (const r of records) applier.apply(r);
        db.exec('COMMIT');
        applier.free();
      },
      () => db.exec("SELECT * FROM operations o WHERE o.status IN ('running', 'waiting') AND (SELECT e.time FROM operation_events e WHERE e.operation_id = o.id ORDER BY e.seq DESC LIMIT 1) IS NOT NULL"),
      () => db.exec('SELECT COUNT(*) FROM operation_events'),
      () => db.exec('SELECT * FROM blueprint_messages WHERE slug = ? ORDER BY rev, ord', ['w']),
      () => db.exec('PRAGMA quick_check'),
      () => {
        copy = new SQL.Database(db.export());
      },
      () => copy?.exec('SELECT * FROM blueprints ORDER BY updated_at DESC, slug'),
    ];
    for (const step of steps) {
      step();
      await yieldToLoop();
    }
  } finally {
    copy?.close();
    db.close();
  }
}
