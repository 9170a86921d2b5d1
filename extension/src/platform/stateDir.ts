/**
 * Where a repository's operations live: a state folder per user, outside the
 * repository. Its own module with only node:path/os/crypto because the
 * activation bundle needs the path too (operationsTree.ts looks for operation
 * records after a reload before it loads anything heavy), and
 * operationControl.ts, where this used to be, pulls zod, the store and git in.
 * operationControl.ts re-exports both, so its importers are unchanged.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where a repository's operations live when no state folder is given: outside the repository, per user. */
export function defaultStateDir(repoRealPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  const hash = createHash('sha256').update(repoRealPath).digest('hex').slice(0, 12);
  return path.join(base, 'orchard', 'repos', `${path.basename(repoRealPath).replace(/[^\w.-]/g, '_')}-${hash}`);
}

/** The folder of operation records (`<id>.json`) and their logs (`<id>.jsonl`). */
export const operationsDir = (stateDir: string) => path.join(stateDir, 'operations');
