/**
 * The shapes shared by every pure validator and editor feature (memory files,
 * cookbook trees, the workspace schema) and by their two hosts: the language
 * server and `orchard validate`. LSP-compatible on purpose — positions are
 * 0-based lines and UTF-16 characters, like `vscode-languageserver` — so the
 * server maps them one to one, but nothing here imports LSP or does I/O.
 *
 * Files are named by absolute POSIX paths (`/projects/acme/CLAUDE.md`); the hosts
 * translate URIs and relative CLI paths at the edge.
 */

/**
 * What a cookbook tree action requires: the built-in actions (`api`, `wait_build`, `shell`, `agent`,
 * `wait`) have theirs in the tree schema; `.orchard/schema.yaml` may add actions of its own.
 */
export interface ActionRule {
  required: string[];
  optional: string[];
  description?: string;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** 0-based line, 0-based UTF-16 code unit offset in that line (LSP `Position`). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  path: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: edits to existing files and/or files to create. Paths are absolute. */
export interface QuickFix {
  title: string;
  /** The diagnostic code this fix answers (e.g. `tree/unknown-key`). */
  fixes: string;
  /** Whether VS Code should offer it as the preferred fix (Ctrl+. on the squiggle). */
  isPreferred?: boolean;
  edits?: { path: string; edits: TextEdit[] }[];
  createFiles?: { path: string; content: string }[];
}

export interface OrchardDiagnostic {
  range: Range;
  severity: Severity;
  /** Stable and documented in CLAUDE.md ("Diagnostic codes"), e.g. `memory/import-not-found`. */
  code: string;
  message: string;
  /** Other places that explain this one (each edge of a dependency cycle, the first of two duplicates). */
  related?: { location: Location; message: string }[];
  /** Quick fixes computed with the diagnostic, so the server can answer code actions without re-deriving them. */
  fixes?: QuickFix[];
  /** `unnecessary` greys the range out (unused vars/outputs), like LSP's DiagnosticTag.Unnecessary. */
  tags?: ('unnecessary' | 'deprecated')[];
}

/**
 * The only way validators see other files. Synchronous because validators are
 * plain functions; the language server backs it with open documents first and
 * the disk second, the CLI with the disk, tests with a Map.
 */
export interface ValidationFs {
  /** The file's text, or undefined when it does not exist or is not a readable file. */
  readText(absPath: string): string | undefined;
  /** Whether a file or folder exists at the path. */
  exists(absPath: string): boolean;
  /** Names of a folder's entries (files and folders), or [] when it is missing. For import-path completion. */
  list(absDir: string): { name: string; isDirectory: boolean }[];
  /** `~` in `@~/…` imports. */
  readonly homeDir: string;
}

export type CompletionKind = 'step' | 'var' | 'output' | 'action' | 'key' | 'file' | 'folder' | 'value' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** What to insert instead of the label; may be a snippet when `isSnippet`. */
  insertText?: string;
  isSnippet?: boolean;
  /** The range the completion replaces (defaults to the word at the cursor). */
  range?: Range;
  sortText?: string;
}

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export type SymbolKind = 'step' | 'var' | 'section' | 'key' | 'teardown';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

/** Sort order the CLI and tests use: by line, then column, then code. */
export function compareDiagnostics(a: OrchardDiagnostic, b: OrchardDiagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.code.localeCompare(b.code)
  );
}
