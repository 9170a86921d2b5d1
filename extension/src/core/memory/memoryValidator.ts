/**
 * Validation of one memory file: every check in one pass over the text, the
 * other files reached through `ctx.fs` only. Pure and synchronous, so the
 * language server and `orchard validate` give the same answers.
 */
import { memoryRuleFor, PROJECT_SCHEMA_PATH } from '../projectSchema/projectSchema';
import { compareDiagnostics, type OrchardDiagnostic, type ValidationFs } from '../diagnostics/diagnostic';
import {
  CURRENT_STATUS_PATH,
  duplicateHeadingDiagnostics,
  linkDiagnostics,
  ruleDiagnostics,
  statusDateDiagnostics,
} from './documentChecks';
import { frontMatterDiagnostics } from './frontMatter';
import { ImportGraph, importGraphDiagnostics, titleForNewFile } from './importGraph';
import { LineIndex, lineRange } from '../diagnostics/lineIndex';
import { scanMarkdownSteps, type MarkdownScan } from './markdownScan';
import type { MemoryContext } from './memoryContext';
import { memoryKindOf, type MemoryKind } from '../memoryKinds';
import { joinPath, relativeTo } from './posixPaths';
import { scriptDiagnostics } from './scriptCommands';
import { secretDiagnostics } from './secrets';
import { runToEnd, type Steps } from '../diagnostics/steps';

export interface MemoryValidation {
  diagnostics: OrchardDiagnostic[];
  /** Every other path whose change can change the diagnostics. */
  dependencies: Set<string>;
}

/**
 * The workspace as one validation sees it: each file read, tested or listed
 * once. A file that names the same import or link ten thousand times must not
 * read it (up to megabytes, from disk) ten thousand times.
 */
function onceEach(fs: ValidationFs): ValidationFs {
  const texts = new Map<string, string | undefined>();
  const existing = new Map<string, boolean>();
  const listings = new Map<string, ReturnType<ValidationFs['list']>>();
  return {
    homeDir: fs.homeDir,
    readText(path) {
      if (!texts.has(path)) texts.set(path, fs.readText(path));
      return texts.get(path);
    },
    exists(path) {
      let found = existing.get(path);
      if (found === undefined) existing.set(path, (found = fs.exists(path)));
      return found;
    },
    list(dir) {
      let entries = listings.get(dir);
      if (entries === undefined) listings.set(dir, (entries = fs.list(dir)));
      return entries;
    },
  };
}

function importNotFound(graph: ImportGraph, ctx: MemoryContext): OrchardDiagnostic[] {
  const diagnostics: OrchardDiagnostic[] = [];
  for (const { ref, target } of graph.importsOf(graph.origin)) {
    const range = lineRange(ref.line, ref.start, ref.end);
    if (ctx.fs.readText(target) !== undefined) continue;
    const shown = target.startsWith(ctx.root + '/') ? relativeTo(ctx.root, target) : target;
    if (ctx.fs.exists(target)) {
      diagnostics.push({ range, severity: 'error', code: 'memory/import-not-found', message: `"${ref.path}" is a folder; an import names a file` });
      continue;
    }
    diagnostics.push({
      range,
      severity: 'error',
      code: 'memory/import-not-found',
      message: `imported file "${ref.path}" does not exist${shown === ref.path ? '' : ` (looked for ${shown})`}`,
      fixes: [
        {
          title: `Create ${shown}`,
          fixes: 'memory/import-not-found',
          isPreferred: true,
          createFiles: [{ path: target, content: /\.mdc?$/.test(target) ? `# ${titleForNewFile(target)}\n` : '' }],
        },
      ],
    });
  }
  return diagnostics;
}

/** Every check of one memory file, and what it depends on, in one pass. */
export function checkMemoryFile(path: string, text: string, workspace: MemoryContext): MemoryValidation {
  return runToEnd(checkMemoryFileSteps(path, text, workspace));
}

/** The same, yielding after the scan and after each check (the language server answers other requests in between). */
export function* checkMemoryFileSteps(path: string, text: string, workspace: MemoryContext): Steps<MemoryValidation> {
  const ctx: MemoryContext = { ...workspace, fs: onceEach(workspace.fs) };
  const lines = new LineIndex(text);
  yield;
  const scan: MarkdownScan = yield* scanMarkdownSteps(text);
  yield;
  const relativePath = relativeTo(ctx.root, path);
  const kind: MemoryKind = memoryKindOf(relativePath);
  const dependencies = new Set<string>([joinPath(ctx.root, PROJECT_SCHEMA_PATH)]);
  const graph = new ImportGraph(ctx.fs, path, scan.imports);
  const checks: Array<() => OrchardDiagnostic[] | Steps<OrchardDiagnostic[]>> = [
    () => frontMatterDiagnostics(path, kind, scan, lines),
    () => importNotFound(graph, ctx),
    () => importGraphDiagnostics(graph, ctx.root, ctx.fs),
    () => linkDiagnostics(scan, path, ctx.root, ctx.fs, dependencies),
    // A plan describes what is still to be built, scripts included: naming one that does not exist yet is the point.
    () => (kind === 'orchard-plan' ? [] : scriptDiagnostics(path, scan, { fs: ctx.fs, root: ctx.root, consulted: dependencies })),
    () => secretDiagnostics(text, lines),
    () => ruleDiagnostics(scan, text, kind, memoryRuleFor(ctx.schema, kind, relativePath)),
    () => duplicateHeadingDiagnostics(scan, path),
    () => (relativePath === CURRENT_STATUS_PATH ? statusDateDiagnostics(scan) : []),
  ];
  const diagnostics: OrchardDiagnostic[] = [];
  for (const check of checks) {
    const found = check();
    for (const diagnostic of Array.isArray(found) ? found : yield* found) diagnostics.push(diagnostic);
    yield;
  }
  for (const dependency of graph.paths) dependencies.add(dependency);
  dependencies.delete(path);
  return { diagnostics: diagnostics.sort(compareDiagnostics), dependencies };
}

export function validateMemory(path: string, text: string, ctx: MemoryContext): OrchardDiagnostic[] {
  return checkMemoryFile(path, text, ctx).diagnostics;
}

/**
 * Absolute paths whose creation, deletion or change can change this file's
 * diagnostics: imported files (transitively, existing or not), the
 * package.json files and binaries consulted for scripts, linked files, and
 * `.orchard/schema.yaml`.
 */
export function memoryDependencies(path: string, text: string, ctx: MemoryContext): string[] {
  return [...checkMemoryFile(path, text, ctx).dependencies].sort();
}
