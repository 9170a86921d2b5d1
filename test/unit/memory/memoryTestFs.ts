/**
 * An in-memory ValidationFs over a Map of absolute POSIX paths, and a context
 * around it: memory tests never touch the disk (except to read this repository's
 * own CLAUDE.md on purpose).
 */
import { DEFAULT_PROJECT_SCHEMA, type ProjectSchema } from '../../../extension/src/core/projectSchema/projectSchema';
import type { MemoryContext } from '../../../extension/src/core/memory/memoryService';
import type { ValidationFs } from '../../../extension/src/core/diagnostics/diagnostic';

export const ROOT = '/projects/acme';
export const HOME = '/home/dev';

export class MapFs implements ValidationFs {
  readonly files: Map<string, string>;
  readonly homeDir = HOME;

  constructor(files: Record<string, string> = {}) {
    this.files = new Map(Object.entries(files));
  }

  readText(absPath: string): string | undefined {
    return this.files.get(absPath);
  }

  exists(absPath: string): boolean {
    if (this.files.has(absPath)) return true;
    const prefix = absPath.endsWith('/') ? absPath : absPath + '/';
    for (const path of this.files.keys()) if (path.startsWith(prefix)) return true;
    return false;
  }

  list(absDir: string): { name: string; isDirectory: boolean }[] {
    const prefix = absDir.endsWith('/') ? absDir : absDir + '/';
    const entries = new Map<string, boolean>();
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      entries.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0 || (entries.get(rest) ?? false));
    }
    return [...entries].map(([name, isDirectory]) => ({ name, isDirectory })).sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Files given relative to ROOT (or absolute when they start with `/`). */
export function workspace(files: Record<string, string>, schema: ProjectSchema = DEFAULT_PROJECT_SCHEMA): MemoryContext & { fs: MapFs } {
  const absolute: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) absolute[path.startsWith('/') ? path : `${ROOT}/${path}`] = text;
  return { root: ROOT, fs: new MapFs(absolute), schema };
}

export function abs(relativePath: string): string {
  return `${ROOT}/${relativePath}`;
}
