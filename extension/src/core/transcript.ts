/**
 * One message of an Architect conversation, as stored with each blueprint
 * revision (`messages.jsonl` in the revision's tree) and in the studio DB.
 * Only final messages are stored, never streaming deltas.
 */
import * as z from 'zod/mini';
import './zodLocale';

export const TranscriptMessage = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** ISO 8601 time the message was completed. */
  time: z.string(),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;

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
    if (!parsed.success) throw new Error(`messages.jsonl line ${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid message'}`);
    out.push(parsed.data);
  }
  return out;
}
