/**
 * The runner side of `npm run bench:agents`, in a process of its own (bundled by agents.mjs with
 * test/support/bundleNode.mjs): it writes operations the way `orchard build` does — the log's lock
 * first, then the record (pending), then events through the real OperationLogWriter (its 64 KiB /
 * 25 ms batching included) — so the window follows them as it follows a real build.
 *
 *   node agents-writer.cjs stream <json>   4 running operations streaming command output; waits for
 *                                          "go" on stdin, then streams; "end" finishes them.
 *   node agents-writer.cjs replay <json>   one finished operation of N mixed events, then exits.
 *
 * <json>: { repo, count, lines, linesPerChunk, chunkMs, events }. Progress goes to stdout as JSON lines.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { newOperation, operationId } from '../../extension/src/core/operations/operation';
import { parseOperationEvent } from '../../extension/src/core/operations/operationEvents';
import { defaultStateDir, operationsDir } from '../../extension/src/platform/stateDir';
import { OperationLogWriter, operationLogPath } from '../../extension/src/store/operations/operationLog';

const [mode, json] = process.argv.slice(2);
const opts = JSON.parse(json);
// The window's own state folder for this repository (XDG_STATE_HOME comes from the VS Code session).
const dir = operationsDir(defaultStateDir(fs.realpathSync(opts.repo), process.env));
fs.mkdirSync(dir, { recursive: true });
const say = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const now = () => new Date().toISOString();
const BASE = '0'.repeat(40);

/** Lock, then record (temp + rename: the window's directory watcher must never read half a file). */
async function openOperation(slug, offsetMs) {
  const id = operationId(Date.now() + offsetMs, randomBytes(8).toString('hex'));
  const log = await OperationLogWriter.open(operationLogPath(dir, id), parseOperationEvent);
  const record = newOperation({ id, kind: 'build', slug, backend: 'orchard', baseCommit: BASE, createdAt: now(), model: 'claude-sonnet-4-5' });
  fs.writeFileSync(path.join(dir, `${id}.json.tmp`), JSON.stringify(record, null, 2));
  fs.renameSync(path.join(dir, `${id}.json.tmp`), path.join(dir, `${id}.json`));
  return { id, log };
}

const append = (log, event) => log.append({ ...event, time: now() });

/** Test-runner output, ~75 characters a line: what a loud `npm test` prints. */
const outputLine = (op, n) => `  \u001b[32m✓\u001b[0m op${op} src/module-${n % 97}/feature-${n}.spec.ts > renders row ${n} (${n % 13} ms)\n`;

function startCommand(log) {
  append(log, { type: 'status', status: 'running' });
  append(log, { type: 'phase-started', phase: 'implement' });
  append(log, { type: 'agent-text', text: 'Running the test suite.' });
  append(log, { type: 'tool-call', callId: 'call-1', tool: 'run_command', input: JSON.stringify({ command: 'npm test' }) });
}

async function finish(log, exitCode) {
  append(log, { type: 'command-exit', callId: 'call-1', exitCode, signal: null, timedOut: false });
  append(log, { type: 'tool-result', callId: 'call-1', ok: exitCode === 0, output: `exit ${exitCode}` });
  append(log, { type: 'phase-ended', phase: 'implement', outcome: 'done' });
  append(log, { type: 'status', status: 'succeeded' });
  await log.close();
}

async function stream() {
  const ops = [];
  for (let i = 0; i < opts.count; i++) ops.push(await openOperation(`agents-bench-${i + 1}`, i));
  for (const op of ops) startCommand(op.log);
  for (const op of ops) await op.log.flush();
  say({ ready: ops.map((o) => o.id) });
  const input = readline.createInterface({ input: process.stdin });
  const lines = input[Symbol.asyncIterator]();
  const expect = async (word) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) process.exit(1); // the benchmark went away
      if (value.trim() === word) return;
    }
  };
  await expect('go');
  // Lines owed follow the clock, not the timer count: a late timer writes more chunks, so each
  // operation keeps its rate (lines per second) even when the machine is busy.
  const rate = (opts.linesPerChunk * 1000) / opts.chunkMs;
  const started = performance.now();
  let written = 0;
  let lastReport = 0;
  let worstTimerLateMs = 0;
  let expectedAt = started;
  await new Promise((resolve) => {
    const tick = () => {
      const t = performance.now();
      worstTimerLateMs = Math.max(worstTimerLateMs, t - expectedAt);
      const owed = Math.min(opts.lines, Math.floor(((t - started) / 1000) * rate));
      while (written + opts.linesPerChunk <= owed || (owed === opts.lines && written < opts.lines)) {
        const n = Math.min(opts.linesPerChunk, opts.lines - written);
        ops.forEach((op, k) => {
          let text = '';
          for (let j = 0; j < n; j++) text += outputLine(k + 1, written + j);
          append(op.log, { type: 'command-output', callId: 'call-1', stream: 'stdout', text });
        });
        written += n;
      }
      if (t - lastReport >= 5000) {
        lastReport = t;
        say({ linesPerOp: written, seconds: (t - started) / 1000 });
      }
      if (written >= opts.lines) return resolve();
      expectedAt = t + opts.chunkMs;
      setTimeout(tick, opts.chunkMs);
    };
    tick();
  });
  for (const op of ops) await op.log.flush();
  const seconds = (performance.now() - started) / 1000;
  say({ done: true, linesPerOp: written, seconds, worstTimerLateMs, lastSeq: Object.fromEntries(ops.map((o) => [o.id, o.log.lastSeq])) });
  await expect('end');
  for (const op of ops) await finish(op.log, 0);
  say({ ended: true });
  input.close();
}

/** A finished build with `events` events: a mix of agent notes, tool calls and results, command output. */
async function replayLog() {
  const { id, log } = await openOperation('agents-bench-replay', 0);
  append(log, { type: 'status', status: 'running' });
  append(log, { type: 'phase-started', phase: 'implement' });
  let call = 0;
  while (log.lastSeq < opts.events - 2) {
    const k = log.lastSeq - 2; // every tenth event is a note, then a call, output, its result
    if (k % 10 === 0) append(log, { type: 'agent-text', text: `Step ${k}: reading the failing test and the module it covers, then fixing the edge case.` });
    else if (k % 10 === 1) {
      call++;
      append(log, { type: 'tool-call', callId: `call-${call}`, tool: call % 3 ? 'read_file' : 'run_command', input: JSON.stringify(call % 3 ? { path: `src/module-${call % 97}/feature.ts` } : { command: `npm test -- feature-${call}` }) });
    } else if (k % 10 === 9) append(log, { type: 'tool-result', callId: `call-${call}`, ok: true, output: `export function feature${call}() {\n  return ${call};\n}\n` });
    else append(log, { type: 'command-output', callId: `call-${call}`, stream: 'stdout', text: outputLine(1, k) });
  }
  append(log, { type: 'phase-ended', phase: 'implement', outcome: 'done' });
  append(log, { type: 'status', status: 'succeeded' });
  await log.close();
  say({ id, lastSeq: log.lastSeq, bytes: fs.statSync(operationLogPath(dir, id)).size });
}

(mode === 'stream' ? stream() : replayLog()).catch((error) => {
  console.error(error);
  process.exit(1);
});
