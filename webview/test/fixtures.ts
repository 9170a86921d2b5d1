/** Shared test data: a realistic blueprint, a broken file, and an app wired to the in-memory VS Code API. */
import { Blueprint, type BlueprintInput } from '../../extension/src/core/blueprint/blueprint';
import type { BlueprintEntry, HostToWebview, StudioViewState, WebviewKind } from '../../extension/src/core/protocol';
import { AppState } from '../src/lib/appState.svelte';
import { createBridge, MemoryVsCodeApi } from '../src/lib/vscode';

export const teamInvites: BlueprintInput = {
  featureName: 'Team invitations',
  summary: 'Let workspace owners invite teammates by email.',
  status: 'draft',
  sections: {
    dataModel: {
      status: 'complete',
      entities: [
        { name: 'Invitation', fields: [{ name: 'email', type: 'string', required: true }, { name: 'expiresAt', type: 'Date' }] },
        { name: 'Member', fields: [{ name: 'role', type: "'owner' | 'member'" }] },
      ],
    },
    apiEndpoints: {
      status: 'partial',
      endpoints: [
        { method: 'POST', path: '/invitations', description: 'Send an invitation' },
        { method: 'POST', path: '/invitations/:id/accept' },
      ],
    },
    uiComponents: { status: 'empty', components: [] },
    dependencies: { status: 'complete', packages: [{ name: 'nodemailer', version: '6.9.0', reason: 'send email' }] },
  },
  openQuestions: [
    { question: 'Do invitations expire?', blocking: true },
    { question: 'Can members invite others?', blocking: false },
  ],
  assumptions: [{ statement: 'Email delivery is reliable enough', confidence: 'low' }],
  blockers: ['Decide the email provider'],
  references: { items: [{ kind: 'url', source: 'https://example.com/invites', title: 'Invite flow article' }] },
  readyToBuild: false,
};

/** teamInvites' sections, settled: what the readiness rules ask before Build is offered. */
export const completeSections: BlueprintInput['sections'] = {
  ...teamInvites.sections,
  apiEndpoints: { ...teamInvites.sections!.apiEndpoints!, status: 'complete' },
  uiComponents: { status: 'complete', components: [{ name: 'InviteDialog' }] },
};

export function validEntry(slug: string, input: BlueprintInput): BlueprintEntry {
  return { ok: true, slug, file: `.orchard/blueprints/${slug}.json`, blueprint: Blueprint.parse(input) };
}

export const brokenEntry: BlueprintEntry = {
  ok: false,
  slug: 'broken-widget',
  file: '.orchard/blueprints/broken-widget.json',
  problems: [
    { path: '$.sections.dataModel.status', message: 'Invalid option: expected one of "empty"|"partial"|"complete"', line: 7, column: 17 },
    { path: '$.assumtions', message: 'Unrecognized key: "assumtions"' },
  ],
};

export function snapshot(entries: BlueprintEntry[], folderOpen = true): HostToWebview {
  return { type: 'blueprints/snapshot', folderOpen, entries };
}

export const init: Extract<HostToWebview, { type: 'init' }> = { type: 'init', kind: 'studio', workspaceName: 'acme-app', trusted: true, apiKeySet: false };

/** A fresh app on the in-memory API; `api.posted` and `api.state` are what the host would see. */
export function makeApp(kind: WebviewKind = 'studio', state?: Partial<StudioViewState>) {
  const api = new MemoryVsCodeApi(state);
  const bridge = createBridge(api);
  const app = new AppState(bridge, kind);
  return { api, bridge, app };
}
