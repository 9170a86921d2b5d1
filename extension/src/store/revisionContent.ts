/**
 * What a revision holds and how it is named: the tree entries, the message,
 * the transcript going in and coming out. Pure functions.
 */
import { problemsFromZod } from '../core/blueprint/blueprintFile';
import { fromJsonl, TranscriptMessage } from '../core/chat/transcript';
import { CorruptRevisionError } from './blueprintStoreErrors';
import type { LogEntry, TreeEntry } from './gitPlumbing';

export const BLUEPRINT_ENTRY = 'blueprint.json';
export const MESSAGES_ENTRY = 'messages.jsonl';

/** One revision, as history lists it (the shape of protocol.ts `RevisionMsg`). */
export interface Revision {
  rev: number;
  commit: string;
  /** Committer time, ISO 8601 in UTC. */
  time: string;
  message: string;
}

/** The revision message: first non-empty line, control characters dropped, at most 200 characters; "save" if none. */
export function revisionMessage(explicit?: string, transcript: readonly TranscriptMessage[] = []): string {
  const source = explicit ?? [...transcript].reverse().find((m) => m.role === 'user')?.content ?? '';
  const line = source
    .split(/\r?\n/)
    .map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
    .find((l) => l !== '');
  if (!line) return 'save';
  const chars = Array.from(line);
  return chars.length > 200 ? `${chars.slice(0, 199).join('')}…` : line;
}

export function treeEntries(blueprint: string, messages: string | undefined): TreeEntry[] {
  return [{ name: BLUEPRINT_ENTRY, oid: blueprint }, ...(messages ? [{ name: MESSAGES_ENTRY, oid: messages }] : [])];
}

export function toRevision(rev: number, entry: LogEntry): Revision {
  return { rev, commit: entry.commit, time: new Date(entry.time * 1000).toISOString(), message: entry.subject };
}

export function checkTranscript(transcript: readonly TranscriptMessage[]): TranscriptMessage[] {
  return transcript.map((m, i) => {
    const parsed = TranscriptMessage.safeParse(m);
    if (!parsed.success) throw new TypeError(`transcript message ${i + 1}: ${describeProblems(problemsFromZod(parsed.error))}`);
    return parsed.data;
  });
}

export function parseMessages(slug: string, rev: number, content: Buffer | undefined): TranscriptMessage[] {
  if (!content) return [];
  try {
    return fromJsonl(content.toString('utf8'));
  } catch (error) {
    throw new CorruptRevisionError(slug, rev, error instanceof Error ? error.message : String(error));
  }
}

export function describeProblems(problems: ReadonlyArray<{ path: string; message: string }>): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}
