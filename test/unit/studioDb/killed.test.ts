/**
 * A writer killed with SIGKILL at random points, 100 times (two lanes of writers on one
 * database, so kills also land while another process holds the lock or is mid-snapshot).
 * After every kill the database must open without recovery, and everything a writer
 * printed (it prints only after flush() resolved) must be there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioDb } from '../../../extension/src/store/studioDb';
import { collectLog, startChild, tempDir, wasmPath } from './helpers';

const KILLS = 100;
const LANES = 2;

describe('studio DB under SIGKILL', () => {
  it(`loses nothing reported saved across ${KILLS} kills at random points`, { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'studio.db');
    const saved = new Map<string, Set<number>>(); // operation -> seqs reported saved
    // Per lane (one writer at a time per blueprint, as git's update-ref guarantees in the
    // extension): the revisions reported saved.
    const revs = new Map<string, Set<number>>();
    const logs: string[] = [];
    let killedBeforeFirstSave = 0;
    let killedWhileWriting = 0;

    async function verify(): Promise<void> {
      // Only what dead writers reported before this open: the other lane may add more meanwhile.
      const known = [...saved].map(([op, seqs]) => [op, [...seqs]] as const);
      const knownRevs = [...revs].map(([slug, set]) => [slug, [...set]] as const);
      const { lines, log } = collectLog();
      const db = await StudioDb.open({ file, wasmPath, lostAfterMs: 0, log });
      try {
        logs.push(...lines);
        const recovered = lines.filter((l) => l.includes('could not be read') || l.includes('unreadable'));
        expect(recovered.join('\n'), 'the DB needed recovery').toBe('');
        for (const [op, seqs] of known) {
          const have = new Set(db.getEvents(op, { limit: 1_000_000 }).map((e) => e.seq));
          const missing = seqs.filter((s) => !have.has(s));
          expect(missing, `events of ${op} reported saved but missing`).toEqual([]);
          expect(db.getOperation(op)?.status).toBe('lost');
        }
        for (const [slug, laneRevs] of knownRevs) {
          expect(db.getBlueprint(slug)?.revisionCount ?? 0).toBeGreaterThanOrEqual(Math.max(0, ...laneRevs));
          const have = new Set(db.getMessages(slug).map((m) => m.rev));
          expect(laneRevs.filter((rev) => !have.has(rev)), `revisions of ${slug} reported saved but missing`).toEqual([]);
        }
      } finally {
        await db.close();
      }
    }

    async function lane(slug: string, kills: number): Promise<void> {
      revs.set(slug, new Set());
      for (let k = 0; k < kills; k++) {
        const child = await startChild({ mode: 'writer', file, slug, compactAfterBytes: 6 * 1024 });
        // Half the kills anywhere from process start (startup, open, recovery, first
        // writes), half while it is writing (appends, snapshots every 6 KiB of journal).
        if (k % 2 === 1) await child.waitFor(/^E /).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * (k % 2 === 1 ? 200 : 400)));
        child.proc.kill('SIGKILL');
        const exit = await child.exited;
        if (exit.signal !== 'SIGKILL') throw new Error(`writer exited by itself (${exit.code}):\n${child.stderr()}`);
        if (child.lines.length === 0) killedBeforeFirstSave++;
        else killedWhileWriting++;
        for (const line of child.lines) {
          const [kind, id, n] = line.split(' ');
          if (kind === 'E') {
            if (!saved.has(id!)) saved.set(id!, new Set());
            saved.get(id!)!.add(Number(n));
          } else if (kind === 'R') {
            revs.get(id!)!.add(Number(n));
          }
        }
        await verify();
      }
    }

    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(`lane-${i}`, KILLS / LANES)));

    const events = [...saved.values()].reduce((n, s) => n + s.size, 0);
    const seen = (what: string) => logs.filter((l) => l.includes(what)).length;
    console.log(
      `${KILLS} kills: ${killedBeforeFirstSave} before a first save, ${killedWhileWriting} while writing; ` +
        `${events} events and ${[...revs.values()].reduce((n, s) => n + s.size, 0)} revisions reported saved, all found. On reopen: ${seen('stale lock')} stale locks taken over, ` +
        `${seen('unfinished journal append')} torn appends dropped, ${seen('left unfinished')} temp files removed, ${seen('marked lost')} operations marked lost`,
    );
    // The kill points must cover both startup/open/recovery and writing.
    expect(killedWhileWriting).toBeGreaterThanOrEqual(KILLS / 2);
    expect(killedBeforeFirstSave).toBeGreaterThan(10);
    expect(events).toBeGreaterThan(500);
    expect(fs.readdirSync(dir).filter((n) => n.includes('corrupt') || n.includes('.tmp-') || n.includes('.stale-'))).toEqual([]);
  });
});
