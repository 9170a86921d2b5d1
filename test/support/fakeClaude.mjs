#!/usr/bin/env node
// A stand-in for the `claude` executable in `-p --output-format stream-json --verbose`
// mode, for the Claude CLI provider's tests. It writes the line shapes the real CLI
// writes (system init, stream_event lines with raw API events when
// --include-partial-messages is given, assistant messages, a final result with usage
// and total_cost_usd). FAKE_CLAUDE_SCENARIO picks the behaviour; FAKE_CLAUDE_RECORD
// names a file where it writes what it received (argv, stdin, cwd, pids, whether it
// saw ANTHROPIC_API_KEY). FAKE_CLAUDE_REPLY replaces the echo reply.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const scenario = process.env.FAKE_CLAUDE_SCENARIO ?? 'text';
const argv = process.argv.slice(2);
const partial = argv.includes('--include-partial-messages') && scenario !== 'no-partial';
const model = argv.includes('--model') ? argv[argv.indexOf('--model') + 1] : 'claude-sonnet-5-5';
const sessionId = 'fake-session-0001';

const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function record(extra = {}) {
  if (!process.env.FAKE_CLAUDE_RECORD) return;
  writeFileSync(process.env.FAKE_CLAUDE_RECORD, JSON.stringify({
    argv,
    stdin,
    cwd: process.cwd(),
    pid: process.pid,
    sawApiKey: process.env.ANTHROPIC_API_KEY !== undefined,
    ...extra,
  }));
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function usage(outputTokens) {
  return { input_tokens: 42, cache_creation_input_tokens: 1000, cache_read_input_tokens: 5000, output_tokens: outputTokens };
}

/** One assistant message: raw stream events first (when asked for), then the whole message. */
async function assistant(text, { pieceSize = 4, delayMs = 0 } = {}) {
  if (partial) {
    out({ type: 'stream_event', event: { type: 'message_start', message: { model, usage: usage(1) } }, session_id: sessionId });
    out({ type: 'stream_event', event: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, session_id: sessionId });
    for (let start = 0; start < text.length; start += pieceSize) {
      out({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(start, start + pieceSize) } }, session_id: sessionId });
      if (delayMs > 0) await sleep(delayMs);
    }
    out({ type: 'stream_event', event: { type: 'content_block_stop', index: 0 }, session_id: sessionId });
    out({ type: 'stream_event', event: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }, session_id: sessionId });
    out({ type: 'stream_event', event: { type: 'message_stop' }, session_id: sessionId });
  }
  out({ type: 'assistant', message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: null, usage: usage(9) }, session_id: sessionId });
}

function result(text, extra = {}) {
  out({ type: 'result', subtype: 'success', is_error: false, duration_ms: 12, num_turns: 1, result: text, session_id: sessionId, total_cost_usd: 0.0123, usage: usage(9), ...extra });
}

const stdin = await readStdin();
record();
out({ type: 'system', subtype: 'init', cwd: process.cwd(), session_id: sessionId, model, tools: ['Read', 'Grep'] });
const reply = process.env.FAKE_CLAUDE_REPLY ?? `Echo: ${stdin}`;

switch (scenario) {
  case 'text':
  case 'no-partial': {
    await assistant(reply);
    result(reply);
    break;
  }
  case 'tool': {
    const text = 'Updating the plan now.\n```tool_use name=update_blueprint\n{"summary": "Share todo lists", "openQuestions": ["Who can edit?"]}\n```\nDone.';
    await assistant(text, { pieceSize: 3 });
    result(text);
    break;
  }
  case 'two-messages': {
    await assistant('Let me look at the README.');
    out({ type: 'assistant', message: { model, content: [{ type: 'tool_use', id: 'toolu_cli', name: 'Read', input: { file_path: 'README.md' } }] }, session_id: sessionId });
    out({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_cli', content: '# Readme' }] }, session_id: sessionId });
    await assistant('It is a todo app.');
    result('It is a todo app.');
    break;
  }
  case 'error':
    result('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', { subtype: 'error_during_execution', is_error: true });
    process.exitCode = 1;
    break;
  case 'not-signed-in':
    result('Invalid API key · Please run /login', { is_error: true });
    process.exitCode = 1;
    break;
  case 'crash':
    process.stderr.write('fake claude: something broke\n');
    process.exitCode = 3;
    break;
  case 'slow':
    await assistant('one two three four five six seven eight nine ten '.repeat(20), { pieceSize: 4, delayMs: 30 });
    result('slow');
    break;
  case 'hang': {
    // A grandchild too: killing the request must take the whole tree down.
    const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    record({ grandchildPid: grandchild.pid });
    out({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Thinking…' } }, session_id: sessionId });
    setInterval(() => {}, 1000);
    break;
  }
  default:
    process.stderr.write(`fake claude: unknown FAKE_CLAUDE_SCENARIO '${scenario}'\n`);
    process.exitCode = 2;
}
