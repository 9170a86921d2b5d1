/**
 * The replay fold reads a log from its tail: a long build's first paint costs
 * what a short one's does, and it reads further back only while the tail
 * fills neither the timeline nor the terminal.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NewOperationEvent } from '../../../../extension/src/core/operations/operationEvents';
import { MAX_TIMELINE } from '../../../../extension/src/core/operations/operationView';
import { foldOperationView } from '../../../../extension/src/orchestration/operations/operationReplay';

const ID = 'op-00000abc-0123456789abcdef';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A log as the writer writes it: one event per line, seq first. */
function stateWithLog(events: NewOperationEvent[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-fold-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'operations'));
  const time = '2026-12-07T10:00:00.000Z';
  writeFileSync(join(dir, 'operations', `${ID}.jsonl`), events.map((e, i) => `${JSON.stringify({ seq: i + 1, ...e, time })}\n`).join(''));
  return dir;
}

describe('the replay fold', () => {
  it("folds a long log's tail only, and says where it started", async () => {
    const events = Array.from({ length: 50_000 }, (_, i): NewOperationEvent => ({ type: 'error', message: `problem ${i + 1}` }));
    const view = await foldOperationView(stateWithLog(events), ID, events.length);
    expect(view.seq).toBe(50_000);
    expect(view.fromSeq).toBe(50_000 - 4096 + 1);
    expect(view.entries).toHaveLength(MAX_TIMELINE);
    expect(view.entries.at(-1)).toMatchObject({ kind: 'note', text: 'problem 50000' });
  });

  it('reads further back while the tail holds too little, down to the start', async () => {
    // Usage events add nothing to the view: only the first few events say anything.
    const events: NewOperationEvent[] = [
      { type: 'status', status: 'running' },
      { type: 'agent-text', text: 'the plan' },
      ...Array.from({ length: 20_000 }, (): NewOperationEvent => ({ type: 'usage', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 } })),
    ];
    const view = await foldOperationView(stateWithLog(events), ID, events.length);
    expect(view.fromSeq).toBe(1);
    expect(view.seq).toBe(events.length);
    expect(view.entries.map((e) => e.kind)).toEqual(['status', 'text']);
  });
});
