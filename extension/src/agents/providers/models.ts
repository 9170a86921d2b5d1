/**
 * Model ids, deprecations and prices. Pure and SDK-free on purpose: the host reads
 * the default model and shows costs without loading `@anthropic-ai/sdk` (it loads
 * with the first model request). The id list and the deprecation table are copies
 * of `@anthropic-ai/sdk` 1.11.0 (`Model` in resources/messages/messages.d.ts and
 * `DEPRECATED_MODELS` in messages.js, which the SDK does not export);
 * test/unit/agents/providers/models.test.ts reads both from the installed SDK and
 * fails when they drift apart, e.g. after an SDK upgrade.
 */
import { formatTokens } from '../../core/format';
import type { Usage } from './modelProvider';

// Moved to core so the Operations view (which may not import agents/) formats tokens the same way.
export { formatTokens };

/** Every model id the SDK's `Model` type names, newest first as the SDK lists them. */
export const KNOWN_MODELS: readonly string[] = [
  'claude-fable-5-2', 'claude-mythos-5-2', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1',
  'claude-opus-5-5', 'claude-mythos-5-1', 'claude-sonnet-5', 'claude-fable-5', 'claude-mythos-5', 'claude-opus-5',
  'claude-opus-4-8', 'claude-opus-4-7', 'claude-mythos-preview', 'claude-opus-4-6', 'claude-sonnet-4-6',
  'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-opus-4-5-20251101',
  'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929',
];

/** The SDK's DEPRECATED_MODELS: id -> end-of-life date, as the SDK words it. */
const DEPRECATED_MODELS: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': 'November 30th, 2026',
  'claude-sonnet-4-5-20250929': 'November 30th, 2026',
};

/**
 * Sonnet 5.5: the current Sonnet ("Latest" on its model page), generally available
 * (unlike Mythos), with a published price, and the balance of speed and depth an
 * Architect conversation needs. Opus 5.5 or Fable 5.2 are one setting away.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** A user-facing notice when `model` is in the SDK's deprecation table, else null. */
export function modelDeprecation(model: string): string | null {
  const endOfLife = DEPRECATED_MODELS[model];
  if (endOfLife === undefined) return null;
  return `The model '${model}' is deprecated and reaches end-of-life on ${endOfLife}. Choose a current model in orchard.model (the default is '${DEFAULT_MODEL}').`;
}

/** USD per million tokens. `cacheWrite` is the 5-minute rate: our cache_control sets no ttl. */
interface Price {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** A price that changes with the prompt's size (input + cache reads + cache writes), applied to every token of the request. */
interface TieredPrice {
  base: Price;
  longPromptTokens: number;
  longPrompt: Price;
}

const flagship51: Price = { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 0.25 };
const flagship5: Price = { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 };
const opus: Price = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
const sonnet4: Price = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
const haiku55: TieredPrice = {
  base: { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 },
  longPromptTokens: 100_000,
  longPrompt: { input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 },
};

/**
 * Anthropic list prices (USD / MTok), from platform.claude.com/docs/en/about-claude/pricing
 * and the per-model overview pages (stored copies read 2026-11-21): Fable/Mythos 5.1,
 * Fable/Mythos 5, the Opus 4.5–5 tier, Sonnet 5 and 5.5, Sonnet 4.5/4.6, Haiku 4.5.
 * Opus 5.5's cache rates (0.05× input read, 1.25× write), Sonnet 5.5's cache-read cut to
 * $0.10 on 2026-10-07 and Haiku 5.5's two prompt-size tiers come from changelogs of
 * cost trackers quoting that page (claudit v1.9.2, PromptFuel v1.0.23). Fable 5.2,
 * Mythos 5.2 and Mythos Preview have no price we could confirm from Anthropic: they
 * stay out, so their cost shows as unknown rather than as a guess.
 */
const PRICES: Readonly<Record<string, Price | TieredPrice>> = {
  'claude-fable-5-1': flagship51,
  'claude-mythos-5-1': flagship51,
  'claude-fable-5': flagship5,
  'claude-mythos-5': flagship5,
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
  'claude-opus-5': opus,
  'claude-opus-4-8': opus,
  'claude-opus-4-7': opus,
  'claude-opus-4-6': opus,
  'claude-opus-4-5': opus,
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
  'claude-sonnet-4-6': sonnet4,
  'claude-sonnet-4-5': sonnet4,
  'claude-haiku-5-5': haiku55,
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
};

/** Dated snapshots (`claude-opus-4-5-20251101`) cost what their alias costs. */
function priceOf(model: string): Price | TieredPrice | undefined {
  return PRICES[model] ?? PRICES[model.replace(/-\d{8}$/, '')];
}

/** An estimate in USD from list prices; null when the model's price is unknown. */
export function estimateCostUsd(model: string, usage: Usage): number | null {
  const listed = priceOf(model);
  if (listed === undefined) return null;
  let price: Price;
  if ('base' in listed) {
    const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    price = promptTokens > listed.longPromptTokens ? listed.longPrompt : listed.base;
  } else {
    price = listed;
  }
  const dollars =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheWriteTokens * price.cacheWrite +
    usage.cacheReadTokens * price.cacheRead;
  return dollars / 1_000_000;
}

/** e.g. "12.3k in (8.1k cached) · 640 out · ~$0.04"; "in" counts every prompt token, cached or not. */
export function describeUsage(usage: Usage, costUsd: number | null): string {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const cacheNotes: string[] = [];
  if (usage.cacheReadTokens > 0) cacheNotes.push(`${formatTokens(usage.cacheReadTokens)} cached`);
  if (usage.cacheWriteTokens > 0) cacheNotes.push(`${formatTokens(usage.cacheWriteTokens)} to cache`);
  const parts = [
    `${formatTokens(prompt)} in${cacheNotes.length > 0 ? ` (${cacheNotes.join(', ')})` : ''}`,
    `${formatTokens(usage.outputTokens)} out`,
  ];
  if (costUsd !== null) {
    const cost = formatUsd(costUsd);
    parts.push(cost.startsWith('<') ? cost : `~${cost}`);
  }
  return parts.join(' · ');
}

/** Cents for everyday amounts; small turns keep two significant digits so they do not all read "$0.00". */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  if (amount >= 0.01) return `$${amount.toFixed(2)}`;
  if (amount < 0.0001) return '<$0.0001';
  return `$${amount.toPrecision(2)}`;
}
