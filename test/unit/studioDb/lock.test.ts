import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../../extension/src/store/fileLock';
import { StudioDb } from '../../../extension/src/store/studioDb';
import { collectLog, tempDir, wasmPath } from './helpers';

const options = { staleMs: 30_000, timeoutMs: 5_000 };

describe('studio DB lock file', () => {
  it('waits for a live holder, then proceeds', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const release = await acquireLock(`${file}.lock`, options);
    let opened = false;
    const opening = StudioDb.open({ file, wasmPath }).then((db) => {
      opened = true;
      return db;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(opened).toBe(false);
    release();
    const db = await opening;
    await db.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over at once the lock of a process that is gone', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid, host: os.hostname(), nonce: 'x', time: Date.now() }));
    const { lines, log } = collectLog();
    const started = Date.now();
    const db = await StudioDb.open({ file, wasmPath, log });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(lines).toContain(`studio DB: took over a stale lock (pid ${deadPid} is gone)`);
    await db.close();
  });

  it('takes over an empty lock left by a holder killed while creating it', async () => {
    const lock = path.join(tempDir(), 'studio.db.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 5000);
    fs.utimesSync(lock, old, old);
    const { lines, log } = collectLog();
    const release = await acquireLock(lock, { ...options, log });
    expect(lines[0]).toMatch(/took over a stale lock \(empty/);
    release();
  });

  it('gives up after the timeout, naming the holder', async () => {
    const lock = path.join(tempDir(), 'studio.db.lock');
    const release = await acquireLock(lock, options);
    await expect(acquireLock(lock, { ...options, timeoutMs: 100 })).rejects.toThrow(`held by pid ${process.pid}`);
    release();
  });
});
