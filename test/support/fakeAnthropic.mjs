#!/usr/bin/env node
// A fake Anthropic Messages API on loopback, speaking the real streaming wire format
// (`event: <name>\ndata: <json>\n\n` with message_start, content_block_start, ping,
// content_block_delta (text_delta / input_json_delta), content_block_stop, message_delta,
// message_stop) so the real `@anthropic-ai/sdk` can talk to it. Replies follow a script,
// in order; when the script is empty the default reply echoes the last user text.
// Used by the unit tests (in process), the e2e tier and the chat benchmark (as a separate
// process: `node test/support/fakeAnthropic.mjs --port N [--script steps.json]`, or the
// FAKE_ANTHROPIC_SCRIPT env holding JSON or a path; it prints `fake-anthropic listening on <url>`).
// A separate process is scripted over HTTP: POST /__fake/script (JSON array of steps),
// GET /__fake/requests, POST /__fake/reset. No dependencies beyond node.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'api_error',
  504: 'api_error',
  529: 'overloaded_error',
};
const ERROR_MESSAGES = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
  authentication_error: 'invalid x-api-key',
};
const DEFAULT_MODEL_ECHO = 'claude-sonnet-5-5';

let idCounter = 0;
const nextId = (prefix) => `${prefix}_fake${Date.now().toString(36)}${(idCounter++).toString(36).padStart(4, '0')}`;

/** Starts the server; resolves once it listens. See fakeAnthropic.d.mts for the step shapes. */
export async function startFakeAnthropic(options = {}) {
  const requests = [];
  const queue = [];
  const sockets = new Set();
  // Tool calls made after thinking: like the real API, a later request must send that thinking back with them.
  const toolIdsWithThinking = new Set();
  const defaultReply = options.defaultReply ?? echoReply;

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake server failure: ${error?.message ?? error}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__fake/')) return control(url.pathname, req.method, raw, res);
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${url.pathname}`);
    }
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const record = { method: req.method, path: url.pathname, headers: { ...req.headers }, body, receivedAt: Date.now() };
    requests.push(record);
    const problem = body === undefined ? 'The request body is not valid JSON.' : validateRequest(req.headers, body) ?? missingThinking(body, toolIdsWithThinking);
    if (problem) {
      const status = problem.startsWith('x-api-key') ? 401 : 400;
      return sendError(res, status, ERROR_TYPES[status], problem);
    }
    const step = queue.length > 0 ? queue.shift() : defaultReply(body);
    await respond(step, body, res, toolIdsWithThinking);
  }

  function control(path, method, raw, res) {
    if (path === '/__fake/script' && method === 'POST') {
      const steps = JSON.parse(raw || '[]');
      queue.push(...(Array.isArray(steps) ? steps : [steps]));
      return sendJson(res, 200, { queued: queue.length });
    }
    if (path === '/__fake/requests' && method === 'GET') return sendJson(res, 200, requests);
    if (path === '/__fake/reset' && method === 'POST') {
      queue.length = 0;
      requests.length = 0;
      return sendJson(res, 200, { ok: true });
    }
    return sendJson(res, 404, { error: `unknown control ${method} ${path}` });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script(...steps) {
      queue.push(...steps.flat());
    },
    pending() {
      return queue.length;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The reply when nothing is scripted: echoes the last user text, so an e2e chat shows something checkable. */
export function echoReply(body) {
  const last = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
  const text = typeof last?.content === 'string'
    ? last.content
    : (last?.content ?? []).filter((block) => block.type === 'text').map((block) => block.text).join('\n');
  return { kind: 'text', text: `Echo: ${text || '(no text)'}` };
}

// --- requests ---------------------------------------------------------------

/** The checks the real API makes on the parts we use; returns a message or null. */
export function validateRequest(headers, body) {
  if (!headers['x-api-key'] && !headers['authorization']) return 'x-api-key or Authorization header is required';
  if (!headers['anthropic-version']) return 'anthropic-version: header is required';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required (a positive integer)';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  // Claude Code's per-turn-control beta puts `system` messages (text only) between the turns.
  const systemMessages = betas(headers).includes('per-turn-control-2026-07-01');
  for (const [index, message] of body.messages.entries()) {
    if (message?.role === 'system' && systemMessages) {
      if (typeof message.content === 'string') continue;
      if (!Array.isArray(message.content) || message.content.some((block) => block?.type !== 'text' || typeof block.text !== 'string')) {
        return `messages.${index}.content: a system message holds text blocks only`;
      }
      continue;
    }
    if (message?.role !== 'user' && message?.role !== 'assistant') {
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    }
    if (typeof message.content === 'string') continue;
    if (!Array.isArray(message.content)) return `messages.${index}.content: Input should be a valid list`;
    for (const [blockIndex, block] of message.content.entries()) {
      const problem = validateBlock(block);
      if (problem) return `messages.${index}.content.${blockIndex}${problem}`;
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string') {
    if (!Array.isArray(body.system)) return 'system: Input should be a valid string or list';
    for (const [index, block] of body.system.entries()) {
      if (block?.type !== 'text' || typeof block.text !== 'string') return `system.${index}: Input should be a text block`;
      const problem = validateCacheControl(block);
      if (problem) return `system.${index}${problem}`;
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return 'tools: Input should be a valid list';
    for (const [index, tool] of body.tools.entries()) {
      if (typeof tool?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)) return `tools.${index}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (typeof tool.input_schema !== 'object' || tool.input_schema?.type !== 'object') return `tools.${index}.input_schema: Input should be a JSON schema of type 'object'`;
    }
  }
  return null;
}

/** The beta names of the `anthropic-beta` header (comma-separated, possibly repeated). */
function betas(headers) {
  const value = headers['anthropic-beta'];
  return (Array.isArray(value) ? value.join(',') : String(value ?? '')).split(',').map((name) => name.trim()).filter(Boolean);
}

/** An assistant turn whose tool call followed thinking must start with that thinking, signature intact. */
function missingThinking(body, toolIdsWithThinking) {
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    const needsThinking = message.content.some((block) => block.type === 'tool_use' && toolIdsWithThinking.has(block.id));
    const first = message.content[0];
    if (needsThinking && first?.type !== 'thinking' && first?.type !== 'redacted_thinking') {
      return `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type}\`. When thinking is enabled, a final \`assistant\` message must start with a thinking block.`;
    }
  }
  return null;
}

function signatureOf(thinking) {
  return `sig_${Buffer.from(thinking).toString('base64').slice(0, 32)}`;
}

function validateBlock(block) {
  switch (block?.type) {
    case 'thinking':
      if (typeof block.thinking !== 'string' || typeof block.signature !== 'string') return '.thinking: thinking and signature are required';
      return block.signature === signatureOf(block.thinking) ? null : '.signature: Invalid `signature` in `thinking` block';
    case 'redacted_thinking':
      return typeof block.data === 'string' ? null : '.data: Field required';
    case 'text':
      return typeof block.text === 'string' ? validateCacheControl(block) : '.text: Field required';
    case 'image':
      if (block.source?.type !== 'base64') return ".source.type: Input should be 'base64'";
      if (!['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(block.source.media_type)) return '.source.media_type: unsupported image type';
      return typeof block.source.data === 'string' && block.source.data !== '' ? null : '.source.data: Field required';
    case 'tool_use':
      return typeof block.id === 'string' && typeof block.name === 'string' && typeof block.input === 'object' ? null : '.tool_use: id, name and input are required';
    case 'tool_result':
      return typeof block.tool_use_id === 'string' ? null : '.tool_use_id: Field required';
    default:
      return `.type: Input tag '${block?.type}' is not a known content block type`;
  }
}

function validateCacheControl(block) {
  if (block.cache_control === undefined) return null;
  return block.cache_control?.type === 'ephemeral' ? null : ".cache_control.type: Input should be 'ephemeral'";
}

// --- replies ----------------------------------------------------------------

async function respond(step, body, res, toolIdsWithThinking) {
  if (step.kind === 'error') return sendScriptedError(res, step);
  const content = replyContent(step);
  const model = step.model ?? body.model ?? DEFAULT_MODEL_ECHO;
  const stopReason = step.stopReason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const usage = {
    input_tokens: step.usage?.input_tokens ?? estimateInputTokens(body),
    cache_creation_input_tokens: step.usage?.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: step.usage?.cache_read_input_tokens ?? 0,
  };
  const outputTokens = step.usage?.output_tokens ?? Math.max(1, content.reduce((sum, block) => sum + countPieces(block), 0));
  if (content[0]?.type === 'thinking') {
    for (const block of content) if (block.type === 'tool_use') toolIdsWithThinking.add((block.id ??= nextId('toolu')));
  }
  const message = { id: nextId('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } };

  if (body.stream !== true) {
    return sendJson(res, 200, { ...message, content: content.map(finalBlock), stop_reason: stopReason, usage: { ...usage, output_tokens: outputTokens } });
  }

  // Events are made as they are sent, so the first one leaves at once even for a very long reply.
  function* events() {
    yield ['message_start', { type: 'message_start', message }];
    yield ['ping', { type: 'ping' }];
    for (const [index, block] of content.entries()) {
      yield ['content_block_start', { type: 'content_block_start', index, content_block: startBlock(block) }];
      for (const delta of blockDeltas(block)) yield ['content_block_delta', { type: 'content_block_delta', index, delta }];
      yield ['content_block_stop', { type: 'content_block_stop', index }];
    }
    yield ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } }];
    yield ['message_stop', { type: 'message_stop' }];
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': nextId('req') });
  res.flushHeaders();
  const delayMs = step.delayMs ?? (step.kind === 'slow' ? 100 : 0);
  let index = 0;
  for (const [name, data] of events()) {
    if (step.kind === 'cut' && index >= (step.afterEvents ?? 4)) {
      res.socket?.destroy();
      return;
    }
    if (step.kind === 'stream_error' && index >= (step.afterEvents ?? 4)) {
      const type = step.errorType ?? 'overloaded_error';
      writeEvent(res, 'error', { type: 'error', error: { type, message: step.message ?? ERROR_MESSAGES[type] ?? type } });
      res.end();
      return;
    }
    if (res.destroyed) return;
    if (delayMs > 0 && index > 0) await sleep(delayMs);
    // Honour backpressure, so "as fast as it can" still reaches the client event by event.
    if (!writeEvent(res, name, data)) await drained(res);
    index++;
  }
  res.end();
}

/** Normalizes a step into content blocks: `text`, `tool_use` and `text_tool` are shorthands for `reply`. */
function replyContent(step) {
  if (Array.isArray(step.content)) return step.content.map((block) => ({ pieces: step.pieces, ...block }));
  const blocks = [];
  if (step.thinking) blocks.push({ type: 'thinking', thinking: step.thinking });
  const text = step.text ?? (step.tokens ? fillerText(step.tokens) : undefined);
  if (text !== undefined && text !== '') blocks.push({ type: 'text', text, pieces: step.pieces });
  if (step.kind === 'tool_use' || step.kind === 'text_tool' || step.tool) {
    const tool = step.tool ?? step;
    blocks.push({ type: 'tool_use', id: tool.id, name: tool.name, input: tool.input ?? {}, pieces: tool.pieces });
  }
  if (blocks.length === 0) blocks.push({ type: 'text', text: 'OK' });
  return blocks;
}

function startBlock(block) {
  if (block.type === 'thinking') return { type: 'thinking', thinking: '', signature: '' };
  if (block.type === 'tool_use') {
    block.id ??= nextId('toolu');
    return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
  return { type: 'text', text: '' };
}

function finalBlock(block) {
  if (block.type === 'thinking') return { type: 'thinking', thinking: block.thinking, signature: signatureOf(block.thinking) };
  return block.type === 'tool_use'
    ? { type: 'tool_use', id: block.id ?? nextId('toolu'), name: block.name, input: block.input }
    : { type: 'text', text: block.text };
}

function blockDeltas(block) {
  if (block.type === 'thinking') {
    return [...tokenize(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature: signatureOf(block.thinking) }];
  }
  if (block.type === 'tool_use') {
    const json = JSON.stringify(block.input ?? {});
    return split(json, block.pieces ?? Math.min(8, Math.max(2, Math.ceil(json.length / 16))))
      .map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  }
  const pieces = block.pieces ? split(block.text, block.pieces) : tokenize(block.text);
  return pieces.map((text) => ({ type: 'text_delta', text }));
}

function countPieces(block) {
  if (block.type === 'thinking') return tokenize(block.thinking).length;
  return block.type === 'tool_use' ? Math.ceil(JSON.stringify(block.input ?? {}).length / 4) : tokenize(block.text).length;
}

/** Word-ish tokens, each keeping its leading space, so the deltas join back to the text. */
function tokenize(text) {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

function split(text, count) {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const parts = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts.length > 0 ? parts : [''];
}

function fillerText(tokens) {
  const words = ['orchard', 'blueprint', 'apple', 'branch', 'graft', 'harvest', 'root', 'bloom'];
  return Array.from({ length: tokens }, (_, index) => (index === 0 ? '' : ' ') + words[index % words.length]).join('');
}

function estimateInputTokens(body) {
  return Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4) + Math.ceil(JSON.stringify(body.system ?? '').length / 4));
}

function sendScriptedError(res, step) {
  const status = step.status ?? 500;
  const type = step.errorType ?? ERROR_TYPES[status] ?? 'api_error';
  const headers = {};
  if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
  if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
  sendError(res, status, type, step.message ?? ERROR_MESSAGES[type] ?? `error ${status}`, headers);
}

function sendError(res, status, type, message, headers = {}) {
  const requestId = nextId('req');
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: requestId }, { 'request-id': requestId, ...headers });
}

function sendJson(res, status, value, headers = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function writeEvent(res, name, data) {
  return res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- standalone ---------------------------------------------------------------

function loadScript(source) {
  if (!source) return [];
  const text = source.trim().startsWith('[') || source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
  const steps = JSON.parse(text);
  return Array.isArray(steps) ? steps : [steps];
}

async function main(argv) {
  const flag = (name) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const port = Number(flag('--port') ?? process.env.FAKE_ANTHROPIC_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${flag('--port')}'`);
  const fake = await startFakeAnthropic({ port });
  fake.script(loadScript(flag('--script') ?? process.env.FAKE_ANTHROPIC_SCRIPT));
  process.stdout.write(`fake-anthropic listening on ${fake.url}\n`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`fake-anthropic: ${error.message}\n`);
    process.exit(1);
  });
}
