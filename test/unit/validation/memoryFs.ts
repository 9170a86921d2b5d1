/**
 * An in-memory ValidationFs for tests: a map of absolute POSIX paths to texts;
 * folders exist when some file lies under them.
 */
import type { ValidationFs } from '../../../extension/src/core/diagnostics/diagnostic';

export function memoryFs(files: Record<string, string>, homeDir = '/home/dev'): ValidationFs & { files: Map<string, string> } {
  const map = new Map(Object.entries(files));
  const isFolder = (path: string) => {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const file of map.keys()) if (file.startsWith(prefix)) return true;
    return false;
  };
  return {
    files: map,
    homeDir,
    readText: (path) => map.get(path),
    exists: (path) => map.has(path) || isFolder(path),
    list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const entries = new Map<string, boolean>();
      for (const file of map.keys()) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split('/');
        if (name) entries.set(name, entries.get(name) === true || rest.length > 0);
      }
      return [...entries].map(([name, isDirectory]) => ({ name, isDirectory }));
    },
  };
}
