/**
 * The Orchard language server: thin LSP wiring over the pure validators in
 * extension/src/core. It validates blueprint files as they are typed, with
 * the same schema and messages as the Studio's Plan pane.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { blueprintDiagnostics } from '../../extension/src/core/blueprintDiagnostics';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Per-document debounce: validate once typing pauses, not on every keystroke. */
const pending = new Map<string, NodeJS.Timeout>();
const DEBOUNCE_MS = 120;

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'Orchard Language Server' },
}));

function isBlueprint(uri: string): boolean {
  return /\/\.orchard\/blueprints\/[^/]+\.json$/.test(decodeURIComponent(uri));
}

function validate(document: TextDocument): void {
  if (!isBlueprint(document.uri)) return;
  const version = document.version;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = blueprintDiagnostics(document.getText()).map((d) => ({
      range: { start: document.positionAt(d.start), end: document.positionAt(d.end) },
      message: d.message,
      severity: DiagnosticSeverity.Error,
      code: d.code,
      source: 'orchard',
    }));
  } catch (error) {
    // A validator bug must not take the server down; the user sees it instead.
    connection.console.error(`Validating ${document.uri} failed: ${String(error)}`);
    return;
  }
  // The document may have changed while we validated; a newer run will publish.
  if (documents.get(document.uri)?.version !== version) return;
  void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
}

function schedule(document: TextDocument): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      validate(document);
    }, DEBOUNCE_MS),
  );
}

documents.onDidOpen((e) => validate(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
