/**
 * What the chat shows of a stored transcript: protocol messages, the running
 * total, the feature name of a blueprint started from a message, and what a
 * Retry runs. No `vscode` import, so these are unit-tested as they are.
 */
import { randomBytes } from 'node:crypto';
import type { ChatMessageMsg, UsageMsg } from '../../core/protocol';
import { REDACTED_MARK } from '../../core/chat/credentials';
import type { TranscriptMessage, TranscriptUsage } from '../../core/chat/transcript';

/** The price table lives with the models (agents/providers/models.ts); null for a model without a known price. */
export type CostEstimator = (model: string, usage: TranscriptUsage) => number | null;

/** Appended to what streamed before the user pressed Stop. */
export const STOPPED_MARK = '_(stopped)_';

const MAX_FEATURE_NAME = 80;

export function newMessageId(prefix: 'u' | 'a' | 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** A stored message as the webviews show it. Lines from older versions have no id: their position stands in. */
export function toChatMessage(message: TranscriptMessage, index: number, estimate: CostEstimator, rev?: number): ChatMessageMsg {
  const content = message.stopped ? (message.content.trim() === '' ? STOPPED_MARK : `${message.content}\n\n${STOPPED_MARK}`) : message.content;
  return {
    id: message.id ?? `m${index}`,
    role: message.role,
    content,
    time: message.time,
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.usage ? { usage: withCost(message.usage, message.model, estimate) } : {}),
    ...(rev !== undefined ? { rev } : {}),
    ...(message.credentialsRemoved ? { credentialsRemoved: message.credentialsRemoved } : {}),
  };
}

export function toChatMessages(messages: readonly TranscriptMessage[], estimate: CostEstimator): ChatMessageMsg[] {
  return messages.map((m, i) => toChatMessage(m, i, estimate));
}

function withCost(usage: TranscriptUsage, model: string | undefined, estimate: CostEstimator): UsageMsg {
  return { ...usage, costUsd: model === undefined ? null : estimate(model, usage) };
}

/**
 * Everything a conversation has cost: the sum of its assistant messages'
 * usage. The cost is null as soon as one message's price is unknown, so the
 * meter never shows a total that silently leaves part out.
 */
export function totalUsage(messages: readonly TranscriptMessage[], estimate: CostEstimator): UsageMsg {
  const total: UsageMsg = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
  for (const m of messages) {
    if (m.role !== 'assistant' || !m.usage) continue;
    total.inputTokens += m.usage.inputTokens;
    total.outputTokens += m.usage.outputTokens;
    total.cacheReadTokens += m.usage.cacheReadTokens;
    total.cacheWriteTokens += m.usage.cacheWriteTokens;
    const cost = m.model === undefined ? null : estimate(m.model, m.usage);
    total.costUsd = total.costUsd === null || cost === null ? null : total.costUsd + cost;
  }
  return total;
}

/**
 * The feature name of a blueprint started from a chat message: its first
 * non-empty line without Markdown heading or list marks, cut at a word near
 * 80 characters. "New feature" when the message has no words (only images).
 * The text is the redacted one; its credential marks are not words of a name.
 */
export function featureNameFrom(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => withoutMarks(l).replace(/^\s*(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)*/, '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
    .find((l) => /[\p{L}\p{N}]/u.test(l));
  if (!line) return 'New feature';
  const chars = Array.from(line);
  if (chars.length <= MAX_FEATURE_NAME) return line;
  const cut = chars.slice(0, MAX_FEATURE_NAME).join('');
  const space = cut.lastIndexOf(' ');
  return (space > MAX_FEATURE_NAME / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '');
}

function withoutMarks(line: string): string {
  if (!line.includes(REDACTED_MARK)) return line;
  return line
    .split(REDACTED_MARK)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

export type RetryPlan =
  | { kind: 'nothing'; reason: string }
  /** The last user message got no reply (the turn failed): run it again as it is. */
  | { kind: 'rerun'; history: TranscriptMessage[]; user: TranscriptMessage }
  /** The last user message was answered (stopped or done): ask it again as a new message. */
  | { kind: 'again'; history: TranscriptMessage[]; user: TranscriptMessage };

export function planRetry(transcript: readonly TranscriptMessage[], now: () => string = () => new Date().toISOString()): RetryPlan {
  const last = transcript.at(-1);
  if (last?.role === 'user') return { kind: 'rerun', history: transcript.slice(0, -1), user: last };
  const lastUser = [...transcript].reverse().find((m) => m.role === 'user');
  if (!lastUser) return { kind: 'nothing', reason: 'There is no message to retry in this conversation yet.' };
  const again: TranscriptMessage = {
    id: newMessageId('u'),
    role: 'user',
    content: lastUser.content,
    time: now(),
    ...(lastUser.attachments ? { attachments: lastUser.attachments } : {}),
    ...(lastUser.credentialsRemoved ? { credentialsRemoved: lastUser.credentialsRemoved } : {}),
  };
  return { kind: 'again', history: [...transcript], user: again };
}

/**
 * The transcript a turn saves: the newest stored one (another window may have
 * added to it while this turn ran) plus this turn's messages it does not hold yet.
 */
export function appendMessages(stored: readonly TranscriptMessage[], added: readonly TranscriptMessage[]): TranscriptMessage[] {
  const ids = new Set(stored.map((m) => m.id).filter((id): id is string => id !== undefined));
  return [...stored, ...added.filter((m) => m.id === undefined || !ids.has(m.id))];
}
