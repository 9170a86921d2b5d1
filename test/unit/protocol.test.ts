import { describe, expect, it } from 'vitest';
import { blueprintEntry } from '../../extension/src/core/blueprint/blueprintFile';
import { newOperation } from '../../extension/src/core/operations/operation';
import { applyViewEvents, emptyView } from '../../extension/src/core/operations/operationView';
import { HostToWebview, parseHostMessage, parseWebviewMessage, StudioViewState } from '../../extension/src/core/protocol';

describe('webview -> host', () => {
  it('accepts each well-formed message', () => {
    for (const msg of [
      { type: 'ready' },
      { type: 'blueprint/create', featureName: 'Todo', summary: '' },
      { type: 'blueprint/openFile', slug: 'todo' },
      { type: 'build/request', slug: 'todo' },
      { type: 'apiKey/set' },
      { type: 'studio/open' },
      { type: 'studio/open', slug: 'todo' },
      { type: 'history/request', slug: 'todo' },
      { type: 'history/compare', slug: 'todo', revA: 1, revB: 3 },
      { type: 'history/restore', slug: 'todo', rev: 2 },
      { type: 'revision/save', slug: 'todo' },
      { type: 'git/init', slug: 'todo' },
      { type: 'webview/problem', text: 'dropped a malformed host message' },
      { type: 'operations/watch', ids: [] },
      { type: 'operations/watch', ids: ['op-00000abc-0123456789abcdef'] },
      { type: 'operations/resync', id: 'op-00000abc-0123456789abcdef' },
      { type: 'operations/action', id: 'op-00000abc-0123456789abcdef', action: 'stop' },
    ])
      expect(parseWebviewMessage(msg).ok, JSON.stringify(msg)).toBe(true);
  });

  it('drops unknown, malformed and path-escaping messages with a reason', () => {
    const bad = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'blueprint/create', featureName: '' , summary: ''},
      { type: 'blueprint/create', featureName: 'x' },
      { type: 'blueprint/openFile', slug: '../../etc/passwd' },
      { type: 'build/request', slug: 'a\\b' },
      { type: 'ready', extra: 1 },
      { type: 'history/restore', slug: 'todo', rev: 0 },
      { type: 'history/restore', slug: 'todo', rev: 1.5 },
      { type: 'history/compare', slug: 'todo', revA: 1 },
      { type: 'git/init' },
      { type: 'webview/problem', text: 'x'.repeat(501) },
      { type: 'operations/watch', ids: ['../op-00000abc-0123456789abcdef'] },
      { type: 'operations/watch', ids: Array.from({ length: 25 }, (_, i) => `op-00000abc-${String(i).padStart(16, '0')}`) },
      { type: 'operations/resync' },
      { type: 'operations/action', id: 'op-00000abc-0123456789abcdef', action: 'rm -rf' },
    ];
    for (const msg of bad) {
      const parsed = parseWebviewMessage(msg);
      expect(parsed.ok, JSON.stringify(msg)).toBe(false);
      expect(!parsed.ok && parsed.reason.length).toBeGreaterThan(0);
    }
    const r = parseWebviewMessage({ type: 'blueprint/create', featureName: '', summary: '' });
    expect(!r.ok && r.reason).toMatch(/featureName: a feature name is required/);
  });
});

describe('host -> webview', () => {
  it('carries valid and invalid blueprint entries', () => {
    const msg = {
      type: 'blueprints/snapshot',
      folderOpen: true,
      entries: [blueprintEntry('todo', '{"featureName":"Todo"}'), blueprintEntry('broken', '{"featureName":"B","status":"done"}')],
    };
    const parsed = parseHostMessage(msg);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.message.type !== 'blueprints/snapshot') return;
    expect(parsed.message.entries[1]).toMatchObject({ ok: false, problems: [{ path: '$.status' }] });
  });

  it('rejects an invalid entry without problems, and a blueprint that breaks the schema', () => {
    expect(HostToWebview.safeParse({ type: 'blueprints/snapshot', folderOpen: true, entries: [{ ok: false, slug: 'x', file: 'f', problems: [] }] }).success).toBe(false);
    expect(
      HostToWebview.safeParse({ type: 'blueprints/snapshot', folderOpen: true, entries: [{ ok: true, slug: 'x', file: 'f', blueprint: { featureName: '' } }] }).success,
    ).toBe(false);
    expect(parseHostMessage({ type: 'studio/focusPane', pane: 2 }).ok).toBe(true);
    const revision = { rev: 1, commit: 'a'.repeat(40), time: '2026-11-21T10:00:00.000Z', message: 'save' };
    expect(parseHostMessage({ type: 'history/result', slug: 'x', history: { state: 'ok', revisions: [revision], fileMatchesHead: true } }).ok).toBe(true);
    expect(parseHostMessage({ type: 'history/result', slug: 'x', history: { state: 'no-git' } }).ok).toBe(true);
    expect(parseHostMessage({ type: 'history/result', slug: 'x', history: { state: 'ok', revisions: [{ ...revision, commit: 'HEAD' }], fileMatchesHead: true } }).ok).toBe(false);
    expect(parseHostMessage({ type: 'history/diff', slug: 'x', revA: 1, revB: 2, text: '', sectionsChanged: [] }).ok).toBe(true);
    expect(parseHostMessage({ type: 'studio/focusPane', pane: 4 }).ok).toBe(false);
    expect(parseHostMessage({ type: 'init', kind: 'panel', workspaceName: null, trusted: true, apiKeySet: false }).ok).toBe(false);
  });

  it('carries operations, their views and their events, and refuses ones a log could not hold', () => {
    const operation = newOperation({ id: 'op-00000abc-0123456789abcdef', kind: 'build', slug: 'todo', backend: 'orchard', baseCommit: 'a'.repeat(40), createdAt: '2026-12-07T10:00:00.000Z' });
    expect(parseHostMessage({ type: 'operations/list', operations: [{ operation, featureName: 'Todo', costUsd: 0.12 }] }).ok).toBe(true);
    expect(parseHostMessage({ type: 'operations/list', operations: [{ operation: { ...operation, status: 'exploded' }, featureName: 'Todo', costUsd: null }] }).ok).toBe(false);
    const { view } = applyViewEvents(emptyView(), [{ seq: 1, time: '2026-12-07T10:00:01.000Z', type: 'agent-text', text: 'hello' }]);
    expect(parseHostMessage({ type: 'operations/replay', id: operation.id, view }).ok).toBe(true);
    expect(parseHostMessage({ type: 'operations/replay', id: operation.id, view: { ...view, terminal: 'x'.repeat(70_000) } }).ok).toBe(false);
    const output = { seq: 2, time: '2026-12-07T10:00:02.000Z', type: 'command-output', callId: 'c', stream: 'stdout', text: 'ok' };
    expect(parseHostMessage({ type: 'operations/events', batches: [{ id: operation.id, events: [output] }] }).ok).toBe(true);
    expect(parseHostMessage({ type: 'operations/events', batches: [{ id: operation.id, events: [{ seq: 0, time: '2026-12-07T10:00:02.000Z', type: 'agent-text', text: 'x' }] }] }).ok).toBe(false);
    expect(parseHostMessage({ type: 'operations/events', batches: [{ id: 'op-1', events: [output] }] }).ok).toBe(false);
    expect(parseHostMessage({ type: 'operations/events', batches: [{ id: operation.id, events: [] }] }).ok).toBe(false);
    expect(parseHostMessage({ type: 'operations/events', batches: [] }).ok).toBe(false);
  });

  it('carries how many credentials the host removed from a user message, a positive count only', () => {
    const started = (credentialsRemoved: unknown) => ({
      type: 'chat/turnStarted',
      slug: 'x',
      turnId: 't1',
      message: { id: 'u1', role: 'user', content: 'key [redacted credential]', time: '2026-11-21T10:00:00.000Z', credentialsRemoved },
    });
    expect(parseHostMessage(started(2)).ok).toBe(true);
    for (const bad of [0, -1, 1.5, '2', null]) expect(parseHostMessage(started(bad)).ok, JSON.stringify(bad)).toBe(false);
  });
});

describe('StudioViewState', () => {
  it('fills defaults for a first run and keeps saved values', () => {
    expect(StudioViewState.parse({})).toEqual({ selectedSlug: null, paneSizes: [0.3, 0.35, 0.35], previewTab: 'spec' });
    expect(StudioViewState.parse({ previewTab: 'build' }).previewTab).toBe('build');
    // A tab this version does not have (saved by a newer one) falls back to the spec.
    expect(StudioViewState.parse({ previewTab: 'later' }).previewTab).toBe('spec');
    expect(StudioViewState.parse({ selectedSlug: 'a', paneSizes: [0.2, 0.4, 0.4] }).selectedSlug).toBe('a');
    expect(StudioViewState.safeParse({ paneSizes: [1, 2] }).success).toBe(false);
  });
});
