import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioDb } from '../../../extension/src/store/studioDb';
import { startChild, tempDir, wasmPath } from './helpers';

const opened: StudioDb[] = [];
async function open(file: string, compactAfterBytes?: number): Promise<StudioDb> {
  const db = await StudioDb.open({ file, wasmPath, compactAfterBytes });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

describe('studio DB shared by two windows', () => {
  it('two instances on one file see and keep each other\u2019s writes, across snapshots', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const a = await open(file, 2048);
    const b = await open(file, 2048);
    const opA = a.createOperation({ kind: 'build', slug: 'a' });
    const opB = b.createOperation({ kind: 'build', slug: 'b' });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) {
        a.appendEvent(opA, { phase: 'build', type: 'a', data: { round, i } });
        b.appendEvent(opB, { phase: 'build', type: 'b', data: { round, i } });
      }
      a.upsertBlueprint({ slug: 'a', featureName: 'A', status: 'draft', readyToBuild: false, headCommit: null, revisionCount: round });
      b.upsertBlueprint({ slug: 'b', featureName: 'B', status: 'draft', readyToBuild: false, headCommit: null, revisionCount: round });
      await Promise.all([a.flush(), b.flush()]);
    }
    expect(a.stats.compactions + b.stats.compactions).toBeGreaterThan(4);
    await a.refresh();
    await b.refresh();
    for (const db of [a, b]) {
      expect(db.countEvents(opA)).toBe(200);
      expect(db.countEvents(opB)).toBe(200);
      expect(db.getBlueprint('a')?.revisionCount).toBe(19);
      expect(db.getBlueprint('b')?.revisionCount).toBe(19);
    }
  });

  it('two processes writing at the same time lose nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const events = 1500;
    const children = await Promise.all(
      ['one', 'two'].map((slug) => startChild({ mode: 'concurrent', file, slug, events, batch: 25, compactAfterBytes: 16 * 1024 })),
    );
    const done = await Promise.all(children.map((c) => c.waitFor(/^done /, 30_000)));
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    const ops = done.map((line) => line.split(' ')[1]!);
    // Snapshots were written (journal replaced) while the other process was appending.
    expect(done.reduce((n, line) => n + Number(line.split(' ')[3]), 0)).toBeGreaterThan(4);
    // Each saw all of the other's events at its end (the later one, at least).
    expect(Math.max(...done.map((line) => Number(line.split(' ')[2])))).toBe(2 * events);

    const db = await open(file);
    for (const op of ops) {
      expect(db.countEvents(op)).toBe(events);
      const seqs = db.getEvents(op, { limit: events + 10 }).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    }
    expect(db.getBlueprint('one')?.revisionCount).toBe(events / 25);
    expect(db.getBlueprint('two')?.revisionCount).toBe(events / 25);
    expect(db.getBlueprint('shared')?.featureName).toMatch(/^Last written by \d+$/);
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-') || n.includes('corrupt') || n.includes('.lock'))).toEqual([]);
  });
});
