import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_GLOBS, DEFAULT_TREE_GLOBS, normalizeSettings } from '../../../../extension/src/core/settings';
import { chooseProvider, NO_API_KEY, type ChoiceContext } from '../../../../extension/src/orchestration/chat/providerChoice';

const context: ChoiceContext = { apiKey: 'sk-ant-test-key-1234567890', workspaceRoot: '/ws', trusted: true, defaultModel: 'claude-default' };
const settings = normalizeSettings({});

describe('chooseProvider', () => {
  it('uses the Anthropic API with the default model when nothing is set', () => {
    const choice = chooseProvider(settings, context);
    expect(choice).toEqual({
      ok: true,
      model: 'claude-default',
      description: 'claude-default via the Anthropic API',
      config: { kind: 'anthropic', apiKey: context.apiKey, model: 'claude-default' },
    });
  });

  it('says how to set a key when there is none, and never describes a provider it cannot use', () => {
    expect(chooseProvider(settings, { ...context, apiKey: undefined })).toEqual({ ok: false, error: NO_API_KEY, description: null });
  });

  it('passes a base URL and a chosen model, and refuses a base URL that is not http(s)', () => {
    const choice = chooseProvider({ ...settings, model: ' claude-x ', anthropicBaseUrl: 'http://127.0.0.1:9/' }, context);
    expect(choice.ok && choice.config).toEqual({ kind: 'anthropic', apiKey: context.apiKey, model: 'claude-x', baseUrl: 'http://127.0.0.1:9/' });
    const bad = chooseProvider({ ...settings, anthropicBaseUrl: 'file:///etc/passwd' }, context);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('orchard.anthropic.baseUrl must be an http or https URL') });
    expect(chooseProvider({ ...settings, anthropicBaseUrl: 'not a url' }, context)).toMatchObject({ ok: false, error: expect.stringContaining('"not a url"') });
    expect(chooseProvider({ ...settings, anthropicBaseUrl: 'https://u:p@example.com' }, context)).toMatchObject({ ok: false });
  });

  it('runs the Claude CLI in the workspace without a key, but not in Restricted Mode', () => {
    const cli = { ...settings, provider: 'claude-cli' as const, claudeCliPath: '/opt/claude' };
    expect(chooseProvider(cli, { ...context, apiKey: undefined })).toMatchObject({
      ok: true,
      config: { kind: 'claude-cli', executable: '/opt/claude', cwd: '/ws' },
      description: expect.stringContaining('via the Claude CLI'),
    });
    expect(chooseProvider({ ...cli, claudeCliPath: '' }, context)).toMatchObject({ ok: true, config: { executable: 'claude' } });
    expect(chooseProvider(cli, { ...context, trusted: false })).toMatchObject({ ok: false, error: expect.stringContaining('Restricted Mode') });
  });

  it('falls back to the declared defaults for mistyped settings', () => {
    expect(normalizeSettings({ provider: 'gpt', model: 3, budgetTokens: -5, buildMaxParallel: 0, buildBudgetTokens: '1e6', buildCopyFiles: '.env' })).toEqual({
      provider: 'anthropic',
      model: '',
      anthropicBaseUrl: '',
      claudeCliPath: '',
      budgetTokens: 200_000,
      buildMaxParallel: 3,
      buildBudgetTokens: 2_000_000,
      buildCopyFiles: [],
      previewCommand: '',
      memoryGlobs: DEFAULT_MEMORY_GLOBS,
      treeGlobs: DEFAULT_TREE_GLOBS,
    });
    expect(normalizeSettings({ memoryGlobs: 'CLAUDE.md', treeGlobs: ['flows/*.yaml', 4, ' '] })).toMatchObject({ memoryGlobs: DEFAULT_MEMORY_GLOBS, treeGlobs: ['flows/*.yaml'] });
    expect(normalizeSettings({ budgetTokens: 50_000.7 }).budgetTokens).toBe(50_000);
    expect(normalizeSettings({ buildMaxParallel: 65 }).buildMaxParallel).toBe(3);
    expect(normalizeSettings({ buildMaxParallel: 2.9, buildCopyFiles: ['.env.local', 7] })).toMatchObject({ buildMaxParallel: 2, buildCopyFiles: ['.env.local'] });
  });
});
