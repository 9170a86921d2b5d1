/**
 * Orchard shapes -> LSP shapes: severities, tags, related locations, and quick
 * fixes as WorkspaceEdits (files to create first, then versioned text edits).
 */
import { describe, expect, it } from 'vitest';
import { CodeActionKind, CompletionItemKind, DiagnosticSeverity, DiagnosticTag, InsertTextFormat } from 'vscode-languageserver/node';
import { rangesIntersect, toCodeAction, toLspCompletion, toLspDiagnostic, toLspSymbol } from '../../../language-server/src/toLsp';
import type { OrchardDiagnostic } from '../../../extension/src/core/diagnostics/diagnostic';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const uri = (p: string) => `file://${p}`;

describe('toLsp', () => {
  it('maps a diagnostic with its code, source, tags and related places', () => {
    const d: OrchardDiagnostic = {
      range: range(3, 4, 3, 9),
      severity: 'hint',
      code: 'tree/unused-var',
      message: 'var "port" is not used',
      tags: ['unnecessary'],
      related: [{ location: { path: '/ws/a.yaml', range: range(1, 0, 1, 4) }, message: 'declared here' }],
    };
    expect(toLspDiagnostic(d, uri)).toEqual({
      range: d.range,
      severity: DiagnosticSeverity.Hint,
      code: 'tree/unused-var',
      source: 'orchard',
      message: 'var "port" is not used',
      tags: [DiagnosticTag.Unnecessary],
      relatedInformation: [{ location: { uri: 'file:///ws/a.yaml', range: range(1, 0, 1, 4) }, message: 'declared here' }],
    });
    expect(toLspDiagnostic({ ...d, severity: 'error', tags: undefined, related: undefined }, uri)).not.toHaveProperty('tags');
  });

  it('turns a quick fix into a WorkspaceEdit: creations first, edits carrying the open version', () => {
    const action = toCodeAction(
      {
        title: 'Create docs/a.md',
        fixes: 'memory/import-not-found',
        isPreferred: true,
        createFiles: [{ path: '/ws/docs/a.md', content: '# A\n' }],
        edits: [{ path: '/ws/CLAUDE.md', edits: [{ range: range(0, 0, 0, 0), newText: 'x' }] }],
      },
      undefined,
      uri,
      (p) => (p === '/ws/CLAUDE.md' ? 7 : null),
    );
    expect(action).toEqual({
      title: 'Create docs/a.md',
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      edit: {
        documentChanges: [
          { kind: 'create', uri: 'file:///ws/docs/a.md', options: { ignoreIfExists: true } },
          { textDocument: { uri: 'file:///ws/docs/a.md', version: null }, edits: [{ range: range(0, 0, 0, 0), newText: '# A\n' }] },
          { textDocument: { uri: 'file:///ws/CLAUDE.md', version: 7 }, edits: [{ range: range(0, 0, 0, 0), newText: 'x' }] },
        ],
      },
    });
    // An empty new file is only created.
    const empty = toCodeAction({ title: 't', fixes: 'c', createFiles: [{ path: '/ws/x.txt', content: '' }] }, undefined, uri, () => null);
    expect(empty.edit!.documentChanges).toHaveLength(1);
  });

  it('maps completions, snippets and replace ranges', () => {
    expect(toLspCompletion({ label: 'build', kind: 'step', detail: 'shell' })).toEqual({ label: 'build', kind: CompletionItemKind.Function, detail: 'shell' });
    expect(toLspCompletion({ label: 'api', kind: 'snippet', insertText: 'action: api\n$0', isSnippet: true, range: range(1, 2, 1, 4) })).toEqual({
      label: 'api',
      kind: CompletionItemKind.Snippet,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: range(1, 2, 1, 4), newText: 'action: api\n$0' },
    });
  });

  it('keeps symbol nesting and never sends an empty name (VS Code rejects it)', () => {
    const symbol = toLspSymbol({ name: '', kind: 'section', range: range(0, 0, 5, 0), selectionRange: range(0, 0, 0, 1), children: [{ name: 'b', kind: 'step', range: range(1, 0, 1, 1), selectionRange: range(1, 0, 1, 1) }] });
    expect(symbol.name).toBe(' ');
    expect(symbol.children?.map((c) => c.name)).toEqual(['b']);
  });

  it('rangesIntersect treats touching ranges as intersecting (a cursor at a squiggle’s end)', () => {
    expect(rangesIntersect(range(1, 0, 1, 5), range(1, 5, 1, 5))).toBe(true);
    expect(rangesIntersect(range(1, 0, 1, 5), range(1, 6, 1, 6))).toBe(false);
    expect(rangesIntersect(range(1, 0, 3, 0), range(2, 0, 2, 0))).toBe(true);
  });
});
