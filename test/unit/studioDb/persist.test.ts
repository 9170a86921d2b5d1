import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioDb, StudioDbError, type StudioDbOptions } from '../../../extension/src/store/studioDb';
import { snapshotProblem } from '../../../extension/src/store/studioDbFiles';
import { collectLog, tempDir, wasmPath } from './helpers';

const opened: StudioDb[] = [];
async function open(file: string, options: Partial<StudioDbOptions> = {}): Promise<StudioDb> {
  const db = await StudioDb.open({ file, wasmPath, ...options });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('studio DB writes', () => {
  it('reads see writes at once; events are numbered per operation', async () => {
    const db = await open(path.join(tempDir(), 'studio.db'));
    const op = db.createOperation({ kind: 'build', slug: 'a' });
    expect(db.appendEvent(op, { phase: 'plan', type: 'started', data: { n: 1 } })).toBe(1);
    expect(db.appendEvent(op, { phase: 'plan', type: 'step' })).toBe(2);
    db.setOperationStatus(op, 'waiting');
    db.upsertBlueprint({ slug: 'a', featureName: 'A', status: 'draft', readyToBuild: false, headCommit: null, revisionCount: 1 });
    db.addMessages('a', 1, [
      { role: 'user', content: 'hi', time: '2025-01-01T00:00:00Z' },
      { role: 'assistant', content: 'hello', time: '2025-01-01T00:00:01Z' },
    ]);
    db.addMessages('a', 1, [{ role: 'user', content: 'more', time: '2025-01-01T00:00:02Z' }]);
    expect(db.getOperation(op)).toMatchObject({ kind: 'build', slug: 'a', status: 'waiting', owner: db.owner });
    expect(db.getEvents(op, { afterSeq: 1 })).toEqual([expect.objectContaining({ seq: 2, type: 'step', data: null })]);
    expect(db.getMessages('a').map((m) => [m.ord, m.content])).toEqual([[0, 'hi'], [1, 'hello'], [2, 'more']]);
    expect(db.listOperations({ status: ['waiting'] }).map((o) => o.id)).toEqual([op]);
    expect(() => db.setOperationStatus(op, 'done' as never)).toThrow(StudioDbError);
    expect(() => db.appendEvent('nope', { phase: 'x', type: 'y' })).toThrow(/No operation/);
  });

  it('an operation takes events only from the window that owns it', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const a = await open(file);
    const op = a.createOperation({ kind: 'build' });
    await a.flush();
    const b = await open(file);
    expect(() => b.appendEvent(op, { phase: 'x', type: 'y' })).toThrow(/belongs to another window/);
  });

  it('1,000 appends over many ticks are written in one or two batches, and no snapshot', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const db = await open(file);
    const snapshotBefore = fs.statSync(file).mtimeMs;
    const op = db.createOperation({ kind: 'build' });
    for (let i = 0; i < 1000; i++) {
      db.appendEvent(op, { phase: 'build', type: 'tool', data: { i } });
      if (i % 50 === 49) await tick();
    }
    await db.flush();
    expect(db.stats.persists).toBeLessThanOrEqual(2);
    expect(db.stats.recordsWritten).toBe(1001);
    expect(db.stats.compactions).toBe(1); // the one that created the files at open
    expect(fs.statSync(file).mtimeMs).toBe(snapshotBefore);
    // What flush() reported saved is on disk: a second instance reads it.
    const other = await open(file);
    expect(other.countEvents(op)).toBe(1000);
  });

  it('writes are persisted after the debounce without flush()', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const db = await open(file, { persistDelayMs: 20 });
    const op = db.createOperation({ kind: 'build' });
    db.appendEvent(op, { phase: 'build', type: 'tool' });
    expect(fs.readFileSync(`${file}.journal`, 'utf8')).not.toContain(op);
    await sleep(150);
    expect(fs.readFileSync(`${file}.journal`, 'utf8')).toContain(op);
    expect(db.stats.persists).toBe(1);
  });

  it('replaces the snapshot atomically: a reader never sees a partial file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const db = await open(file, { compactAfterBytes: 4096 });
    const SQL = await initSqlJs({ locateFile: () => wasmPath });
    const op = db.createOperation({ kind: 'build' });
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const bytes = fs.readFileSync(file);
        expect(snapshotProblem(bytes)).toBeUndefined();
        const copy = new SQL.Database(bytes);
        expect(copy.exec('PRAGMA quick_check')[0]!.values[0]![0]).toBe('ok');
        copy.close();
        reads++;
        await tick();
      }
    })();
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 20; j++) db.appendEvent(op, { phase: 'build', type: 'tool', data: { text: 'x'.repeat(40) } });
      await db.flush();
    }
    writing = false;
    await reader;
    expect(db.stats.compactions).toBeGreaterThan(10);
    expect(reads).toBeGreaterThan(10);
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await db.close();
    const again = await open(file);
    expect(again.countEvents(op)).toBe(1200);
  });

  it('drops an append cut off by a crash, and the next batch is not glued to it', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const first = await open(file);
    const op = first.createOperation({ kind: 'build' });
    first.appendEvent(op, { phase: 'build', type: 'one' });
    await first.close();
    fs.appendFileSync(`${file}.journal`, '{"t":"ev","op":"' + op + '","seq":2,"ti');
    const { lines, log } = collectLog();
    const second = await open(file, { log });
    expect(lines.some((l) => l.includes('dropped an unfinished journal append'))).toBe(true);
    const op2 = second.createOperation({ kind: 'build' });
    second.appendEvent(op2, { phase: 'build', type: 'two' });
    await second.close();
    const read = collectLog();
    const third = await open(file, { log: read.log });
    expect(third.getEvents(op).map((e) => e.type)).toEqual(['one']);
    expect(third.getEvents(op2).map((e) => e.type)).toEqual(['two']);
    expect(read.lines.filter((l) => l.includes('unreadable') || l.includes('unfinished'))).toEqual([]);
  });

  it('skips a damaged journal line, replays the rest and keeps a copy of the journal', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const first = await open(file);
    const op = first.createOperation({ kind: 'build' });
    for (let i = 0; i < 3; i++) {
      first.appendEvent(op, { phase: 'build', type: `e${i}` });
      await first.flush();
    }
    await first.close();
    const journal = fs.readFileSync(`${file}.journal`, 'utf8').split('\n');
    journal[2] = '\u0000garbage{';
    fs.writeFileSync(`${file}.journal`, journal.join('\n'));
    const { lines, log } = collectLog();
    const db = await open(file, { log });
    expect(lines.some((l) => l.includes('skipped unreadable journal lines 3'))).toBe(true);
    // Line 3 held the operation's first event; the lines after it are replayed.
    expect(db.getEvents(op).map((e) => e.type)).toEqual(['e1', 'e2']);
    expect(fs.readdirSync(dir).some((n) => n.startsWith('studio.db.journal.corrupt-'))).toBe(true);
  });

  it('refuses writes after close', async () => {
    const db = await open(path.join(tempDir(), 'studio.db'));
    await db.close();
    expect(() => db.createOperation({ kind: 'build' })).toThrow(/closed/);
    await expect(db.flush()).rejects.toThrow(/closed/);
  });
});
