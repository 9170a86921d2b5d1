import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioDb, StudioDbError } from '../../../extension/src/store/studioDb';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../../extension/src/store/studioDbMigrations';
import { collectLog, tempDir, wasmPath } from './helpers';

const opened: StudioDb[] = [];
async function open(file: string, log?: (line: string) => void): Promise<StudioDb> {
  const db = await StudioDb.open({ file, wasmPath, log });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

const sqlJs = () => initSqlJs({ locateFile: () => wasmPath });

function tables(bytes: Uint8Array, SQL: Awaited<ReturnType<typeof sqlJs>>): { version: number; names: string[] } {
  const db = new SQL.Database(bytes);
  try {
    const names = db.exec("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")[0]!.values.map((v) => String(v[0]));
    return { version: schemaVersion(db), names };
  } finally {
    db.close();
  }
}

describe('studio DB migrations', () => {
  it('are numbered 1..n in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('take a new database from 0 to the latest version, with the seed tables', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const { lines, log } = collectLog();
    const db = await open(file, log);
    await db.close();
    const { version, names } = tables(fs.readFileSync(file), await sqlJs());
    expect(version).toBe(LATEST_VERSION);
    expect(names).toEqual(expect.arrayContaining(['blueprints', 'blueprint_messages', 'operations', 'operation_events', 'operation_events_key', 'blueprint_messages_key']));
    expect(lines.filter((l) => l.includes('migrated to version'))).toHaveLength(LATEST_VERSION);
  });

  it('reopening is idempotent: no migration runs again and the data is unchanged', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const first = await open(file);
    first.upsertBlueprint({ slug: 'a', featureName: 'A', status: 'draft', readyToBuild: true, headCommit: 'abc', revisionCount: 3 });
    await first.close();
    const snapshot = fs.readFileSync(file);
    const { lines, log } = collectLog();
    const again = await open(file, log);
    expect(lines.filter((l) => l.includes('migrated'))).toEqual([]);
    expect(again.getBlueprint('a')).toMatchObject({ featureName: 'A', readyToBuild: true, headCommit: 'abc', revisionCount: 3 });
    await again.close();
    // Nothing to snapshot on a clean reopen: the file is byte-for-byte the same.
    expect(fs.readFileSync(file).equals(snapshot)).toBe(true);
  });

  it('migrates a version-1 database and keeps its rows', async () => {
    const SQL = await sqlJs();
    const v1 = new SQL.Database();
    v1.exec('BEGIN');
    MIGRATIONS[0]!.up(v1);
    v1.exec('PRAGMA user_version = 1; COMMIT');
    v1.run("INSERT INTO operations (id, kind, slug, status, created_at, updated_at) VALUES ('op1', 'build', 'a', 'succeeded', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')");
    v1.run("INSERT INTO operation_events (operation_id, seq, time, phase, type, data) VALUES ('op1', 1, '2025-01-01T00:00:00Z', 'build', 'done', '{\"ok\":true}')");
    const file = path.join(tempDir(), 'studio.db');
    fs.writeFileSync(file, v1.export());
    v1.close();

    const db = await open(file);
    expect(db.getOperation('op1')).toMatchObject({ status: 'succeeded', owner: null });
    expect(db.getEvents('op1')).toEqual([expect.objectContaining({ seq: 1, data: { ok: true } })]);
    await db.close();
    expect(tables(fs.readFileSync(file), SQL).version).toBe(LATEST_VERSION);
  });

  it('a failing migration rolls back to the previous version', async () => {
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.exec('CREATE TABLE blueprints (x)'); // migration 1 will collide with this
    expect(() => migrate(db)).toThrow(/migration 1/);
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('opens a database from a newer Orchard read-only, with a clear error, and never writes to it', async () => {
    const SQL = await sqlJs();
    const future = new SQL.Database();
    future.exec('BEGIN');
    for (const m of MIGRATIONS) m.up(future);
    future.exec(`PRAGMA user_version = ${LATEST_VERSION + 1}; COMMIT`);
    future.run("INSERT INTO blueprints (slug, feature_name, status, updated_at) VALUES ('f', 'Future', 'draft', '2030-01-01T00:00:00Z')");
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    fs.writeFileSync(file, future.export());
    future.close();
    const before = fs.readFileSync(file);

    const { lines, log } = collectLog();
    const db = await open(file, log);
    expect(db.readOnly?.message).toMatch(/newer than this Orchard Studio understands.*read-only/);
    expect(lines.some((l) => l.includes('read-only'))).toBe(true);
    expect(db.getBlueprint('f')?.featureName).toBe('Future');
    expect(() => db.createOperation({ kind: 'build' })).toThrow(StudioDbError);
    await db.flush();
    await db.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('corrupt'))).toEqual([]);
  });
});
