import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioDb, type RebuiltBlueprint, type StudioDbOptions } from '../../../extension/src/store/studioDb';
import { collectLog, fakeRefs, startChild, tempDir, wasmPath } from './helpers';

const opened: StudioDb[] = [];
async function open(file: string, options: Partial<StudioDbOptions> = {}): Promise<StudioDb> {
  const db = await StudioDb.open({ file, wasmPath, ...options });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

/** A database whose snapshot holds an operation with 50 events, plus 5 more events only in the journal. */
async function seeded(): Promise<{ dir: string; file: string; op: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'studio.db');
  const a = await StudioDb.open({ file, wasmPath, compactAfterBytes: 1 });
  const op = a.createOperation({ kind: 'build', slug: 'bp-0' });
  for (let i = 0; i < 50; i++) a.appendEvent(op, { phase: 'build', type: 'snap' });
  a.setOperationStatus(op, 'succeeded');
  await a.close();
  const b = await StudioDb.open({ file, wasmPath });
  const op2 = b.createOperation({ kind: 'review', slug: 'bp-0' });
  for (let i = 0; i < 5; i++) b.appendEvent(op2, { phase: 'review', type: 'journal' });
  b.setOperationStatus(op2, 'succeeded');
  await b.close();
  return { dir, file, op: op2 };
}

function corruptCopies(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => /^studio\.db\.corrupt-/.test(n));
}

describe('studio DB recovery', () => {
  it('builds a missing database from the rebuild source', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const { lines, log } = collectLog();
    const db = await open(file, { rebuild: fakeRefs(3), log });
    expect(db.listBlueprints().map((b) => b.slug).sort()).toEqual(['bp-0', 'bp-1', 'bp-2']);
    expect(db.getBlueprint('bp-0')).toMatchObject({ featureName: 'Feature 0', readyToBuild: true, headCommit: 'c0ffee0', revisionCount: 2 });
    expect(db.getMessages('bp-1').map((m) => [m.rev, m.ord, m.role])).toEqual([[1, 0, 'user'], [1, 1, 'assistant'], [2, 0, 'user']]);
    expect(lines).toEqual(expect.arrayContaining([expect.stringContaining('no database file yet'), expect.stringContaining('rebuilt the blueprint index (3 blueprints)')]));
    await db.close();
    // The rebuilt index was written: no rebuild source needed next time.
    const again = await open(file);
    expect(again.listBlueprints()).toHaveLength(3);
    expect(corruptCopies(dir)).toEqual([]);
  });

  const damages: Array<[string, (bytes: Buffer) => Buffer, RegExp]> = [
    ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2) + 100), /truncated/],
    ['garbage', (b) => Buffer.from(b.map((_, i) => (i * 7919) % 251)), /not an SQLite database/],
    ['empty', () => Buffer.alloc(0), /too short/],
    ['damaged pages', (b) => Buffer.concat([b.subarray(0, 4096), Buffer.alloc(b.length - 4096, 0xa5)]), /quick_check|malformed|not a database/],
  ];
  for (const [name, damage, reason] of damages) {
    it(`rebuilds a ${name} database file, keeps it aside and replays the journal on top`, async () => {
      const { dir, file, op } = await seeded();
      const original = damage(fs.readFileSync(file));
      fs.writeFileSync(file, original);
      const { lines, log } = collectLog();
      const db = await open(file, { rebuild: fakeRefs(2), log });
      const aside = corruptCopies(dir);
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0]!)).equals(original)).toBe(true);
      expect(lines.find((l) => l.includes('could not be read'))).toMatch(reason);
      expect(db.listBlueprints().map((b) => b.slug).sort()).toEqual(['bp-0', 'bp-1']);
      // The journal outlives the snapshot: the events written since the last snapshot are back.
      expect(db.getEvents(op).map((e) => e.type)).toEqual(Array(5).fill('journal'));
      expect(db.getOperation(op)?.status).toBe('succeeded');
      await db.close();
      const again = await open(file);
      expect(again.countEvents(op)).toBe(5);
      expect(corruptCopies(dir)).toHaveLength(1);
    });
  }

  it('trusts a snapshot whose SHA-256 the journal recorded, and checks one it did not (a crash between the two writes)', async () => {
    const { file, op } = await seeded();
    const clean = await open(file);
    expect(clean.stats.longestSyncByWhat['check snapshot']).toBeUndefined();
    await clean.close();
    // The journal of the previous snapshot with a newer snapshot: what a kill between
    // writing the snapshot and replacing the journal leaves.
    const journal = fs.readFileSync(`${file}.journal`);
    const writer = await open(file, { compactAfterBytes: 1 });
    writer.appendEvent(writer.createOperation({ kind: 'build' }), { phase: 'build', type: 'x' });
    await writer.close();
    fs.writeFileSync(`${file}.journal`, journal);
    const { lines, log } = collectLog();
    const db = await open(file, { log });
    expect(db.stats.longestSyncByWhat['check snapshot']).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('could not be read'))).toEqual([]);
    expect(db.countEvents(op)).toBe(5);
  });

  it('removes a half-written temp file of a dead process and rebuilds when the file itself is missing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const temp = path.join(dir, `studio.db.tmp-${deadPid}-0badf00d`);
    fs.writeFileSync(temp, Buffer.from('SQLite format 3\0half'));
    const { lines, log } = collectLog();
    const db = await open(file, { rebuild: fakeRefs(1), log });
    expect(fs.existsSync(temp)).toBe(false);
    expect(lines.some((l) => l.includes('a write left unfinished'))).toBe(true);
    expect(db.listBlueprints()).toHaveLength(1);
  });

  it('opens with what the rebuild source gave before it failed', async () => {
    const { lines, log } = collectLog();
    function* failing(): Generator<RebuiltBlueprint> {
      yield* fakeRefs(2)();
      throw new Error('git is not installed');
    }
    const db = await open(path.join(tempDir(), 'studio.db'), { rebuild: failing, log });
    expect(db.listBlueprints()).toHaveLength(2);
    expect(lines.some((l) => l.includes('stopped after 2 blueprints: Error: git is not installed'))).toBe(true);
  });

  it('marks lost the operations of a killed window once they have no recent event, and logs it', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const child = await startChild({ mode: 'orphan', file });
    const op = (await child.waitFor(/^ready /)).split(' ')[1]!;
    child.proc.kill('SIGKILL');
    await child.exited;

    const live = await open(file);
    const mine = live.createOperation({ kind: 'build' });
    await live.flush();

    const patient = collectLog();
    const recent = await open(file, { lostAfterMs: 60_000, log: patient.log });
    expect(recent.getOperation(op)?.status).toBe('running');
    expect(patient.lines.filter((l) => l.includes('marked lost'))).toEqual([]);
    await recent.close();

    const { lines, log } = collectLog();
    const db = await open(file, { lostAfterMs: 0, log });
    expect(db.getOperation(op)?.status).toBe('lost');
    expect(lines.find((l) => l.includes('marked lost'))).toContain(op);
    // Owned by an instance that is still open in this process: not lost.
    expect(db.getOperation(mine)?.status).toBe('running');
    await db.close();
    const after = await open(file);
    expect(after.getOperation(op)?.status).toBe('lost');
  });
});
