/**
 * What the package.json files around a memory file say about scripts: the
 * nearest manifest, the packages of a workspace (npm/yarn `workspaces`,
 * `pnpm-workspace.yaml`), and the binaries installed in `node_modules/.bin`.
 * Every path read is recorded, so diagnostics follow a renamed script.
 */
import picomatch from 'picomatch/posix';
import { parse as parseYaml } from 'yaml';
import { yamlTooDeep } from '../diagnostics/nestingDepthYaml';
import type { ValidationFs } from '../diagnostics/diagnostic';
import { dirnameOf, foldersUpTo, joinPath } from './posixPaths';

export interface PackageInfo {
  path: string;
  /** Script name -> its command line. */
  scripts: Map<string, string>;
  dependencies: Set<string>;
  /** Workspace package globs (`packages/*`), empty when this is not a workspace root. */
  workspaces: string[];
}

export interface ScriptCheckContext {
  fs: ValidationFs;
  root: string;
  /** Every path consulted, for `memoryDependencies`. */
  consulted: Set<string>;
}

/** How many workspace packages one check reads at most: a guard against huge monorepos. */
const MAX_WORKSPACE_PACKAGES = 200;

function keysOf(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function readManifest(path: string, ctx: ScriptCheckContext): Omit<PackageInfo, 'workspaces'> & { json: Record<string, unknown> } | undefined {
  ctx.consulted.add(path);
  const text = ctx.fs.readText(path);
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const scripts = new Map<string, string>();
    for (const name of keysOf(json.scripts)) {
      const command = (json.scripts as Record<string, unknown>)[name];
      scripts.set(name, typeof command === 'string' ? command : '');
    }
    return { path, json, scripts, dependencies: new Set([...keysOf(json.dependencies), ...keysOf(json.devDependencies)]) };
  } catch {
    return undefined;
  }
}

/** The nearest package.json from `dir` up to the workspace root; undefined when there is none or it cannot be read. */
export function nearestPackage(dir: string, ctx: ScriptCheckContext): PackageInfo | undefined {
  for (const folder of foldersUpTo(dir, ctx.root)) {
    const path = joinPath(folder, 'package.json');
    if (!ctx.fs.exists(path)) {
      ctx.consulted.add(path);
      continue;
    }
    const manifest = readManifest(path, ctx);
    if (!manifest) return undefined; // A package.json we cannot read: no check rather than a wrong one.
    const yarnStyle = manifest.json.workspaces as { packages?: unknown } | undefined;
    const workspaces = [...stringsOf(manifest.json.workspaces), ...stringsOf(yarnStyle?.packages)];
    const pnpmFile = joinPath(folder, 'pnpm-workspace.yaml');
    ctx.consulted.add(pnpmFile);
    const pnpmText = ctx.fs.readText(pnpmFile);
    // Nested too deeply for the `yaml` parser (which can crash the process past ~800 levels): it lists no packages.
    if (pnpmText !== undefined && !yamlTooDeep(pnpmText)) {
      try {
        for (const glob of stringsOf((parseYaml(pnpmText) as { packages?: unknown } | null)?.packages)) workspaces.push(glob);
      } catch {
        // A broken pnpm-workspace.yaml lists no packages; pnpm itself reports it.
      }
    }
    return { path, scripts: manifest.scripts, dependencies: manifest.dependencies, workspaces };
  }
  return undefined;
}

/** The package folders a workspace glob names (`packages/*`, `apps/web-*`, `packages/**` one level deep, or a plain folder). */
function workspaceFolders(base: string, glob: string, fs: ValidationFs): string[] {
  if (glob.startsWith('!')) return [];
  const cleaned = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  const star = cleaned.search(/[*?[{]/);
  if (star < 0) return [joinPath(base, cleaned)];
  const prefix = cleaned.slice(0, star);
  const parentRelative = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  let matches: (path: string) => boolean;
  try {
    matches = picomatch(cleaned, { dot: false });
  } catch {
    return [];
  }
  return fs
    .list(joinPath(base, parentRelative || '.'))
    .filter((entry) => entry.isDirectory && entry.name !== 'node_modules' && matches(parentRelative + entry.name))
    .map((entry) => joinPath(base, parentRelative + entry.name));
}

/**
 * In a workspace root, a script of any workspace package counts: a root
 * CLAUDE.md often says "in packages/web, `npm run dev`".
 */
export function workspaceHasScript(pkg: PackageInfo, name: string, ctx: ScriptCheckContext): boolean {
  if (pkg.workspaces.length === 0) return false;
  const base = dirnameOf(pkg.path);
  let read = 0;
  for (const glob of pkg.workspaces) {
    for (const folder of workspaceFolders(base, glob, ctx.fs)) {
      if (++read > MAX_WORKSPACE_PACKAGES) return true; // Too many to read: assume it is there rather than warn wrongly.
      if (readManifest(joinPath(folder, 'package.json'), ctx)?.scripts.has(name)) return true;
    }
  }
  return false;
}

/** Whether `name` may be a binary: true when installed, undefined when no node_modules/.bin exists to ask. */
export function binaryInstalled(name: string, pkg: PackageInfo, ctx: ScriptCheckContext): boolean | undefined {
  let sawBinFolder = false;
  for (const folder of foldersUpTo(dirnameOf(pkg.path), ctx.root)) {
    const bin = joinPath(folder, 'node_modules/.bin');
    const candidate = `${bin}/${name}`;
    ctx.consulted.add(candidate);
    if (ctx.fs.exists(candidate)) return true;
    if (ctx.fs.exists(bin)) sawBinFolder = true;
  }
  return sawBinFolder ? false : undefined;
}
