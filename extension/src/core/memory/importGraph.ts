/**
 * `@path` imports across files: where each one points, import cycles through
 * the file being validated, and chains longer than Claude Code follows (5 hops).
 */
import type { Location, OrchardDiagnostic, ValidationFs } from '../diagnostics/diagnostic';
import { lineRange } from '../diagnostics/lineIndex';
import { scanMarkdown, type ImportRef } from './markdownScan';
import { basenameOf, dirnameOf, joinPath, normalizePath, relativeTo } from './posixPaths';

/** Claude Code loads imports recursively up to this many hops from the file it reads. */
export const MAX_IMPORT_HOPS = 5;

/** How many files one validation may read while following imports; a guard against huge graphs. */
const MAX_FILES_VISITED = 500;

/** How much text one validation scans while following imports (each file is also capped by the host's read limit). */
const MAX_CHARS_SCANNED = 16 * 1024 * 1024;

/** Imports are followed only in files that are Markdown to Claude Code. */
const MARKDOWN_FILE = /\.(?:md|mdc|markdown|txt)$/i;

export interface ResolvedImport {
  ref: ImportRef;
  /** Absolute path the import points to. */
  target: string;
}

export function resolveImportPath(importPath: string, fromFile: string, fs: ValidationFs): string {
  if (importPath.startsWith('~/')) return joinPath(fs.homeDir, importPath.slice(2));
  if (importPath.startsWith('/')) return normalizePath(importPath);
  return joinPath(dirnameOf(fromFile), importPath);
}

/** The import graph reachable from one file, read lazily and once per file. */
export class ImportGraph {
  private readonly cache = new Map<string, ResolvedImport[]>();
  private visited = 0;
  private scanned = 0;
  /** Per file, the first import of a shortest path back to the origin; computed on first use. */
  private towardsOrigin: Map<string, ResolvedImport> | undefined;

  constructor(
    private readonly fs: ValidationFs,
    /** The file being validated; its imports come from its (possibly unsaved) text, already scanned. */
    readonly origin: string,
    originImports: readonly ImportRef[],
  ) {
    this.cache.set(
      origin,
      originImports.map((ref) => ({ ref, target: resolveImportPath(ref.path, origin, fs) })),
    );
  }

  /** Every path the graph looked at (existing or not): a change to any of them can change the result. */
  get paths(): string[] {
    const paths = new Set<string>(this.cache.keys());
    for (const imports of this.cache.values()) for (const entry of imports) paths.add(entry.target);
    return [...paths];
  }

  importsOf(path: string): ResolvedImport[] {
    const cached = this.cache.get(path);
    if (cached) return cached;
    let imports: ResolvedImport[] = [];
    if (this.visited < MAX_FILES_VISITED && this.scanned < MAX_CHARS_SCANNED && MARKDOWN_FILE.test(path)) {
      this.visited++;
      const text = this.fs.readText(path);
      if (text !== undefined) {
        this.scanned += text.length;
        imports = this.resolveAll(path, text);
      }
    }
    this.cache.set(path, imports);
    return imports;
  }

  private resolveAll(path: string, text: string): ResolvedImport[] {
    return scanMarkdown(text).imports.map((ref) => ({ ref, target: resolveImportPath(ref.path, path, this.fs) }));
  }

  /**
   * A shortest path of imports from `start` back to the origin (`[start, …, origin]`), if there is one.
   * One search for all starts: a walk per start was quadratic in a graph where many files import many.
   */
  pathBackToOrigin(start: string): ResolvedImport[] | undefined {
    const towards = (this.towardsOrigin ??= this.shortestPathsToOrigin());
    const path: ResolvedImport[] = [];
    for (let edge = towards.get(start); edge; edge = towards.get(edge.target)) {
      path.push(edge);
      if (edge.target === this.origin) return path;
    }
    return undefined;
  }

  /** Every file reachable from the origin, then breadth-first backwards from the origin over those imports. */
  private shortestPathsToOrigin(): Map<string, ResolvedImport> {
    const importers = new Map<string, { file: string; edge: ResolvedImport }[]>();
    const reached = new Set<string>([this.origin]);
    for (let queue = [this.origin], at = 0; at < queue.length; at++) {
      const file = queue[at]!;
      for (const edge of this.importsOf(file)) {
        const list = importers.get(edge.target);
        if (list) list.push({ file, edge });
        else importers.set(edge.target, [{ file, edge }]);
        if (!reached.has(edge.target)) {
          reached.add(edge.target);
          queue.push(edge.target);
        }
      }
    }
    const towards = new Map<string, ResolvedImport>();
    for (let layer = [this.origin], at = 0; at < layer.length; at++) {
      for (const { file, edge } of importers.get(layer[at]!) ?? []) {
        if (file === this.origin || towards.has(file)) continue;
        towards.set(file, edge);
        layer.push(file);
      }
    }
    return towards;
  }
}

function display(root: string, path: string): string {
  return relativeTo(root, path);
}

function importLocation(file: string, ref: ImportRef): Location {
  return { path: file, range: lineRange(ref.line, ref.start, ref.end) };
}

/**
 * Cycles and depth for the origin's own imports. A cycle is reported on the
 * origin's import that enters it (each file on the cycle reports its own edge
 * when validated), with every other edge as related information.
 */
export function importGraphDiagnostics(graph: ImportGraph, root: string, fs: ValidationFs): OrchardDiagnostic[] {
  const diagnostics: OrchardDiagnostic[] = [];
  const origin = graph.origin;
  const ownImports = graph.importsOf(origin);
  const inCycle = new Set<ResolvedImport>();
  // A file often imports the same target more than once (and reads it in prose): walk each target once.
  const backPaths = new Map<string, ResolvedImport[] | undefined>();
  for (const entry of ownImports) {
    if (entry.target !== origin && !fs.exists(entry.target)) continue;
    if (!backPaths.has(entry.target)) backPaths.set(entry.target, entry.target === origin ? [] : graph.pathBackToOrigin(entry.target));
    const back = backPaths.get(entry.target);
    if (!back) continue;
    inCycle.add(entry);
    const files = [origin, entry.target, ...back.map((edge) => edge.target)];
    let from = entry.target;
    const related = back.map((edge) => {
      const location = importLocation(from, edge.ref);
      const message = `${display(root, from)} imports ${display(root, edge.target)}`;
      from = edge.target;
      return { location, message };
    });
    diagnostics.push({
      range: lineRange(entry.ref.line, entry.ref.start, entry.ref.end),
      severity: 'warning',
      code: 'memory/import-cycle',
      message: `import cycle: ${files.map((file) => display(root, file)).join(' → ')}`,
      ...(related.length > 0 ? { related } : {}),
    });
  }
  // Not push(...): one per import, and a spread of 200,000 overflows the stack.
  return diagnostics.concat(depthDiagnostics(graph, root, fs, ownImports, inCycle));
}

/** Breadth-first from the origin: a file first reached at hop 6 is never loaded; blame the origin's import that leads to it. */
function depthDiagnostics(
  graph: ImportGraph,
  root: string,
  fs: ValidationFs,
  ownImports: ResolvedImport[],
  inCycle: Set<ResolvedImport>,
): OrchardDiagnostic[] {
  const own = new Set(ownImports);
  const hops = new Map<string, number>([[graph.origin, 0]]);
  const parent = new Map<string, string>();
  const firstHop = new Map<string, ResolvedImport>();
  let layer = [graph.origin];
  for (let hop = 1; hop <= MAX_IMPORT_HOPS + 1 && layer.length > 0; hop++) {
    const next: string[] = [];
    for (const file of layer) {
      for (const entry of graph.importsOf(file)) {
        if (hops.has(entry.target)) continue;
        if (!fs.exists(entry.target)) continue;
        hops.set(entry.target, hop);
        parent.set(entry.target, file);
        firstHop.set(entry.target, file === graph.origin ? entry : (firstHop.get(file) ?? entry));
        next.push(entry.target);
      }
    }
    if (hop === MAX_IMPORT_HOPS + 1) {
      const reported = new Set<ResolvedImport>();
      const diagnostics: OrchardDiagnostic[] = [];
      for (const file of next) {
        const entry = firstHop.get(file);
        if (!entry || reported.has(entry) || inCycle.has(entry) || !own.has(entry)) continue;
        reported.add(entry);
        const chain = [file];
        for (let step = parent.get(file); step !== undefined; step = parent.get(step)) chain.unshift(step);
        diagnostics.push({
          range: lineRange(entry.ref.line, entry.ref.start, entry.ref.end),
          severity: 'warning',
          code: 'memory/import-too-deep',
          message: `imports past ${MAX_IMPORT_HOPS} hops are not loaded: ${chain.map((step) => display(root, step)).join(' → ')} is hop ${MAX_IMPORT_HOPS + 1}`,
        });
      }
      return diagnostics;
    }
    layer = next;
  }
  return [];
}

/** A title for a file created by the quick fix: `docs/api-notes.md` -> `# Api notes`. */
export function titleForNewFile(path: string): string {
  const name = basenameOf(path).replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim();
  return name === '' ? '' : name[0]!.toUpperCase() + name.slice(1);
}
