import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TranscriptMessage } from '../../../../extension/src/core/chat/transcript';
import { readTranscriptFile, transcriptFilePath, writeTranscriptFile } from '../../../../extension/src/orchestration/chat/transcriptFile';

let storage: string;
beforeEach(() => {
  storage = mkdtempSync(path.join(tmpdir(), 'orchard-transcripts-'));
});
afterEach(() => rmSync(storage, { recursive: true, force: true }));

const messages: TranscriptMessage[] = [
  { id: 'u1', role: 'user', content: 'Plan offline mode', time: '2026-01-01T00:00:00.000Z' },
  { id: 'a1', role: 'assistant', content: 'Here is a plan.', time: '2026-01-01T00:00:02.000Z', usage: { inputTokens: 9, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 }, model: 'm' },
];

describe('the transcript file of a folder without git', () => {
  it('is empty before the first turn, and reads back what was written', async () => {
    expect(await readTranscriptFile(storage, 'offline-mode')).toEqual([]);
    await writeTranscriptFile(storage, 'offline-mode', messages);
    expect(await readTranscriptFile(storage, 'offline-mode')).toEqual(messages);
    await writeTranscriptFile(storage, 'offline-mode', messages.slice(0, 1));
    expect(await readTranscriptFile(storage, 'offline-mode')).toEqual(messages.slice(0, 1));
    // Written through a temp file and a rename: nothing else is left in the folder.
    expect(readdirSync(path.join(storage, 'transcripts'))).toEqual(['offline-mode.jsonl']);
  });

  it('names the file and the line of a damaged transcript', async () => {
    const file = transcriptFilePath(storage, 'offline-mode');
    await writeTranscriptFile(storage, 'offline-mode', messages);
    writeFileSync(file, '{"role":"user","content":"ok","time":"t"}\n{"role":"robot"}\n');
    await expect(readTranscriptFile(storage, 'offline-mode')).rejects.toThrow(`${file}: messages.jsonl line 2: role:`);
  });

  it('refuses a name that could leave the folder', () => {
    expect(() => transcriptFilePath(storage, '../evil')).toThrow('not a blueprint name');
  });
});
