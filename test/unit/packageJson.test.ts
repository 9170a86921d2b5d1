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
