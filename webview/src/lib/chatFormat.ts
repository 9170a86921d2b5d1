/**
 * Compact numbers for the chat's usage meter and attachment errors:
 * "12.3k in · 640 out · 8.1k cache read · ~$0.04", "7.2 MB".
 */
import type { UsageMsg } from '../../../extension/src/core/protocol';

const MB = 1024 * 1024;

/** 640 -> "640", 12_345 -> "12.3k", 123_456 -> "123k", 1_234_567 -> "1.23M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trim(n / 1000, n < 100_000 ? 1 : 0)}k`;
  return `${trim(n / 1_000_000, n < 10_000_000 ? 2 : 1)}M`;
}

/** An estimate, so never more precise than a cent; a cost under a cent still says it is not zero. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return '<$0.01';
  if (usd < 100) return `~$${usd.toFixed(2)}`;
  return `~$${Math.round(usd).toLocaleString('en-US')}`;
}

/** One line for a turn or a blueprint's total; cache figures only when there are any. */
export function formatUsage(usage: UsageMsg): string {
  const parts = [`${formatTokens(usage.inputTokens)} in`, `${formatTokens(usage.outputTokens)} out`];
  if (usage.cacheReadTokens > 0) parts.push(`${formatTokens(usage.cacheReadTokens)} cache read`);
  if (usage.cacheWriteTokens > 0) parts.push(`${formatTokens(usage.cacheWriteTokens)} cache write`);
  if (usage.costUsd !== null) parts.push(formatCost(usage.costUsd));
  return parts.join(' · ');
}

/** The same figures in words, for a tooltip and screen readers. */
export function describeUsage(usage: UsageMsg): string {
  const cost = usage.costUsd === null ? 'cost unknown for this model' : `about $${usage.costUsd.toFixed(4)}`;
  return (
    `${usage.inputTokens.toLocaleString('en-US')} input tokens, ${usage.outputTokens.toLocaleString('en-US')} output tokens, ` +
    `${usage.cacheReadTokens.toLocaleString('en-US')} read from cache, ${usage.cacheWriteTokens.toLocaleString('en-US')} written to cache; ${cost}`
  );
}

/** 7_549_747 -> "7.2 MB", 5 * MB -> "5 MB", 300_000 -> "293 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${trim(bytes / MB, 1)} MB`;
}

/** Fixed digits without a trailing ".0". */
function trim(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
