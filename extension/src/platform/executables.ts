/**
 * Finding the program to start, by absolute path, before anything is spawned.
 *
 * Why not hand a bare name like `git` to child_process: on Windows the lookup
 * CreateProcess and libuv do searches the current folder first, and Orchard
 * runs git and the Claude CLI with the workspace as their working folder, so a
 * `git.exe` committed to a cloned repository would run instead of the user's
 * git. On every platform an empty or relative PATH entry (`.`, `bin`) means the
 * same thing. So the search here walks only absolute PATH entries, never the
 * working folder, and the caller spawns what it found by its full path. A path
 * the user configured (VS Code's `orchard.claudeCli.path`) is taken as given
 * when absolute; a relative one with a folder in it is refused, as it would be
 * resolved against whatever folder the process runs in.
 *
 * No `vscode` import; used by the store, the agents and the CLI alike.
 */
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ExecutableSearch {
  /** The PATH to search; default `process.env.PATH` (or `Path` on Windows). */
  pathEnv?: string;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Windows: the extensions tried for a bare name; default `process.env.PATHEXT`. */
  pathExt?: string;
  /** Whether `file` is a program this user may run (tests may give their own). */
  isExecutable?: (file: string, platform: NodeJS.Platform) => boolean;
}

/** A program that could not be found, or a configured path that cannot be used. */
export class ExecutableNotFoundError extends Error {
  constructor(
    readonly program: string,
    reason: string,
  ) {
    super(`${program}: ${reason}`);
    this.name = 'ExecutableNotFoundError';
  }
}

const cache = new Map<string, string>();

/**
 * The absolute path of `program`: itself when it is absolute, else the first
 * match in an absolute PATH entry. Throws ExecutableNotFoundError naming what
 * was searched. Found paths are remembered per (program, PATH) for the process.
 */
export function resolveExecutable(program: string, search: ExecutableSearch = {}): string {
  const platform = search.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  if (program.trim() === '') throw new ExecutableNotFoundError(program, 'no program name given');
  if (pathApi.isAbsolute(program)) return program;
  if (/[\\/]/.test(program) || (platform === 'win32' && program.includes(':'))) {
    throw new ExecutableNotFoundError(program, 'a relative path would depend on the working folder; give an absolute path or a bare program name');
  }
  const pathEnv = search.pathEnv ?? (platform === 'win32' ? (process.env.Path ?? process.env.PATH) : process.env.PATH) ?? '';
  const key = `${platform}\0${program}\0${pathEnv}\0${search.pathExt ?? ''}`;
  const known = search.isExecutable ? undefined : cache.get(key);
  if (known) return known;
  const isExecutable = search.isExecutable ?? defaultIsExecutable;
  const extensions = platform === 'win32' ? windowsExtensions(program, search.pathExt ?? process.env.PATHEXT) : [''];
  for (const dir of pathEnv.split(platform === 'win32' ? ';' : ':')) {
    // Empty and relative entries name the working folder (or one below it): skipped.
    const entry = platform === 'win32' ? dir.replace(/^"(.*)"$/, '$1') : dir;
    if (!entry || !pathApi.isAbsolute(entry)) continue;
    for (const ext of extensions) {
      const candidate = pathApi.join(entry, program + ext);
      if (isExecutable(candidate, platform)) {
        if (!search.isExecutable) cache.set(key, candidate);
        return candidate;
      }
    }
  }
  throw new ExecutableNotFoundError(program, 'not found in any absolute folder of PATH');
}

/** A bare name that already has one of PATHEXT's extensions is tried as is first. */
function windowsExtensions(program: string, pathExt: string | undefined): string[] {
  // Lower case: the file system does not care, and the path shown reads as users write it.
  const extensions = (pathExt || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => ext.toLowerCase());
  const has = extensions.some((ext) => program.toLowerCase().endsWith(ext));
  return has ? ['', ...extensions] : extensions;
}

function defaultIsExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where Windows keeps its own tools (taskkill), never looked up on PATH. */
export function windowsSystemTool(name: string): string {
  return path.win32.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', name);
}
