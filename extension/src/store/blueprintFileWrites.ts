/**
 * Writing blueprint files for the store: a temp file next to the target,
 * renamed over it once the revision is recorded, so a reader (the editor, the
 * language server, another window) sees the old file or the new one, never
 * half of one. No fsync: the revision in git is the copy that matters, and
 * git does not fsync loose objects by default either.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pidAlive } from './fileLock';

/**
 * `.todo.json.<pid>-<random>.tmp` (hidden, and not `*.json`, so no listing
 * takes it for a blueprint) and the store's `blob-<pid>-<random>.tmp`.
 */
const TEMP_FILE = /^(\..+\.json\.\d+-[0-9a-f]{8}|blob-\d+-[0-9a-f]{12})\.tmp$/;
/** A temp file older than this was left by a killed process, not one still writing. */
const STALE_TEMP_MS = 10 * 60_000;

export interface PendingFile {
  /** Puts the new content in place. */
  commit(): Promise<void>;
  /** Drops it; the file keeps its old content. */
  discard(): Promise<void>;
}

/** Writes `text` beside `file` (creating the folder); nothing is visible at `file` until commit(). */
export async function prepareFile(file: string, text: string): Promise<PendingFile> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await fsp.writeFile(temp, text, { flag: 'wx' });
  return {
    commit: () => renameOver(temp, file),
    discard: () => fsp.unlink(temp).catch(() => undefined),
  };
}

/** Removes temp files that killed processes left in `dir` (ours only, by name). */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => TEMP_FILE.test(n))) {
    const file = path.join(dir, name);
    const stat = await fsp.stat(file).catch(() => undefined);
    // The writer's pid is in the name: a temp file of a process that is gone (a killed `orchard build`)
    // goes at once; one of a live process only once it is old (another host sharing the folder).
    const pid = Number(/\.(\d+)-[0-9a-f]{8}\.tmp$|^blob-(\d+)-/.exec(name)?.slice(1).find(Boolean));
    const abandoned = stat !== undefined && (!pidAlive(pid) || Date.now() - stat.mtimeMs > STALE_TEMP_MS);
    if (abandoned) await fsp.unlink(file).catch(() => undefined);
  }
}

async function renameOver(from: string, to: string): Promise<void> {
  // Windows refuses to replace a file another process (an indexer, the editor)
  // has open for a moment; elsewhere a failed rename is final.
  for (let attempt = 0; ; attempt++) {
    try {
      return await fsp.rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 5 || !['EPERM', 'EBUSY', 'EACCES'].includes(code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}
