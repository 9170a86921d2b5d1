/**
 * Model ids and deprecations against the installed SDK's own tables (read from its
 * files, since it does not export DEPRECATED_MODELS), cost estimates and the usage line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, describeUsage, estimateCostUsd, formatTokens, KNOWN_MODELS, modelDeprecation } from '../../../../extension/src/agents/providers/models';
import type { Usage } from '../../../../extension/src/agents/providers/modelProvider';

const sdkMessages = path.resolve(__dirname, '../../../../node_modules/@anthropic-ai/sdk/resources/messages');

function sdkModelList(): string[] {
  const declarations = fs.readFileSync(path.join(sdkMessages, 'messages.d.ts'), 'utf8');
  const union = /export type Model = ([^;]+);/.exec(declarations)?.[1];
  if (!union) throw new Error('messages.d.ts has no `export type Model` union');
  return [...union.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
}

function sdkDeprecations(): Record<string, string> {
  const source = fs.readFileSync(path.join(sdkMessages, 'messages.js'), 'utf8');
  const table = /const DEPRECATED_MODELS = \{([^}]*)\}/.exec(source)?.[1];
  if (table === undefined) throw new Error('messages.js has no DEPRECATED_MODELS table');
  return Object.fromEntries([...table.matchAll(/'([^']+)':\s*'([^']+)'/g)].map((match) => [match[1]!, match[2]!]));
}

const usage = (overrides: Partial<Usage>): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...overrides });

describe('models against the SDK', () => {
  it('lists exactly the SDK’s model ids', () => {
    expect([...KNOWN_MODELS]).toEqual(sdkModelList());
  });

  it('flags exactly the SDK’s deprecated models, with their end-of-life date', () => {
    const deprecated = sdkDeprecations();
    expect(Object.keys(deprecated).length).toBeGreaterThan(0);
    for (const [model, date] of Object.entries(deprecated)) {
      expect(modelDeprecation(model)).toContain(date);
      expect(modelDeprecation(model)).toContain(`'${model}'`);
    }
    for (const model of KNOWN_MODELS.filter((id) => !(id in deprecated))) expect(modelDeprecation(model), model).toBeNull();
    expect(modelDeprecation('claude-sonnet-4-5')).toBe(
      "The model 'claude-sonnet-4-5' is deprecated and reaches end-of-life on November 30th, 2026. Choose a current model in orchard.model (the default is 'claude-sonnet-5-5').",
    );
  });

  it('defaults to a model the SDK lists and does not deprecate, with a known price', () => {
    expect(sdkModelList()).toContain(DEFAULT_MODEL);
    expect(sdkDeprecations()).not.toHaveProperty(DEFAULT_MODEL);
    expect(estimateCostUsd(DEFAULT_MODEL, usage({ inputTokens: 1 }))).not.toBeNull();
  });

  it('keeps the SDK out of models.ts, so showing a cost never loads it', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../../../extension/src/agents/providers/models.ts'), 'utf8');
    expect(source).not.toMatch(/from '@anthropic-ai\/sdk/);
    expect(source).not.toMatch(/import\('@anthropic-ai\/sdk/);
  });
});

describe('estimateCostUsd', () => {
  it('prices input, output, cache writes and cache reads at their own rates', () => {
    // Sonnet 5.5: $2 in, $10 out, $2.50 5-minute cache write, $0.10 cache read per MTok.
    const cost = estimateCostUsd('claude-sonnet-5-5', usage({ inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000 }));
    expect(cost).toBeCloseTo(2 + 10 + 2.5 + 0.1, 10);
    expect(estimateCostUsd('claude-opus-4-8', usage({ inputTokens: 2000, outputTokens: 500 }))).toBeCloseTo((2000 * 5 + 500 * 25) / 1e6, 12);
  });

  it('prices a dated snapshot like its alias', () => {
    const turn = usage({ inputTokens: 1234, outputTokens: 56 });
    expect(estimateCostUsd('claude-haiku-4-5-20251001', turn)).toBe(estimateCostUsd('claude-haiku-4-5', turn));
  });

  it('bills a long Haiku 5.5 prompt at the higher tier, cached tokens counted in its size', () => {
    const short = estimateCostUsd('claude-haiku-5-5', usage({ inputTokens: 50_000, outputTokens: 1000 }))!;
    const long = estimateCostUsd('claude-haiku-5-5', usage({ inputTokens: 50_000, cacheReadTokens: 60_000, outputTokens: 1000 }))!;
    expect(short).toBeCloseTo((50_000 * 0.1 + 1000 * 0.5) / 1e6, 12);
    expect(long).toBeCloseTo((50_000 * 0.5 + 60_000 * 0.05 + 1000 * 2.5) / 1e6, 12);
  });

  it('gives null, not a guess, for a model without a confirmed price', () => {
    expect(estimateCostUsd('claude-fable-5-2', usage({ inputTokens: 10 }))).toBeNull();
    expect(estimateCostUsd('my-local-proxy-model', usage({ inputTokens: 10 }))).toBeNull();
  });
});

describe('describeUsage', () => {
  it('counts every prompt token as "in" and says how many were cached', () => {
    expect(describeUsage(usage({ inputTokens: 3200, cacheReadTokens: 8100, cacheWriteTokens: 1000, outputTokens: 640 }), 0.0412)).toBe('12.3k in (8.1k cached, 1k to cache) · 640 out · ~$0.04');
  });

  it('leaves the cost out when it is unknown and keeps small costs readable', () => {
    expect(describeUsage(usage({ inputTokens: 12, outputTokens: 3 }), null)).toBe('12 in · 3 out');
    expect(describeUsage(usage({ inputTokens: 900, outputTokens: 40 }), 0.0022)).toBe('900 in · 40 out · ~$0.0022');
    expect(describeUsage(usage({ inputTokens: 1, outputTokens: 1 }), 0.000001)).toBe('1 in · 1 out · <$0.0001');
  });

  it('formats token counts compactly', () => {
    expect([0, 999, 1000, 1050, 12_345, 999_949, 1_250_000].map(formatTokens)).toEqual(['0', '999', '1k', '1.1k', '12.3k', '999.9k', '1.25M']);
  });
});
