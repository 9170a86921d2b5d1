/**
 * The conversation of a blueprint in a folder without git (no refs to keep
 * revisions on): `<workspace storage>/transcripts/<slug>.jsonl`, written
 * whole and atomically (temp file + rename) after each turn, so it survives a
 * reload. Once the folder becomes a repository, the next turn's revision
 * takes the conversation over. No `vscode` import.
 */
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isValidSlug } from '../../core/blueprint/blueprint';
import { fromJsonl, toJsonl, type TranscriptMessage } from '../../core/chat/transcript';
import { writeFileAtomic } from '../../store/atomicFile';

export function transcriptFilePath(storageDir: string, slug: string): string {
  if (!isValidSlug(slug)) throw new Error(`"${slug}" is not a blueprint name`);
  return path.join(storageDir, 'transcripts', `${slug}.jsonl`);
}

/** The stored conversation, or none; a damaged file is an error naming it and its line. */
export async function readTranscriptFile(storageDir: string, slug: string): Promise<TranscriptMessage[]> {
  const file = transcriptFilePath(storageDir, slug);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  try {
    return fromJsonl(text);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function writeTranscriptFile(storageDir: string, slug: string, transcript: readonly TranscriptMessage[]): Promise<void> {
  const file = transcriptFilePath(storageDir, slug);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, toJsonl(transcript));
}
