/**
 * Orchard's validator shapes -> LSP shapes. Positions are already LSP's
 * (0-based, UTF-16), so this is renaming and unit conversion only: severity
 * names to numbers, absolute paths to URIs, quick fixes to WorkspaceEdits.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type CodeAction,
  type CompletionItem as LspCompletionItem,
  type CreateFile,
  type Diagnostic,
  type DocumentSymbol as LspDocumentSymbol,
  type Hover as LspHover,
  type Location as LspLocation,
  type Range,
  type TextDocumentEdit,
} from 'vscode-languageserver/node';
import type {
  CompletionItem,
  CompletionKind,
  DocumentSymbol,
  Hover,
  Location,
  OrchardDiagnostic,
  QuickFix,
  Severity,
  SymbolKind as OrchardSymbolKind,
} from '../../extension/src/core/diagnostics/diagnostic';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAG = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated } as const;

export function toLspDiagnostic(d: OrchardDiagnostic, pathToUri: (path: string) => string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'orchard',
    message: d.message,
  };
  if (d.related?.length) {
    diagnostic.relatedInformation = d.related.map((r) => ({ location: toLspLocation(r.location, pathToUri), message: r.message }));
  }
  if (d.tags?.length) diagnostic.tags = d.tags.map((t) => TAG[t]);
  return diagnostic;
}

export function toLspLocation(location: Location, pathToUri: (path: string) => string): LspLocation {
  return { uri: pathToUri(location.path), range: location.range };
}

/**
 * A quick fix as a CodeAction. Edits to an open document carry its version so
 * VS Code refuses them if the text moved on since the fix was computed.
 */
export function toCodeAction(
  fix: QuickFix,
  diagnostic: Diagnostic | undefined,
  pathToUri: (path: string) => string,
  versionOf: (path: string) => number | null,
): CodeAction {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const file of fix.createFiles ?? []) {
    const uri = pathToUri(file.path);
    documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    if (file.content) {
      const start = { line: 0, character: 0 };
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start, end: start }, newText: file.content }] });
    }
  }
  for (const edit of fix.edits ?? []) {
    documentChanges.push({ textDocument: { uri: pathToUri(edit.path), version: versionOf(edit.path) }, edits: edit.edits });
  }
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, edit: { documentChanges } };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.isPreferred) action.isPreferred = true;
  return action;
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  step: CompletionItemKind.Function,
  var: CompletionItemKind.Variable,
  output: CompletionItemKind.Field,
  action: CompletionItemKind.Enum,
  key: CompletionItemKind.Property,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

export function toLspCompletion(item: CompletionItem): LspCompletionItem {
  const result: LspCompletionItem = { label: item.label, kind: COMPLETION_KIND[item.kind] };
  if (item.detail !== undefined) result.detail = item.detail;
  if (item.documentation !== undefined) result.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
  if (item.sortText !== undefined) result.sortText = item.sortText;
  if (item.isSnippet) result.insertTextFormat = InsertTextFormat.Snippet;
  const newText = item.insertText ?? item.label;
  if (item.range) result.textEdit = { range: item.range, newText };
  else if (item.insertText !== undefined) result.insertText = item.insertText;
  return result;
}

export function toLspHover(hover: Hover): LspHover {
  return { contents: { kind: MarkupKind.Markdown, value: hover.contents }, range: hover.range };
}

const SYMBOL_KIND: Record<OrchardSymbolKind, SymbolKind> = {
  step: SymbolKind.Function,
  var: SymbolKind.Variable,
  section: SymbolKind.String,
  key: SymbolKind.Property,
  teardown: SymbolKind.Event,
};

export function toLspSymbol(symbol: DocumentSymbol): LspDocumentSymbol {
  const result: LspDocumentSymbol = {
    name: symbol.name || ' ',
    kind: SYMBOL_KIND[symbol.kind],
    range: symbol.range,
    selectionRange: symbol.selectionRange,
  };
  if (symbol.detail !== undefined) result.detail = symbol.detail;
  if (symbol.children?.length) result.children = symbol.children.map(toLspSymbol);
  return result;
}

export function rangesIntersect(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
