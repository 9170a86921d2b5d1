/**
 * Claude Code's `--output-format stream-json` lines as operation events, the
 * same ones Orchard's own executor loop emits (executor.ts), so the build
 * (orchestration/operations/buildOperation.ts) cannot tell the two apart:
 *
 *   assistant text           -> `agent-text` (chunked to MAX_EVENT_TEXT)
 *   assistant tool_use       -> `tool-call`, the tool named as ours
 *                               (Write -> write_file, Bash -> run_command, …)
 *   user tool_result         -> `tool-result`
 *   per-request usage        -> onUsage with the running total
 *   the final `result` line  -> the summary, or the failure and its message
 *
 * Pure: no process, no I/O; claudeCodeExecutor.ts feeds it the lines.
 */
import { chunkText, type NewOperationEvent } from '../../core/operations/operationEvents';
import type { Usage } from '../providers/modelProvider';
import { inputText } from './executor';

/** The built-in tools Claude Code is started with (`--tools`); anything else it reports is a reason to stop it. */
export const CLAUDE_CODE_TOOLS = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const;

/** Claude Code's tool names as the names our own tools have (the build's phases key on them). */
const TOOL_NAMES: Record<string, string> = {
  Write: 'write_file',
  Edit: 'edit_file',
  MultiEdit: 'edit_file',
  NotebookEdit: 'edit_file',
  Read: 'read_file',
  Bash: 'run_command',
  Glob: 'list_files',
  LS: 'list_files',
  Grep: 'search',
};

export function orchardToolName(name: string): string {
  return TOOL_NAMES[name] ?? name;
}

export type ClaudeCodeEnd = { ok: true; summary: string } | { ok: false; message: string; retryable: boolean };

interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}
interface WireBlock {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}
interface WireLine {
  type?: string;
  subtype?: string;
  message?: { id?: string; content?: WireBlock[] | string; usage?: WireUsage };
  result?: string;
  is_error?: boolean;
  errors?: unknown;
  usage?: WireUsage;
  permissionMode?: string;
  tools?: unknown;
  model?: string;
  is_api_error_message?: boolean;
}

const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function usageOf(wire: WireUsage | undefined): Usage {
  const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
  return {
    inputTokens: n(wire?.input_tokens),
    outputTokens: n(wire?.output_tokens),
    cacheReadTokens: n(wire?.cache_read_input_tokens),
    cacheWriteTokens: n(wire?.cache_creation_input_tokens),
  };
}

function sum(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens, cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens };
}

function max(a: Usage, b: Usage): Usage {
  return { inputTokens: Math.max(a.inputTokens, b.inputTokens), outputTokens: Math.max(a.outputTokens, b.outputTokens), cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens), cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens) };
}

function same(a: Usage, b: Usage): boolean {
  return a.inputTokens === b.inputTokens && a.outputTokens === b.outputTokens && a.cacheReadTokens === b.cacheReadTokens && a.cacheWriteTokens === b.cacheWriteTokens;
}

/** A tool result's content as text: a string, or the text of its blocks (an image is named, not carried). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((block: WireBlock) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : block?.type === 'image' ? '[image]' : ''))
    .filter((text) => text !== '')
    .join('\n');
}

const id = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value.slice(0, 200) : fallback);

export interface ClaudeCodeSink {
  emit(event: NewOperationEvent): void;
  /** The running total of the session's usage, whenever it grows. */
  onUsage?(total: Usage): void;
}

/** Reads Claude Code's stream, one line at a time. */
export class ClaudeCodeStream {
  /** Usage per model request (Claude Code repeats a message's usage on each of its lines: the last one counts). */
  private readonly perMessage = new Map<string, Usage>();
  private reported: Usage = ZERO;
  private lastText = '';
  private unnamed = 0;
  /** What the `system/init` line said: the permission mode and tools the session really has. */
  init: { permissionMode: string; tools: string[]; model: string } | undefined;
  end: ClaudeCodeEnd | undefined;

  constructor(private readonly sink: ClaudeCodeSink) {}

  get usage(): Usage {
    return this.reported;
  }

  /** Takes one line of output; a line that is not JSON (a stray warning) is ignored. */
  accept(line: string): void {
    if (line.trim() === '') return;
    let parsed: WireLine;
    try {
      parsed = JSON.parse(line) as WireLine;
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    switch (parsed.type) {
      case 'system':
        if (parsed.subtype === 'init') {
          const tools = Array.isArray(parsed.tools) ? parsed.tools.filter((t): t is string => typeof t === 'string') : [];
          this.init = { permissionMode: String(parsed.permissionMode ?? ''), tools, model: String(parsed.model ?? '') };
        }
        return;
      case 'assistant':
        return this.assistant(parsed);
      case 'user':
        return this.toolResults(parsed);
      case 'result':
        return this.result(parsed);
      default:
        return;
    }
  }

  private assistant(line: WireLine): void {
    const message = line.message;
    // An API error comes as a made-up assistant message too; it is the failure's reason (the result line), not the agent's words.
    if (!message || line.is_api_error_message === true) return;
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (block?.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
        this.lastText = block.text.trim();
        for (const piece of chunkText(block.text.trim())) this.sink.emit({ type: 'agent-text', text: piece });
      } else if (block?.type === 'tool_use') {
        const name = typeof block.name === 'string' && block.name !== '' ? block.name : 'unknown';
        this.sink.emit({ type: 'tool-call', callId: id(block.id, `cc_call_${this.unnamed++}`), tool: orchardToolName(name).slice(0, 200), input: inputText(block.input ?? {}) });
      }
    }
    if (message.usage) {
      this.perMessage.set(id(message.id, `cc_message_${this.perMessage.size}`), usageOf(message.usage));
      this.report([...this.perMessage.values()].reduce(sum, ZERO));
    }
  }

  private toolResults(line: WireLine): void {
    const content = line.message?.content;
    if (!Array.isArray(content)) return;
    for (const block of content) {
      if (block?.type !== 'tool_result') continue;
      this.sink.emit({ type: 'tool-result', callId: id(block.tool_use_id, 'unknown'), ok: block.is_error !== true, output: chunkText(resultText(block.content))[0] ?? '' });
    }
  }

  private result(line: WireLine): void {
    // The session's own total; never below what was already reported, so the caller's differences stay positive.
    this.report(max(this.reported, usageOf(line.usage)));
    if (line.subtype === 'success' && line.is_error !== true) {
      this.end = { ok: true, summary: (typeof line.result === 'string' ? line.result : this.lastText).trim() };
      return;
    }
    const errors = Array.isArray(line.errors) ? line.errors.filter((e): e is string => typeof e === 'string') : [];
    const detail = ((typeof line.result === 'string' && line.result.trim()) || errors.join('; ') || line.subtype || 'no reason given').slice(0, 1000);
    this.end = /log ?in|sign ?in|invalid api key|authenticat|oauth/i.test(detail)
      ? { ok: false, message: `Claude Code is not signed in (${detail}). Sign in with \`claude\` in a terminal, or give it an API key.`, retryable: false }
      : { ok: false, message: `Claude Code failed: ${detail}`, retryable: line.subtype !== 'error_max_turns' };
  }

  private report(total: Usage): void {
    if (same(total, this.reported)) return;
    this.reported = total;
    this.sink.onUsage?.(total);
  }

  /** The last text the agent said, for a summary when no result line came. */
  get text(): string {
    return this.lastText;
  }
}
