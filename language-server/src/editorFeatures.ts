/**
 * Completion, hover, definition, references, outline and quick fixes: each asks
 * the document's current validation state (trees need the parse of exactly the
 * text on screen) and hands over to the pure feature of its file kind.
 * Quick fixes are not derived again: they travel with the diagnostics.
 */
import { CodeActionKind, type CodeAction, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  memoryCompletions,
  memoryDefinition,
  memoryHover,
  memorySymbols,
} from '../../extension/src/core/memory/memoryService';
import {
  treeCompletions,
  treeDefinition,
  treeHover,
  treeReferences,
  treeSymbols,
} from '../../extension/src/core/trees/treeService';
import { memoryContext, treeOptions } from '../../extension/src/core/validation/validateFiles';
import type { DocumentState, DocumentValidator } from './documentValidator';
import { rangesIntersect, toCodeAction, toLspCompletion, toLspDiagnostic, toLspHover, toLspLocation, toLspSymbol } from './toLsp';

export function registerEditorFeatures(connection: Connection, documents: TextDocuments<TextDocument>, validator: DocumentValidator): void {
  /** Runs a feature on the document's current state; a feature that throws answers nothing, and says so in the log. */
  async function withState<T>(uri: string, feature: string, fallback: T, run: (state: DocumentState, text: string) => T): Promise<T> {
    try {
      const state = await validator.current(uri);
      const document = documents.get(uri);
      // A file over its size limit is not read for features either: the one diagnostic says why.
      if (!state?.validation || state.validation.notChecked || !document) return fallback;
      return run(state, document.getText());
    } catch (error) {
      connection.console.error(`${feature} failed in ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  connection.onCompletion(({ textDocument, position }) =>
    withState(textDocument.uri, 'Completion', [], (state, text) => {
      const { kind, tree } = state.validation!;
      if (kind === 'tree' && tree) return treeCompletions(tree, position, treeOptions(state.context.schema)).map(toLspCompletion);
      if (kind === 'memory') return memoryCompletions(state.path, text, position, memoryContext(state.context)).map(toLspCompletion);
      return [];
    }),
  );

  connection.onHover(({ textDocument, position }) =>
    withState(textDocument.uri, 'Hover', null, (state, text) => {
      const { kind, tree } = state.validation!;
      const hover =
        kind === 'tree' && tree
          ? treeHover(tree, position, treeOptions(state.context.schema))
          : kind === 'memory'
            ? memoryHover(state.path, text, position, memoryContext(state.context))
            : undefined;
      return hover ? toLspHover(hover) : null;
    }),
  );

  connection.onDefinition(({ textDocument, position }) =>
    withState(textDocument.uri, 'Definition', null, (state, text) => {
      const { kind, tree } = state.validation!;
      if (kind === 'tree' && tree) {
        const range = treeDefinition(tree, position);
        return range ? { uri: state.uri, range } : null;
      }
      if (kind === 'memory') {
        const location = memoryDefinition(state.path, text, position, memoryContext(state.context));
        return location ? toLspLocation(location, (p) => validator.uriOf(p)) : null;
      }
      return null;
    }),
  );

  connection.onReferences(({ textDocument, position, context }) =>
    withState(textDocument.uri, 'References', [], (state) => {
      const { kind, tree } = state.validation!;
      if (kind !== 'tree' || !tree) return [];
      return treeReferences(tree, position, context.includeDeclaration).map((range) => ({ uri: state.uri, range }));
    }),
  );

  connection.onDocumentSymbol(({ textDocument }) =>
    withState(textDocument.uri, 'Outline', [], (state, text) => {
      const { kind, tree } = state.validation!;
      if (kind === 'tree' && tree) return treeSymbols(tree).map(toLspSymbol);
      if (kind === 'memory') return memorySymbols(state.path, text).map(toLspSymbol);
      return [];
    }),
  );

  connection.onCodeAction(({ textDocument, range, context }) =>
    withState(textDocument.uri, 'Quick fixes', [], (state) => {
      if (context.only && !context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      const actions: CodeAction[] = [];
      const uriOf = (p: string) => validator.uriOf(p);
      const versionOf = (p: string) => {
        const uri = validator.uriOf(p);
        return documents.get(uri)?.version ?? null;
      };
      for (const diagnostic of state.validation!.diagnostics) {
        if (!diagnostic.fixes?.length || !rangesIntersect(diagnostic.range, range)) continue;
        const lsp = toLspDiagnostic(diagnostic, uriOf);
        for (const fix of diagnostic.fixes) actions.push(toCodeAction(fix, lsp, uriOf, versionOf));
      }
      return actions;
    }),
  );
}
