/**
 * The Orchard language server: thin LSP wiring over the pure validators in
 * extension/src/core (blueprint files, memory files, cookbook trees and the
 * workspace's .orchard/schema.yaml — core/validation/validateFiles.ts picks
 * which). The same dispatcher runs in `orchard validate`, so the editor and CI
 * agree. Started by the extension over IPC, or with `--stdio` (the benchmark).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionKind,
  createConnection,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentValidator } from './documentValidator';
import { registerEditorFeatures } from './editorFeatures';
import { ServerFs, uriToPath } from './serverFs';
import { WorkspaceFolders } from './workspaceFolders';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const fs = new ServerFs();
let canAskSettings = false;
const folders = new WorkspaceFolders(connection, fs, () => canAskSettings);
const validator = new DocumentValidator(connection, documents, fs, folders);

connection.onInitialize((params): InitializeResult => {
  canAskSettings = params.capabilities.workspace?.configuration === true;
  const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
  if (roots.length === 0 && params.rootUri) {
    const root = uriToPath(params.rootUri);
    if (root) roots.push(root);
  }
  folders.setRoots(roots);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: ['.', '@', '/', '[', ','] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Orchard Language Server' },
  };
});

connection.onInitialized(() => {
  if (!connection.workspace) return;
  try {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      const current = (await connection.workspace.getWorkspaceFolders()) ?? [];
      folders.setRoots(current.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined));
      validator.forgetAll();
    });
  } catch {
    // The client does not announce folder changes (the benchmark's bare client): the initial folders stay.
  }
});

// Settings are read per folder through workspace/configuration; a change makes every folder ask again.
connection.onDidChangeConfiguration(() => {
  folders.forgetSettings();
  validator.forgetAll();
});

function onFileChanged(path: string, how: 'edited' | 'created' | 'deleted'): void {
  const root = folders.forgetSchemaIfSchemaFile(path);
  if (root) {
    // Tree actions come from schema.yaml: everything in that folder may change.
    validator.invalidate(validator.documentsWhere((s) => s.context.root === root));
    return;
  }
  const affected = new Set(validator.dependentsOf(path));
  if (how !== 'edited') {
    // A file that appears or disappears can resolve or break an import, a link or the nearest package.json.
    const root = folders.rootOf(path);
    for (const uri of validator.documentsWhere((s) => s.validation?.kind === 'memory' && s.context.root === root)) affected.add(uri);
  }
  validator.invalidate(affected);
}

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) {
    const path = uriToPath(change.uri);
    // Open documents are followed through their edits, not the disk.
    if (!path || (fs.openDocument(path) && change.type === FileChangeType.Changed)) continue;
    onFileChanged(path, change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'edited');
  }
});

documents.onDidOpen(({ document }) => {
  const path = uriToPath(document.uri);
  if (!path) return;
  fs.setOpen(path, document);
  onFileChanged(path, 'edited');
});

documents.onDidChangeContent(({ document }) => {
  const path = uriToPath(document.uri);
  if (path) {
    fs.setOpen(path, document);
    onFileChanged(path, 'edited');
  }
  validator.schedule(document.uri);
});

documents.onDidClose(({ document }) => {
  const path = uriToPath(document.uri);
  validator.forget(document.uri);
  if (!path) return;
  fs.setOpen(path, undefined);
  // Dependents now see the file on disk, which may differ from the text that was open.
  onFileChanged(path, 'edited');
});

registerEditorFeatures(connection, documents, validator);

documents.listen(connection);
connection.listen();
