/** Chat test data: messages, usage and host turn messages as the host sends them. */
import type { ChatMessageMsg, HostToWebview, UsageMsg } from '../../extension/src/core/protocol';

export const noUsage: UsageMsg = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };

export const turnUsage: UsageMsg = { inputTokens: 12_345, outputTokens: 640, cacheReadTokens: 8_100, cacheWriteTokens: 0, costUsd: 0.0412 };

export function userMessage(id: string, content: string, extra: Partial<ChatMessageMsg> = {}): ChatMessageMsg {
  return { id, role: 'user', content, time: '2026-11-21T09:00:00.000Z', ...extra };
}

export function assistantMessage(id: string, content: string, extra: Partial<ChatMessageMsg> = {}): ChatMessageMsg {
  return { id, role: 'assistant', content, time: '2026-11-21T09:00:05.000Z', usage: turnUsage, ...extra };
}

type Transcript = Extract<HostToWebview, { type: 'chat/transcript' }>;

export function transcript(slug: string, messages: ChatMessageMsg[], extra: Partial<Transcript> = {}): Transcript {
  return { type: 'chat/transcript', slug, messages, total: turnUsage, runningTurnId: null, provider: 'claude-sonnet-4-5 via the Anthropic API', ...extra };
}

/** A long conversation: alternating user and assistant messages. */
export function longConversation(count: number): ChatMessageMsg[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? userMessage(`u${i}`, `Question ${i}`) : assistantMessage(`a${i}`, `Answer **${i}** with a list:\n\n- one\n- two`),
  );
}
