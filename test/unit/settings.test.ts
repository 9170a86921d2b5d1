import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../extension/src/agents/providers/models';
import { normalizeSettings, SETTING_NAMES, SETTINGS } from '../../extension/src/core/settings';

// core/settings.ts is the code's one table of settings; package.json is what VS Code shows.
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const properties: Record<string, { default: unknown; markdownDescription?: string; enum?: string[]; minimum?: number }> = manifest.contributes.configuration.properties;
const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;

/** The words each effect puts at the end of a setting's description. */
const EFFECT_WORDS = { 'next-message': 'Applies from the next message.', 'next-build': 'Applies from the next build.', 'next-preview': 'Applies from the next preview.', 'at-once': 'Takes effect at once.', reload: 'Reload the window to apply.' } as const;

describe('settings: core/settings.ts and package.json', () => {
  it('declare the same keys', () => {
    expect(Object.keys(properties).sort()).toEqual(SETTING_NAMES.map((n) => SETTINGS[n].key).sort());
  });

  it('agree on every default, and the code falls back to it', () => {
    const fallback = normalizeSettings({});
    for (const name of SETTING_NAMES) {
      expect(properties[SETTINGS[name].key]?.default, SETTINGS[name].key).toEqual(SETTINGS[name].default);
      expect(fallback[name], name).toEqual(SETTINGS[name].default);
    }
    expect(properties['orchard.provider']?.enum).toEqual(['anthropic', 'claude-cli']);
  });

  it('say in each description when a change takes effect', () => {
    for (const name of SETTING_NAMES) expect(properties[SETTINGS[name].key]?.markdownDescription, name).toContain(EFFECT_WORDS[SETTINGS[name].effect]);
  });

  it('ignore a workspace\u2019s value in Restricted Mode exactly for the restricted ones', () => {
    expect([...restricted].sort()).toEqual(SETTING_NAMES.filter((n) => SETTINGS[n].restricted).map((n) => SETTINGS[n].key).sort());
  });

  it('names the current default model in the model setting', () => {
    expect(properties['orchard.model']?.markdownDescription).toContain(`\`${DEFAULT_MODEL}\``);
  });

  it('has the budget minimum the code enforces', () => {
    const minimum = properties['orchard.budget.tokens']?.minimum ?? 0;
    expect(normalizeSettings({ budgetTokens: minimum }).budgetTokens).toBe(minimum);
    expect(normalizeSettings({ budgetTokens: minimum - 1 }).budgetTokens).toBe(SETTINGS.budgetTokens.default);
  });

  it('has the chat benchmark script', () => {
    expect(manifest.scripts['bench:chat']).toBe('node test/bench/chat.mjs');
  });
});
