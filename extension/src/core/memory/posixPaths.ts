/**
 * POSIX path arithmetic for validators, which may not import `node:path`
 * (core runs in the webview and the language server alike). Every path is
 * absolute and uses `/`, as `ValidationFs` does.
 */

/** `/a/./b/../c` -> `/a/c`; never climbs above `/`. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function dirnameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(base: string, relative: string): string {
  return normalizePath(relative.startsWith('/') ? relative : `${base}/${relative}`);
}

/** Whether `path` is `folder` itself or inside it. */
export function isInside(path: string, folder: string): boolean {
  const base = folder.endsWith('/') ? folder : folder + '/';
  return path === folder || path.startsWith(base) || folder === '/';
}

/** `path` relative to `folder` when inside it (`docs/a.md`), else the absolute path unchanged. */
export function relativeTo(folder: string, path: string): string {
  if (path === folder) return '.';
  const base = folder.endsWith('/') ? folder : folder + '/';
  return path.startsWith(base) ? path.slice(base.length) : path;
}

/** The folders from `dir` up to and including `root` (or only `dir` when it is outside `root`). */
export function foldersUpTo(dir: string, root: string): string[] {
  const folders: string[] = [];
  let current = dir;
  for (;;) {
    folders.push(current);
    if (current === root || current === '/' || !isInside(current, root)) break;
    current = dirnameOf(current);
  }
  return folders;
}
