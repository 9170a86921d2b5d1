/**
 * `orchard validate [paths…] [--format text|json|sarif] [--root DIR]`: the
 * language server's checks from a terminal or CI, through the same dispatcher
 * (core/validation/validateFiles.ts). Folders are walked for the files the
 * globs name; the root (default: the current folder) is where imports,
 * package.json and `.orchard/schema.yaml` resolve, and its
 * `.vscode/settings.json` may set `orchard.memory.globs` / `orchard.trees.globs`
 * as it does for the editor. Exit codes: 0 no errors, 1 errors found, 2 the
 * command line is wrong.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { compareDiagnostics, type OrchardDiagnostic, type ValidationFs } from '../core/diagnostics/diagnostic';
import { jsonTooDeep, tooDeepMessage } from '../core/diagnostics/nestingDepth';
import { fileTooLarge, fileUnreadable, MAX_CHECKED_BYTES, MAX_READ_BYTES, type FileKind } from '../core/validation/fileLimits';
import {
  allDiagnosticCodes,
  checkGlobs,
  DEFAULT_GLOBS,
  FileClassifier,
  loadProjectSchema,
  relativeToRoot,
  validateFile,
  type FileGlobs,
  type ValidationContext,
} from '../core/validation/validateFiles';
import { parseCommandLine, UsageError, type CliCommand, type CliIo } from './registry';
import { formatSarif, formatText, REPORT_FORMATS, toJsonProblems, type FileReport, type ReportFormat } from './validateReport';

const HELP = 'orchard validate --help';
const USAGE = `Usage: orchard validate [paths…] [--format text|json|sarif] [--root DIR]

Checks project memory files (CLAUDE.md, AGENTS.md, .claude/rules, …), cookbook trees
(cookbooks/trees/*.yaml, .orchard/trees/*.yaml), blueprints (.orchard/blueprints/*.json)
and .orchard/schema.yaml, as the editor does. Folders are searched for those files
(node_modules, .git, dist and .cache are skipped); the default is the current folder.

  --format text|json|sarif  text (default): file:line:column lines and a summary;
                            json: [{file, line, column, endLine, endColumn, severity, code, message}];
                            sarif: SARIF 2.1.0 for code scanning
  --root DIR                where imports, package.json and .orchard/schema.yaml resolve
                            (default: the current folder); paths in the output are relative to it

orchard.memory.globs and orchard.trees.globs in DIR/.vscode/settings.json replace the default
globs. A file over its size limit (memory files, blueprints and schema.yaml 1 MiB, trees 4 MiB)
or one that cannot be read is reported as not checked (orchard/file-too-large,
orchard/file-unreadable, errors) and the others are checked as usual.
Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 wrong command line.
Every code is explained in docs/diagnostics.md.
`;

/** Folders never searched: dependencies, git internals, build output, caches. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', '.cache']);

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check memory files, cookbook trees, blueprints and .orchard/schema.yaml (exit 1 on errors)',
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { format: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      HELP,
    );
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const format = (values.format ?? 'text') as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${values.format}"`, HELP);
    const root = path.resolve(io.cwd, values.root ?? '.');
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--root: ${root} is not a folder`, HELP);

    const diskFs = new DiskFs();
    const posixRoot = toPosix(root);
    const context: ValidationContext = {
      root: posixRoot,
      fs: diskFs,
      schema: loadProjectSchema(posixRoot, diskFs).schema,
      classifier: new FileClassifier(readGlobSettings(root, io)),
    };
    const files = collectFiles(positionals.length ? positionals : ['.'], io.cwd, root, context.classifier);
    const reports: FileReport[] = [];
    for (const file of files) {
      const posixFile = toPosix(file);
      const relative = relativeToRoot(posixRoot, posixFile)!;
      // One file too large or unreadable is reported as such; every other file still gets its report.
      const read = readForValidation(file, context.classifier.kindOf(relative)!);
      if ('refused' in read) {
        reports.push({ file: relative, diagnostics: [read.refused], notChecked: true });
        continue;
      }
      const validation = validateFile(posixFile, read.text, context);
      reports.push({
        file: relative,
        diagnostics: [...(validation?.diagnostics ?? [])].sort(compareDiagnostics),
        ...(validation?.notChecked ? { notChecked: true as const } : {}),
      });
    }
    reports.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

    if (format === 'json') io.out(`${JSON.stringify(toJsonProblems(reports), null, 2)}\n`);
    else if (format === 'sarif') io.out(formatSarif(reports, allDiagnosticCodes(), pathToFileURL(root).href));
    else io.out(formatText(reports));
    return reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
  },
};

/** Every file to check, as absolute native paths, each once; explicit files must be ones we validate. */
function collectFiles(inputs: string[], cwd: string, root: string, classifier: FileClassifier): string[] {
  const found = new Set<string>();
  const kindOf = (abs: string) => {
    const rel = relativeToRoot(toPosix(root), toPosix(abs));
    return rel === undefined ? undefined : classifier.kindOf(rel);
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const stat = fs.statSync(abs, { throwIfNoEntry: false });
    if (!stat) throw new UsageError(`there is no file or folder ${input}`, HELP);
    if (abs !== root && !abs.startsWith(root + path.sep)) {
      throw new UsageError(`${input} is outside the root ${root}; pass --root to validate another folder`, HELP);
    }
    if (stat.isDirectory()) {
      walk(abs, (file) => kindOf(file) && found.add(file));
    } else if (kindOf(abs)) {
      found.add(abs);
    } else {
      throw new UsageError(
        `${input} is not a file Orchard validates (a memory file, a cookbook tree, a blueprint or .orchard/schema.yaml; see orchard.memory.globs and orchard.trees.globs)`,
        HELP,
      );
    }
  }
  return [...found];
}

function walk(dir: string, visit: (file: string) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folder: nothing we could check in it
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) walk(full, visit);
    } else if (entry.isFile()) {
      visit(full);
    }
  }
}

/** The editor's globs settings from the root's .vscode/settings.json, checked like the server does. */
function readGlobSettings(root: string, io: CliIo): FileGlobs {
  const file = path.join(root, '.vscode', 'settings.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return DEFAULT_GLOBS;
  }
  // jsonc-parser recurses per level: a settings file nested 100,000 deep would overflow the stack.
  if (jsonTooDeep(text)) {
    io.err(`orchard: warning: .vscode/settings.json is ${tooDeepMessage()}; using the default globs\n`);
    return DEFAULT_GLOBS;
  }
  const errors: ParseError[] = [];
  const settings: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof settings !== 'object' || settings === null) {
    io.err(`orchard: warning: .vscode/settings.json is not valid JSON; using the default globs\n`);
    return DEFAULT_GLOBS;
  }
  const values = settings as Record<string, unknown>;
  const memory = checkGlobs('orchard.memory.globs', values['orchard.memory.globs'], DEFAULT_GLOBS.memory);
  const trees = checkGlobs('orchard.trees.globs', values['orchard.trees.globs'], DEFAULT_GLOBS.trees);
  for (const problem of [...memory.problems, ...trees.problems]) io.err(`orchard: warning: .vscode/settings.json: ${problem}\n`);
  return { memory: memory.globs, trees: trees.globs };
}

function toPosix(nativePath: string): string {
  if (process.platform !== 'win32') return nativePath;
  return `/${nativePath.replace(/\\/g, '/')}`;
}

function toNative(posixPath: string): string {
  if (process.platform !== 'win32') return posixPath;
  return posixPath.slice(1).replace(/\//g, '\\');
}

/**
 * A file to validate, read only when it is within its kind's limit: a 200 MB
 * CLAUDE.md is refused from its size on disk, never read.
 */
function readForValidation(file: string, kind: FileKind): { text: string } | { refused: OrchardDiagnostic } {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CHECKED_BYTES[kind]) return { refused: fileTooLarge(kind, size) };
    return { text: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { refused: fileUnreadable(reason) };
  }
}

class DiskFs implements ValidationFs {
  readonly homeDir = toPosix(os.homedir());

  readText(absPath: string): string | undefined {
    try {
      const native = toNative(absPath);
      const stat = fs.statSync(native, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > MAX_READ_BYTES) return undefined;
      return fs.readFileSync(native, 'utf8');
    } catch {
      return undefined;
    }
  }

  exists(absPath: string): boolean {
    return fs.existsSync(toNative(absPath));
  }

  list(absDir: string): { name: string; isDirectory: boolean }[] {
    try {
      return fs.readdirSync(toNative(absDir), { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch {
      return [];
    }
  }
}
