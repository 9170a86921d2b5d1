/**
 * One message of an Architect conversation, as stored with each blueprint
 * revision (`messages.jsonl` in the revision's tree) and in the studio DB.
 * Only final messages are stored, never streaming deltas.
 *
 * Lines written before `id`, `attachments`, `usage`, `model` and
 * `credentialsRemoved` existed are still valid: every field added since is optional.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import { AttachmentRef } from '../protocol';

/** Tokens one assistant message cost (the turn's sum over its model requests). */
export const TranscriptUsage = z.strictObject({
  inputTokens: z.int().check(z.nonnegative()),
  outputTokens: z.int().check(z.nonnegative()),
  cacheReadTokens: z.int().check(z.nonnegative()),
  cacheWriteTokens: z.int().check(z.nonnegative()),
});
export type TranscriptUsage = z.infer<typeof TranscriptUsage>;

export const TranscriptMessage = z.strictObject({
  /** Stable id the webviews key messages by; absent on lines written by older versions. */
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** ISO 8601 time the message was completed. */
  time: z.string(),
  /** User messages: the images sent with it, as stored copies under `.orchard/references/` (never the image data). */
  attachments: z.optional(z.array(AttachmentRef)),
  /** Assistant messages: what the turn cost. Totals are computed from these, never stored twice. */
  usage: z.optional(TranscriptUsage),
  /** Assistant messages: the model that answered, so the cost can be estimated later. */
  model: z.optional(z.string()),
  /** Assistant messages: the user stopped the turn; `content` is what streamed until then. */
  stopped: z.optional(z.literal(true)),
  /** User messages: how many credentials were removed from the text before it was kept (core/chat/credentials.ts). */
  credentialsRemoved: z.optional(z.int().check(z.positive())),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;
/** An image kept with a user message (protocol.ts AttachmentRef). */
export type TranscriptAttachment = NonNullable<TranscriptMessage['attachments']>[number];

/** `messages.jsonl`: one JSON object per line, oldest first, ending with a newline (empty text for none). */
export function toJsonl(messages: readonly TranscriptMessage[]): string {
  return messages.map((m) => JSON.stringify(TranscriptMessage.parse(m))).join('\n') + (messages.length > 0 ? '\n' : '');
}

/** Parses `messages.jsonl`; a malformed line is an error naming its line number. */
export function fromJsonl(text: string): TranscriptMessage[] {
  const out: TranscriptMessage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new Error(`messages.jsonl line ${i + 1}: not JSON`);
    }
    const parsed = TranscriptMessage.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new Error(`messages.jsonl line ${i + 1}: ${where}${issue?.message ?? 'invalid message'}`);
    }
    out.push(parsed.data);
  }
  return out;
}
