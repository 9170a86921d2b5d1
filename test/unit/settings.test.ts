import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../../extension/src/agents/providers/models';
import { normalizeSettings } from '../../../extension/src/orchestration/chat/providerChoice';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
const properties: Record<string, { default: unknown; markdownDescription?: string; enum?: string[] }> = manifest.contributes.configuration.properties;

describe('chat settings in package.json', () => {
  it('declares every setting the chat reads, with the defaults the code falls back to', () => {
    const fallback = normalizeSettings({});
    expect(properties['orchard.provider']).toMatchObject({ default: fallback.provider, enum: ['anthropic', 'claude-cli'] });
    expect(properties['orchard.model']?.default).toBe(fallback.model);
    expect(properties['orchard.anthropic.baseUrl']?.default).toBe(fallback.anthropicBaseUrl);
    expect(properties['orchard.claudeCli.path']?.default).toBe(fallback.claudeCliPath);
    expect(properties['orchard.budget.tokens']?.default).toBe(fallback.budgetTokens);
  });

  it('names the current default model in the model setting', () => {
    expect(properties['orchard.model']?.markdownDescription).toContain(`\`${DEFAULT_MODEL}\``);
  });

  it('ignores a workspace\u2019s base URL and CLI path in Restricted Mode', () => {
    expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(
      expect.arrayContaining(['orchard.anthropic.baseUrl', 'orchard.claudeCli.path']),
    );
  });

  it('has the chat benchmark script', () => {
    expect(manifest.scripts['bench:chat']).toBe('node test/bench/chat.mjs');
  });
});
