/**
 * bench:build's window side, in a process of its own so the fake server and the runner's
 * bookkeeping in the bench process do not count: follows an operation's log with the extension
 * host's code (the operations bundle's followOperation, applyEvent, the log document's text), as
 * vscode/operations/operationsHost.ts does, and times this event loop's longest block.
 * Prints one JSON line: { events, chars, longestMs, status }. Args: <stateDir> <operationId>.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEvent } from '../../extension/src/core/operations/operationEvents';
import { formatEvent } from '../../extension/src/core/operations/operationText';
import type { Operation } from '../../extension/src/core/operations/operation';
import { followOperation } from '../../extension/src/orchestration/operations/operationsBundle';

async function main(): Promise<void> {
  const [stateDir, id] = process.argv.slice(2);
  if (!stateDir || !id) throw new Error('usage: followProbe <stateDir> <operationId>');
  const record = path.join(stateDir, 'operations', `${id}.json`);
  while (!fs.existsSync(record)) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 20));
  let op = JSON.parse(fs.readFileSync(record, 'utf8')) as Operation;
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  let events = 0;
  let chars = 0;
  const controller = new AbortController();
  const give = setTimeout(() => controller.abort(), 120_000);
  for await (const event of followOperation(stateDir, id, 1, controller.signal)) {
    op = applyEvent(op, event);
    chars += formatEvent(event).length;
    events++;
    if (event.type === 'status' && event.status !== 'running' && event.status !== 'pending') break;
  }
  clearTimeout(give);
  clearInterval(probe);
  process.stdout.write(`${JSON.stringify({ events, chars, longestMs: longest, status: op.status })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
