/**
 * The Claude Code CLI as a model provider, for users who have `claude` signed in:
 * `claude -p --output-format stream-json --verbose --include-partial-messages`,
 * one process per request, no shell, cwd = the workspace, the prompt on stdin,
 * the environment without ANTHROPIC_API_KEY (the CLI uses its own sign-in).
 *
 * What differs from the API provider, by necessity:
 * - Our tools (e.g. the Architect's `update_blueprint`) cannot be registered with
 *   the CLI. The system text describes them and asks the model to write a call as
 *   a fenced block — ```tool_use name=<tool>\n{json}\n``` — which is cut out of the
 *   text (also while streaming) and returned as a `tool_use` content block.
 * - `-p` is one-shot, so each request sends the whole conversation as a transcript:
 *   earlier tool calls as the same fenced blocks, tool results as text. Images
 *   cannot go through the text prompt; they are replaced by a note.
 * - The system text goes in with `--system-prompt` (replacing Claude Code's own
 *   coding prompt; the default) or `--append-system-prompt` (`systemPromptFlag`);
 *   one too long for a command-line argument goes at the top of stdin instead.
 * - `--model` only when one is configured for the CLI; otherwise its own default.
 * - The CLI may use its own read-only tools within a request; only text reaches us.
 * Abort and the idle timeout kill the whole process tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ExecutableNotFoundError, resolveExecutable } from '../../platform/executables';
import { killTree } from '../../platform/processTree';
import { createInterface } from 'node:readline';
import { ProviderError, type ContentBlock, type ModelMessage, type ModelProvider, type ModelRequest, type ProviderEvent, type StopReason, type ToolSpec, type Usage } from './modelProvider';
import { abortedError } from './retry';

export interface ClaudeCliProviderOptions {
  executable: string;
  cwd: string;
  model?: string;
  /** No output for this long ends the request; default 300 s (the CLI may read files between messages). */
  timeoutMs?: number;
  systemPromptFlag?: '--system-prompt' | '--append-system-prompt';
  /** Extra environment entries (tests point the fake CLI at its scenario with these). */
  env?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 300_000;
/**
 * One argument may hold 128 KiB on Linux and a whole command line 32K characters on
 * Windows; a system text past this (a large memory context) goes on stdin instead.
 */
const MAX_SYSTEM_ARGUMENT_BYTES = process.platform === 'win32' ? 24_000 : 100_000;
const FENCE_OPEN = '```tool_use';
const FENCE_PATTERN = /```tool_use name=([A-Za-z0-9_-]+)[^\n]*\n([\s\S]*?)\n?```[ \t]*\n?/g;

export class ClaudeCliProvider implements ModelProvider {
  readonly id = 'claude-cli' as const;

  constructor(private readonly options: ClaudeCliProviderOptions) {}

  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    return this.run(request, signal);
  }

  /** The command line and what goes on stdin. */
  invocation(request: ModelRequest): { args: string[]; stdin: string } {
    // Only a model the user configured for the CLI: `request.model` names an API model, and without
    // one the CLI's own default (the user's plan and settings) is the right choice.
    const model = this.options.model;
    const system = systemText(request);
    const systemFits = Buffer.byteLength(system) <= MAX_SYSTEM_ARGUMENT_BYTES;
    const prompt = promptText(request.messages);
    return {
      args: [
        '-p',
        '--output-format', 'stream-json',
        '--verbose',
        '--include-partial-messages',
        ...(model ? ['--model', model] : []),
        ...(system && systemFits ? [this.options.systemPromptFlag ?? '--system-prompt', system] : []),
      ],
      stdin: system && !systemFits ? `<instructions>\n${system}\n</instructions>\n\n${prompt}` : prompt,
    };
  }

  private async *run(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent> {
    if (signal.aborted) throw abortedError();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env };
    delete env['ANTHROPIC_API_KEY'];
    const { args, stdin } = this.invocation(request);
    let child: ChildProcess;
    let program: string;
    try {
      // By absolute path: the working folder is the workspace, and a `claude.exe`
      // committed there must never be what runs (platform/executables.ts).
      program = resolveExecutable(this.options.executable);
    } catch (error) {
      if (!(error instanceof ExecutableNotFoundError)) throw error;
      throw new ProviderError(`Claude Code CLI not found ('${this.options.executable}': ${error.message.slice(error.program.length + 2)}). Install it or set orchard.claudeCli.path.`, 'cli', false);
    }
    try {
      child = spawn(program, args, {
        cwd: this.options.cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        // Its own process group, so a kill reaches what the CLI started too.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      // Windows refuses some executables (a .cmd without a shell) synchronously.
      throw spawnError(error as NodeJS.ErrnoException, this.options.executable);
    }
    const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
      child.once('close', (code) => resolve({ code }));
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.stdin?.on('error', () => undefined); // a CLI that exits early closes stdin under us; the exit says why
    child.stdin?.end(stdin);

    const state = { aborted: false, timedOut: false };
    const kill = () => killTree(child);
    const onAbort = () => {
      state.aborted = true;
      kill();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        state.timedOut = true;
        kill();
      }, timeoutMs);
    };

    const reader = new StreamJsonReader(request.model);
    try {
      armIdleTimer();
      if (child.stdout) {
        const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
        for await (const line of lines) {
          armIdleTimer();
          if (state.aborted) break;
          yield* reader.accept(line);
        }
      }
      const exit = await exited;
      if (state.aborted || signal.aborted) throw abortedError();
      if (state.timedOut) throw new ProviderError(`The Claude Code CLI gave no output for ${Math.round(timeoutMs / 1000)} s and was stopped. Press Retry.`, 'timeout', true);
      if (exit.error) throw spawnError(exit.error, this.options.executable);
      yield* reader.finish(exit.code, stderr);
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) kill();
    }
  }
}

function spawnError(error: NodeJS.ErrnoException, executable: string): ProviderError {
  if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') {
    return new ProviderError(`Claude Code CLI not found at '${executable}'. Install it or set orchard.claudeCli.path.`, 'cli', false);
  }
  return new ProviderError(`Could not start the Claude Code CLI at '${executable}': ${error.message}`, 'cli', false);
}

// --- prompt -------------------------------------------------------------------

/** The request's system blocks plus the description of our tools and how to call them. */
export function systemText(request: ModelRequest): string {
  const parts = request.system.map((block) => block.text.trim()).filter((text) => text !== '');
  if (request.tools.length > 0) parts.push(toolInstructions(request.tools));
  return parts.join('\n\n');
}

function toolInstructions(tools: ToolSpec[]): string {
  const described = tools.map((tool) => `### ${tool.name}\n${tool.description}\nInput (JSON Schema): ${JSON.stringify(tool.inputSchema)}`);
  return [
    '# Tools',
    'These tools are not registered as tools in this session. To call one, write a fenced block exactly like this, with the input as JSON on the lines between:',
    '```tool_use name=<tool name>\n{"field": "value"}\n```',
    'Then stop and wait: the result comes back in the next user message as "[tool_result for <tool name>]". Do not use any other tool for these tasks.',
    ...described,
  ].join('\n\n');
}

/** The conversation as text on stdin: the last user message alone when there is no history. */
export function promptText(messages: ModelMessage[]): string {
  const [only] = messages;
  if (messages.length === 1 && only?.role === 'user' && only.content.every((block) => block.type === 'text')) {
    return only.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n\n');
  }
  const names = new Map<string, string>();
  const turns = messages.map((message) => {
    const body = message.content.map((block) => renderBlock(block, names)).join('\n\n');
    return `[${message.role}]\n${body}`;
  });
  return `<conversation>\n${turns.join('\n\n')}\n</conversation>\n\nContinue the conversation: write the assistant's next reply to the last user message.`;
}

function renderBlock(block: ContentBlock, toolNames: Map<string, string>): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
      return '[an image was attached here; the Claude Code CLI provider cannot pass images on]';
    case 'tool_use':
      toolNames.set(block.id, block.name);
      return `\`\`\`tool_use name=${block.name}\n${JSON.stringify(block.input)}\n\`\`\``;
    case 'tool_result':
      return `[tool_result for ${toolNames.get(block.toolUseId) ?? block.toolUseId}${block.isError ? ', error' : ''}]\n${block.content}`;
  }
}

// --- output -------------------------------------------------------------------

/**
 * Hides ```tool_use fences from streamed text: text is held back only while it
 * could still be the start of a fence, and a fence is announced once its name is known.
 */
export class FenceFilter {
  private pending = '';
  private inFence = false;
  private announced = 0;
  private afterFence = false;

  push(text: string): ProviderEvent[] {
    this.pending += text;
    const out: ProviderEvent[] = [];
    for (;;) {
      if (this.afterFence) {
        // The line break after a closing fence goes with the fence; it may arrive in a later delta.
        if (/^[ \t]*$/.test(this.pending)) return out;
        this.pending = this.pending.replace(/^[ \t]*\n?/, '');
        this.afterFence = false;
      }
      if (this.inFence) {
        const header = /^```tool_use name=([A-Za-z0-9_-]+)[^\n]*\n/.exec(this.pending);
        if (header && this.announced === 0) {
          out.push({ type: 'tool_started', id: '', name: header[1]! });
          this.announced = 1;
        }
        const close = this.pending.indexOf('```', FENCE_OPEN.length);
        if (close < 0) return out;
        this.pending = this.pending.slice(close + 3);
        this.afterFence = true;
        this.inFence = false;
        this.announced = 0;
        continue;
      }
      const open = this.pending.indexOf(FENCE_OPEN);
      if (open >= 0) {
        if (open > 0) out.push({ type: 'text', text: this.pending.slice(0, open) });
        this.pending = this.pending.slice(open);
        this.inFence = true;
        continue;
      }
      const keep = partialPrefixLength(this.pending, FENCE_OPEN);
      const ready = this.pending.slice(0, this.pending.length - keep);
      if (ready) out.push({ type: 'text', text: ready });
      this.pending = this.pending.slice(this.pending.length - keep);
      return out;
    }
  }

  /** The held-back tail once the text is complete (an unclosed fence is dropped: the final message parses it). */
  flush(): ProviderEvent[] {
    const rest = this.inFence || this.afterFence ? '' : this.pending;
    this.pending = '';
    this.afterFence = false;
    return rest ? [{ type: 'text', text: rest }] : [];
  }
}

/** How many trailing characters of `text` could begin `marker`. */
function partialPrefixLength(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (marker.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

/** Cuts the fenced tool calls out of the final text; input that is not JSON stays a string for the loop's schema check. */
export function extractToolCalls(text: string): { text: string; calls: Array<{ name: string; input: unknown }> } {
  const calls: Array<{ name: string; input: unknown }> = [];
  const rest = text.replace(FENCE_PATTERN, (_whole, name: string, body: string) => {
    let input: unknown = body.trim();
    try {
      input = JSON.parse(body);
    } catch {
      // left as the raw string
    }
    calls.push({ name, input });
    return '';
  });
  return { text: rest.replace(/\n{3,}/g, '\n\n').trim(), calls };
}

interface CliLine {
  type?: string;
  subtype?: string;
  message?: { model?: string; content?: Array<{ type?: string; text?: string }>; usage?: CliUsage };
  event?: { type?: string; delta?: { type?: string; text?: string }; content_block?: { type?: string } };
  result?: string;
  is_error?: boolean;
  usage?: CliUsage;
  errors?: string[];
}
interface CliUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** Parses stream-json lines into our events and, at the end, the final message. */
export class StreamJsonReader {
  private readonly filter = new FenceFilter();
  private readonly texts: string[] = [];
  private streamedThisMessage = false;
  private result: CliLine | undefined;
  private usage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  private announcedTools = 0;
  /** Tool ids are made up here (the CLI never saw our tools): announced in order, reused in order by finish(). */
  private readonly idPrefix = `cli_toolu_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  constructor(private model: string) {}

  *accept(line: string): Generator<ProviderEvent> {
    if (line.trim() === '') return;
    let parsed: CliLine;
    try {
      parsed = JSON.parse(line) as CliLine;
    } catch {
      return; // the CLI's stray non-JSON output (warnings) is not part of the reply
    }
    if (parsed.type === 'stream_event' && parsed.event?.type === 'content_block_delta' && parsed.event.delta?.type === 'text_delta') {
      const separator = !this.streamedThisMessage && this.texts.length > 0 ? '\n\n' : '';
      this.streamedThisMessage = true;
      yield* this.withToolIds(this.filter.push(separator + (parsed.event.delta.text ?? '')));
    } else if (parsed.type === 'assistant' && parsed.message) {
      this.model = parsed.message.model || this.model;
      const text = (parsed.message.content ?? []).filter((block) => block.type === 'text').map((block) => block.text ?? '').join('');
      if (text) {
        // Between messages (the CLI's own tool turns) the texts are separate paragraphs.
        if (!this.streamedThisMessage) yield* this.withToolIds(this.filter.push(this.texts.length > 0 ? `\n\n${text}` : text));
        this.texts.push(text);
      }
      this.streamedThisMessage = false;
    } else if (parsed.type === 'result') {
      this.result = parsed;
      const usage = parsed.usage ?? {};
      this.usage = {
        inputTokens: usage.input_tokens ?? 0,
        outputTokens: usage.output_tokens ?? 0,
        cacheReadTokens: usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
      };
    }
  }

  /** The held-back text, then the final message; throws a ProviderError when the CLI failed. */
  *finish(exitCode: number | null, stderr: string): Generator<ProviderEvent> {
    const result = this.result;
    if (!result || result.is_error || (result.subtype && result.subtype !== 'success')) {
      const detail = (result?.result || result?.errors?.join('; ') || stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${exitCode}`).slice(0, 500);
      if (/log ?in|sign ?in|invalid api key|authenticat/i.test(detail)) {
        return fail(`The Claude Code CLI is not signed in (${detail}). Run \`claude\` in a terminal to sign in, or use the Anthropic provider.`, 'auth', false);
      }
      return fail(`The Claude Code CLI failed: ${detail}`, 'cli', true);
    }
    yield* this.filter.flush();
    const fullText = this.texts.length > 0 ? this.texts.join('\n\n') : (result.result ?? '');
    const { text, calls } = extractToolCalls(fullText);
    const content: ContentBlock[] = [];
    if (text) content.push({ type: 'text', text });
    calls.forEach((call, index) => content.push({ type: 'tool_use', id: `${this.idPrefix}_${index}`, name: call.name, input: call.input }));
    const stopReason: StopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
    yield { type: 'message', content, stopReason, usage: this.usage, model: this.model };
  }

  private withToolIds(events: ProviderEvent[]): ProviderEvent[] {
    return events.map((event) => (event.type === 'tool_started' ? { ...event, id: `${this.idPrefix}_${this.announcedTools++}` } : event));
  }
}

function fail(message: string, kind: ProviderError['kind'], retryable: boolean): never {
  throw new ProviderError(message, kind, retryable);
}
