import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandId, ViewId } from '../../extension/src/vscode/commands/commandIds';

// The manifest and the code name the same commands and views; this keeps them
// from drifting apart. (commandIds.ts has no runtime dependency on vscode.)
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const contributes = manifest.contributes;

describe('package.json', () => {
  it('contributes exactly the commands the code registers, all in category Orchard', () => {
    const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
    expect(contributed).toEqual(Object.values(CommandId).sort());
    for (const c of contributes.commands) expect(c.category, c.command).toBe('Orchard');
  });

  it('activates lazily', () => {
    for (const event of manifest.activationEvents as string[]) {
      expect(event).not.toBe('*');
      expect(event).not.toBe('onStartupFinished');
    }
    expect(manifest.activationEvents).toContain(`onWebviewPanel:${ViewId.studioPanel}`);
  });

  it('declares the views, trust and where it runs', () => {
    expect(contributes.viewsContainers.activitybar[0]).toMatchObject({ id: ViewId.container, title: 'Orchard' });
    const views = contributes.views[ViewId.container].map((v: { id: string }) => v.id);
    expect(views).toEqual([ViewId.architect, ViewId.operations]);
    expect(contributes.viewsWelcome.some((w: { view: string }) => w.view === ViewId.operations)).toBe(true);
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.description.length).toBeGreaterThan(20);
    expect(manifest.capabilities.virtualWorkspaces).toBeDefined();
    expect(manifest.extensionKind).toEqual(['workspace']);
    expect(manifest.engines.vscode).toBe('^1.96.0');
    expect(contributes.menus['scm/title'].map((m: { command: string }) => m.command)).toContain(CommandId.approveAgentChanges);
  });

  it("offers the Operations view's actions on the items they fit (contextValue as operationItems.ts makes it)", () => {
    // `view == orchard.operations && viewItem =~ /re/`: which commands an item with this contextValue shows, inline and in its menu.
    const menus = (contributes.menus['view/item/context'] as { command: string; when: string; group: string }[]).filter((m) => m.when.startsWith(`view == ${ViewId.operations}`));
    const shown = (contextValue: string, inline: boolean) =>
      menus
        .filter((m) => m.group.startsWith('inline') === inline)
        .filter((m) => new RegExp(/viewItem =~ \/(.*)\/$/.exec(m.when)![1]!).test(contextValue))
        .sort((a, b) => a.group.localeCompare(b.group))
        .map((m) => m.command.replace('orchard.operations.', ''));
    expect(shown('operation:running:worktree', true)).toEqual(['stop']);
    expect(shown('operation:running:worktree', false)).toEqual(['showLog', 'openWorktree', 'stop']);
    expect(shown('operation:pending', false)).toEqual(['showLog', 'stop']);
    expect(shown('operation:running:worktree:asks', true)).toEqual(['answer', 'stop']);
    expect(shown('operation:running:worktree:asks', false)).toEqual(['showLog', 'openWorktree', 'answer', 'stop']);
    expect(shown('operation:waiting:worktree', true)).toEqual(['openWorktree']);
    expect(shown('operation:waiting:worktree', false)).toEqual(['showLog', 'openWorktree', 'discard']);
    expect(shown('operation:lost:worktree', true)).toEqual(['resume']);
    expect(shown('operation:lost', false)).toEqual(['showLog', 'resume', 'discard']);
    expect(shown('operation:failed:worktree', false)).toEqual(['showLog', 'openWorktree', 'discard']);
    expect(shown('operation:cancelled:worktree', false)).toEqual(['showLog', 'openWorktree', 'discard']);
    expect(shown('operation:cancelled', false)).toEqual(['showLog']);
    expect(shown('operation:succeeded', false)).toEqual(['showLog']);
    // Group and phase nodes have no actions (a phase opens its operation's log on click).
    for (const other of ['group:waiting', 'group:running', 'phase:running', 'phase:done']) expect([...shown(other, true), ...shown(other, false)], other).toEqual([]);
  });

  it('pins every dependency to an exact version', () => {
    for (const deps of [manifest.dependencies, manifest.devDependencies])
      for (const [name, version] of Object.entries(deps as Record<string, string>)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('contributes the published tree and workspace-schema JSON Schemas to YAML tools, and ships them', () => {
    const root = new URL('../../', import.meta.url);
    const ignore = readFileSync(new URL('.vscodeignore', root), 'utf8');
    const urls = (contributes.yamlValidation as { fileMatch: string[]; url: string }[]).map((v) => v.url);
    expect(urls).toEqual(['./schemas/cookbook-tree.schema.json', './schemas/orchard-schema.schema.json']);
    for (const url of urls) {
      expect(JSON.parse(readFileSync(new URL(url, root), 'utf8')).$schema, url).toMatch(/json-schema/);
    }
    expect(ignore).toContain('!schemas/*.json');
  });
});
