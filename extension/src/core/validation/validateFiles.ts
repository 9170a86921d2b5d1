/**
 * The one dispatcher both hosts use (the language server and `orchard validate`):
 * which validator answers for which file, the workspace's `.orchard/schema.yaml`,
 * and the globs from `orchard.memory.globs` / `orchard.trees.globs` checked so that
 * nonsense settings fall back to the defaults instead of stopping validation.
 * Pure: files come in as text and through a ValidationFs.
 */
import picomatch from 'picomatch/posix';
import { blueprintDiagnostics } from '../blueprint/blueprintDiagnostics';
import { BLUEPRINTS_DIR } from '../blueprint/blueprintFile';
import { checkMemoryFileSteps, DEFAULT_MEMORY_GLOBS, DEFAULT_TREE_GLOBS, MEMORY_DIAGNOSTIC_CODES, memoryDependencies, type MemoryContext } from '../memory/memoryService';
import { DEFAULT_PROJECT_SCHEMA, parseProjectSchema, PROJECT_SCHEMA_DIAGNOSTIC_CODES, PROJECT_SCHEMA_PATH, type ProjectSchema } from '../projectSchema/projectSchema';
import { parseTreeSteps, TREE_DIAGNOSTIC_CODES, validateTree, type ParsedTree } from '../trees/treeService';
import type { OrchardDiagnostic, ValidationFs } from '../diagnostics/diagnostic';
import { FILE_TOO_LARGE_CODE, FILE_UNREADABLE_CODE, MORE_PROBLEMS_CODE, sizeProblem, type FileKind } from './fileLimits';
import { LineIndex } from '../diagnostics/lineIndex';
import { runToEnd, type Steps } from '../diagnostics/steps';

export type { FileKind } from './fileLimits';

/** Code of the diagnostic a host shows when a validator itself throws (a bug, never the user's fault). */
export const INTERNAL_ERROR_CODE = 'orchard/internal-error';

export const VALIDATION_DIAGNOSTIC_CODES: Record<string, string> = {
  [INTERNAL_ERROR_CODE]: 'a validator failed on this file (a bug in Orchard); the message names the error',
  [FILE_TOO_LARGE_CODE]: 'the file is larger than Orchard checks for its kind (memory files, blueprints and schema.yaml 1 MiB, trees 4 MiB); nothing else is reported for it',
  [FILE_UNREADABLE_CODE]: 'orchard validate could not read the file (permissions, or it vanished); the message gives the reason',
  [MORE_PROBLEMS_CODE]: 'the editor is sent at most 1,000 problems per file (errors first); this one counts the rest, which orchard validate lists',
};

export const BLUEPRINT_DIAGNOSTIC_CODES: Record<string, string> = {
  'blueprint/json-syntax': 'a blueprint file is not valid JSON (no comments, no trailing commas)',
  'blueprint/schema': 'a value breaks the blueprint schema; the message starts with its JSON path',
};

/** Every code any validator can produce, with its one-line meaning (SARIF rules, docs/diagnostics.md). */
export function allDiagnosticCodes(): Record<string, string> {
  return {
    ...BLUEPRINT_DIAGNOSTIC_CODES,
    ...MEMORY_DIAGNOSTIC_CODES,
    ...TREE_DIAGNOSTIC_CODES,
    ...PROJECT_SCHEMA_DIAGNOSTIC_CODES,
    ...VALIDATION_DIAGNOSTIC_CODES,
  };
}

export interface FileGlobs {
  memory: readonly string[];
  trees: readonly string[];
}

export const DEFAULT_GLOBS: FileGlobs = { memory: DEFAULT_MEMORY_GLOBS, trees: DEFAULT_TREE_GLOBS };

/**
 * Globs from settings, checked: anything that is not a list of valid glob strings
 * is replaced by the defaults (or the entry dropped), with a problem to log.
 */
export function checkGlobs(
  setting: string,
  value: unknown,
  defaults: readonly string[],
): { globs: readonly string[]; problems: string[] } {
  if (value === undefined || value === null) return { globs: defaults, problems: [] };
  if (!Array.isArray(value)) {
    return { globs: defaults, problems: [`${setting} must be a list of globs, not ${describe(value)}; using the defaults`] };
  }
  const globs: string[] = [];
  const problems: string[] = [];
  for (const [i, entry] of value.entries()) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      problems.push(`${setting}[${i}] must be a non-empty glob string, not ${describe(entry)}; ignored`);
      continue;
    }
    try {
      // strictBrackets: an unbalanced [ or { is a mistake, not a literal character.
      picomatch.makeRe(entry, { ...GLOB_OPTIONS, strictBrackets: true });
      globs.push(entry);
    } catch (error) {
      problems.push(`${setting}[${i}] "${entry}" is not a valid glob (${error instanceof Error ? error.message : String(error)}); ignored`);
    }
  }
  return { globs, problems };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

const GLOB_OPTIONS = { dot: true } as const;

/** Decides which validator owns a file, by its path relative to the workspace root. */
export class FileClassifier {
  private readonly isTree: (rel: string) => boolean;
  private readonly isMemory: (rel: string) => boolean;

  constructor(readonly globs: FileGlobs = DEFAULT_GLOBS) {
    this.isTree = matcher(globs.trees);
    this.isMemory = matcher(globs.memory);
  }

  kindOf(relativePath: string): FileKind | undefined {
    if (relativePath === PROJECT_SCHEMA_PATH) return 'project-schema';
    if (isBlueprintPath(relativePath)) return 'blueprint';
    if (this.isTree(relativePath)) return 'tree';
    if (this.isMemory(relativePath)) return 'memory';
    return undefined;
  }
}

function matcher(globs: readonly string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  return picomatch([...globs], GLOB_OPTIONS);
}

export function isBlueprintPath(relativePath: string): boolean {
  const prefix = `${BLUEPRINTS_DIR}/`;
  return relativePath.startsWith(prefix) && relativePath.endsWith('.json') && !relativePath.slice(prefix.length).includes('/');
}

/** `/projects/acme/a/b.md` under `/projects/acme` -> `a/b.md`; undefined when the path is not inside the root. */
export function relativeToRoot(root: string, absPath: string): string | undefined {
  const base = root.endsWith('/') ? root : `${root}/`;
  return absPath.startsWith(base) ? absPath.slice(base.length) : undefined;
}

export function joinPath(root: string, relative: string): string {
  return `${root.replace(/\/+$/, '')}/${relative}`;
}

/** The workspace's schema.yaml, or the built-in defaults when it is missing or broken (never throws). */
export function loadProjectSchema(root: string, fs: ValidationFs): { schema: ProjectSchema; diagnostics: OrchardDiagnostic[] } {
  const path = joinPath(root, PROJECT_SCHEMA_PATH);
  const text = fs.readText(path);
  if (text === undefined) return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [] };
  const tooLarge = sizeProblem('project-schema', text);
  if (tooLarge) return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [tooLarge] };
  try {
    return parseProjectSchema(path, text);
  } catch (error) {
    return { schema: DEFAULT_PROJECT_SCHEMA, diagnostics: [internalError('schema', error)] };
  }
}

export interface ValidationContext {
  /** The workspace folder the file belongs to (absolute, POSIX): imports and package.json resolve from here. */
  root: string;
  fs: ValidationFs;
  schema: ProjectSchema;
  classifier: FileClassifier;
}

export interface FileValidation {
  kind: FileKind;
  diagnostics: OrchardDiagnostic[];
  /** Trees only: the parse to pass back as `previous` for the next version of the same document. */
  tree?: ParsedTree;
  /** Memory files only: what `fileDependencies` would answer, found by the same pass. */
  dependencies?: string[];
  /** Over its kind's size limit: the one diagnostic says so, and editor features answer nothing for it. */
  notChecked?: true;
}

/**
 * Validates one file with the validator its path selects; undefined when no
 * validator owns the path. A validator that throws becomes one diagnostic,
 * so one bad file never stops the others; a file over its size limit is not
 * validated (fileLimits.ts).
 */
export function validateFile(path: string, text: string, ctx: ValidationContext, previousTree?: ParsedTree): FileValidation | undefined {
  return runToEnd(validateFileSteps(path, text, ctx, previousTree));
}

/**
 * validateFile in steps (a tree chunk, a memory check): the language server
 * runs a few milliseconds of them at a time, answering other documents in
 * between, and stops when the document changes.
 */
export function* validateFileSteps(path: string, text: string, ctx: ValidationContext, previousTree?: ParsedTree): Steps<FileValidation | undefined> {
  const kind = fileKind(path, ctx);
  if (!kind) return undefined;
  const tooLarge = sizeProblem(kind, text);
  if (tooLarge) return { kind, diagnostics: [tooLarge], notChecked: true };
  try {
    switch (kind) {
      case 'blueprint':
        return { kind, diagnostics: blueprintFileDiagnostics(text) };
      case 'project-schema':
        return { kind, diagnostics: parseProjectSchema(path, text).diagnostics };
      case 'tree': {
        const tree = yield* parseTreeSteps(path, text, previousTree);
        yield;
        return { kind, tree, diagnostics: validateTree(tree, treeOptions(ctx.schema)) };
      }
      case 'memory': {
        const { diagnostics, dependencies } = yield* checkMemoryFileSteps(path, text, memoryContext(ctx));
        return { kind, diagnostics, dependencies: [...dependencies].sort() };
      }
    }
  } catch (error) {
    return { kind, diagnostics: [internalError(kind, error)] };
  }
}

export function fileKind(path: string, ctx: ValidationContext): FileKind | undefined {
  const relative = relativeToRoot(ctx.root, path);
  return relative === undefined ? undefined : ctx.classifier.kindOf(relative);
}

/**
 * Absolute paths of other files whose change can change this file's diagnostics
 * (imports, links, package.json files consulted). validateFile gives the same
 * list for memory files from its own pass; this asks without the diagnostics.
 * Trees depend only on schema.yaml, which hosts watch anyway.
 */
export function fileDependencies(path: string, text: string, ctx: ValidationContext): string[] {
  if (fileKind(path, ctx) !== 'memory' || sizeProblem('memory', text)) return [];
  try {
    return memoryDependencies(path, text, memoryContext(ctx));
  } catch {
    // The validation of the same text reports the failure; no dependencies is the safe answer here.
    return [];
  }
}

export function memoryContext(ctx: ValidationContext): MemoryContext {
  return { root: ctx.root, fs: ctx.fs, schema: ctx.schema };
}

export function treeOptions(schema: ProjectSchema): { extraActions: ProjectSchema['trees']['actions'] } {
  return { extraActions: schema.trees.actions };
}

function internalError(kind: string, error: unknown): OrchardDiagnostic {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'error',
    code: INTERNAL_ERROR_CODE,
    message: `The ${kind} validator failed on this file: ${detail}. This is a bug in Orchard; please report it.`,
  };
}

/** The blueprint validator speaks in offsets; everything else in positions. */
function blueprintFileDiagnostics(text: string): OrchardDiagnostic[] {
  const lines = new LineIndex(text);
  return blueprintDiagnostics(text).map((d) => ({
    range: lines.rangeOf(d.start, d.end),
    severity: 'error',
    code: d.code,
    message: d.message,
  }));
}
