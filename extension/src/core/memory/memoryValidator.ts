/**
 * Validation of one memory file: every check in one pass over the text, the
 * other files reached through `ctx.fs` only. Pure and synchronous, so the
 * language server and `orchard validate` give the same answers.
 */
import { memoryRuleFor, PROJECT_SCHEMA_PATH } from '../projectSchema/projectSchema';
import { compareDiagnostics, type OrchardDiagnostic } from '../diagnostics/diagnostic';
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
import { scanMarkdown, type MarkdownScan } from './markdownScan';
import type { MemoryContext } from './memoryContext';
import { memoryKindOf, type MemoryKind } from '../memoryKinds';
import { joinPath, relativeTo } from './posixPaths';
import { scriptDiagnostics } from './scriptCommands';
import { secretDiagnostics } from './secrets';

interface ValidationRun {
  diagnostics: OrchardDiagnostic[];
  /** Every other path whose change can change the diagnostics. */
  dependencies: Set<string>;
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

function run(path: string, text: string, ctx: MemoryContext): ValidationRun {
  const lines = new LineIndex(text);
  const scan: MarkdownScan = scanMarkdown(text);
  const relativePath = relativeTo(ctx.root, path);
  const kind: MemoryKind = memoryKindOf(relativePath);
  const dependencies = new Set<string>([joinPath(ctx.root, PROJECT_SCHEMA_PATH)]);
  const graph = new ImportGraph(ctx.fs, path, scan.imports);
  const diagnostics: OrchardDiagnostic[] = [
    ...frontMatterDiagnostics(path, kind, scan, lines),
    ...importNotFound(graph, ctx),
    ...importGraphDiagnostics(graph, ctx.root, ctx.fs),
    ...linkDiagnostics(scan, path, ctx.root, ctx.fs, dependencies),
    // A plan describes what is still to be built, scripts included: naming one that does not exist yet is the point.
    ...(kind === 'orchard-plan' ? [] : scriptDiagnostics(path, scan, { fs: ctx.fs, root: ctx.root, consulted: dependencies })),
    ...secretDiagnostics(text, lines),
    ...ruleDiagnostics(scan, text, kind, memoryRuleFor(ctx.schema, kind, relativePath)),
    ...duplicateHeadingDiagnostics(scan, path),
    ...(relativePath === CURRENT_STATUS_PATH ? statusDateDiagnostics(scan) : []),
  ];
  for (const dependency of graph.paths) dependencies.add(dependency);
  dependencies.delete(path);
  return { diagnostics: diagnostics.sort(compareDiagnostics), dependencies };
}

export function validateMemory(path: string, text: string, ctx: MemoryContext): OrchardDiagnostic[] {
  return run(path, text, ctx).diagnostics;
}

/**
 * Absolute paths whose creation, deletion or change can change this file's
 * diagnostics: imported files (transitively, existing or not), the
 * package.json files and binaries consulted for scripts, linked files, and
 * `.orchard/schema.yaml`.
 */
export function memoryDependencies(path: string, text: string, ctx: MemoryContext): string[] {
  return [...run(path, text, ctx).dependencies].sort();
}
