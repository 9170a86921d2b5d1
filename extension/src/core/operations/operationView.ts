/**
 * What a watcher sees of an operation: a readable timeline of what the agent
 * said and did, the text of its terminal, and what it is doing now. Folded
 * from the operation's events by `applyViewEvent`, the same function on both
 * sides: the host folds a whole log into a view for a replay (after a reload,
 * or a card opened late), the webview keeps folding the live events into it.
 *
 * Bounded by design: a log may hold a million events, the view keeps the last
 * MAX_TIMELINE entries and the last MAX_TERMINAL_CHARS of terminal text (the
 * full log stays on disk and opens in an editor). Pure.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import { OperationStatus, Phase } from './operation';
import type { OperationEvent } from './operationEvents';

export const MAX_TIMELINE = 200;
/** Characters of one timeline entry's text (an agent's long note keeps its start and says it was cut). */
export const MAX_ENTRY_TEXT = 2000;
export const MAX_TERMINAL_CHARS = 64 * 1024;
const MAX_COMMAND_TEXT = 500;

const seq = z.int().check(z.positive());
const time = z.string().check(z.maxLength(40));
const entryText = z.string().check(z.maxLength(MAX_ENTRY_TEXT + 40));
const name = z.string().check(z.maxLength(200));

export const TimelineEntry = z.discriminatedUnion('kind', [
  /** What the agent said; consecutive chunks of one note are one entry. */
  z.strictObject({ kind: z.literal('text'), seq, time, text: entryText }),
  /** A tool call, with its outcome once its result came. */
  z.strictObject({ kind: z.literal('tool'), seq, time, callId: name, tool: name, title: entryText, state: z.enum(['running', 'ok', 'error']), result: z.optional(entryText) }),
  z.strictObject({ kind: z.literal('phase'), seq, time, phase: Phase, state: z.enum(['started', 'done', 'failed', 'skipped']) }),
  z.strictObject({ kind: z.literal('status'), seq, time, status: OperationStatus, reason: z.optional(entryText) }),
  z.strictObject({ kind: z.literal('question'), seq, time, command: entryText, reason: entryText, answer: z.optional(z.enum(['once', 'operation', 'deny'])) }),
  z.strictObject({ kind: z.literal('note'), seq, time, level: z.enum(['info', 'error']), text: entryText }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const OperationView = z.strictObject({
  /** The first event folded in: 1, or later when a long log was replayed from its tail. */
  fromSeq: z.int().check(z.positive()),
  /** The last event folded in; the next live event must be seq + 1. */
  seq: z.int().check(z.nonnegative()),
  entries: z.array(TimelineEntry).check(z.maxLength(MAX_TIMELINE)),
  /** Entries that fell off the start. */
  droppedEntries: z.int().check(z.nonnegative()),
  /** The terminal's text, its tail: commands, their output and exit codes (ANSI colours kept). */
  terminal: z.string().check(z.maxLength(MAX_TERMINAL_CHARS)),
  /** Characters of terminal text ever written, so a view knows how much it does not hold. */
  terminalChars: z.int().check(z.nonnegative()),
  /** What the agent is doing now, in words ("Running `npm test`"); null when nothing runs. */
  activity: z.nullable(z.string().check(z.maxLength(MAX_COMMAND_TEXT + 100))),
  /** Command tools whose output and exit came as events (their result is not written again). */
  streamedCalls: z.array(name).check(z.maxLength(64)),
});
export type OperationView = z.infer<typeof OperationView>;

/** A view before any event; `fromSeq` > 1 starts a replay from a log's tail. */
export function emptyView(fromSeq = 1): OperationView {
  return { fromSeq, seq: fromSeq - 1, entries: [], droppedEntries: 0, terminal: '', terminalChars: 0, activity: null, streamedCalls: [] };
}

const COMMAND_TOOLS = new Set(['run_command', 'Bash']);

function cut(text: string, max: number = MAX_ENTRY_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)} … (${(text.length - max).toLocaleString('en-US')} more characters in the log)`;
}

function inputOf(input: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    // Cut to MAX_EVENT_TEXT by the log: a long input is no longer JSON.
    return {};
  }
}

function field(input: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = input[key];
    if (typeof value === 'string' && value !== '') return value.replace(/\s+/g, ' ').slice(0, MAX_COMMAND_TEXT);
  }
  return undefined;
}

/** A tool call in words: "Run `npm test`", "Edit src/app.ts". Claude Code's tools keep their names. */
export function describeToolCall(tool: string, input: string): string {
  const args = inputOf(input);
  const file = field(args, 'path', 'file_path', 'notebook_path');
  switch (tool) {
    case 'run_command':
    case 'Bash':
      return `Run \`${field(args, 'command') ?? '…'}\``;
    case 'read_file':
    case 'Read':
      return `Read ${file ?? 'a file'}`;
    case 'write_file':
    case 'Write':
      return `Write ${file ?? 'a file'}`;
    case 'edit_file':
    case 'Edit':
    case 'MultiEdit':
      return `Edit ${file ?? 'a file'}`;
    case 'list_files':
    case 'LS':
      return `List ${file ?? 'the worktree'}`;
    case 'search':
    case 'Grep':
    case 'Glob':
      return `Search for \`${field(args, 'pattern', 'query') ?? '…'}\`${file ? ` in ${file}` : ''}`;
    default:
      return `${tool}${file ? ` ${file}` : ''}`;
  }
}

/** "Run `npm test`" -> "Running `npm test`": what the activity line says while the call runs. */
function progressive(title: string): string {
  return title.replace(/^(Run|Read|Write|Edit|List|Search)\b/, (verb) => ({ Run: 'Running', Read: 'Reading', Write: 'Writing', Edit: 'Editing', List: 'Listing', Search: 'Searching' })[verb] ?? verb);
}

const PHASE_ACTIVITY: Record<Phase, string> = {
  spec: 'Reading the spec…',
  design: 'Planning the change…',
  implement: 'Implementing…',
  test: 'Testing…',
  review: 'Reviewing…',
  commit: 'Committing…',
};

const bold = (text: string) => `\x1b[1m${text}\x1b[22m`;
const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
const red = (text: string) => `\x1b[31m${text}\x1b[39m`;

/** The terminal text an event adds, if any: a command line, its output, its exit. */
export function terminalText(view: OperationView, event: OperationEvent): string {
  switch (event.type) {
    case 'tool-call':
      return COMMAND_TOOLS.has(event.tool) ? `${bold(`$ ${field(inputOf(event.input), 'command') ?? '…'}`)}\n` : '';
    case 'command-output':
      return event.text;
    case 'command-exit': {
      const how = event.timedOut ? 'timed out' : event.signal ? `killed by ${event.signal}` : `exit ${event.exitCode ?? '?'}`;
      return `${event.exitCode === 0 ? dim(`[${how}]`) : red(`[${how}]`)}\n\n`;
    }
    case 'tool-result': {
      // A command whose output did not stream (Claude Code's Bash): its result is the output.
      const call = view.entries[lastIndex(view.entries, (e) => e.kind === 'tool' && e.callId === event.callId)];
      if (!call || call.kind !== 'tool' || !COMMAND_TOOLS.has(call.tool) || view.streamedCalls.includes(event.callId)) return '';
      return `${event.output}${event.output.endsWith('\n') ? '' : '\n'}${event.ok ? '' : `${red('[failed]')}\n`}\n`;
    }
    default:
      return '';
  }
}

/** The last MAX_TERMINAL_CHARS, cut at a line start so no escape sequence is split (a single huge line is cut anyway). */
function terminalTail(terminal: string): string {
  if (terminal.length <= MAX_TERMINAL_CHARS) return terminal;
  const from = terminal.length - MAX_TERMINAL_CHARS;
  const newline = terminal.indexOf('\n', from);
  return terminal.slice(newline >= 0 && newline < terminal.length - 1 ? newline + 1 : from);
}

function appendTerminal(view: OperationView, text: string): void {
  if (text === '') return;
  view.terminalChars += text.length;
  view.terminal += text;
  // Cut only past twice the bound: cutting a 64 KiB string on every event of a million-event log costs seconds.
  if (view.terminal.length > 2 * MAX_TERMINAL_CHARS) view.terminal = terminalTail(view.terminal);
}

function lastIndex<T>(items: readonly T[], match: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
}

function push(view: OperationView, entry: TimelineEntry): void {
  view.entries.push(entry);
  if (view.entries.length > MAX_TIMELINE) {
    const over = view.entries.length - MAX_TIMELINE;
    view.entries.splice(0, over);
    view.droppedEntries += over;
  }
}

/**
 * Folds `events` into a copy of `view`. Events at or below `view.seq` are
 * skipped (seen already); an event after a gap stops the fold, and the
 * caller asks for a replay (`gap` true) — so nothing is shown twice and
 * nothing is missed silently. `acrossGaps` is for a replay of the log itself.
 */
export function applyViewEvents(view: OperationView, events: readonly OperationEvent[], options: { acrossGaps?: boolean } = {}): { view: OperationView; gap: boolean; terminal: string } {
  const next: OperationView = { ...view, entries: [...view.entries], streamedCalls: [...view.streamedCalls] };
  let written = '';
  for (const event of events) {
    if (event.seq <= next.seq) continue;
    // A log with a torn line in the middle (a crash long ago) has a gap for good: a replay goes on past it.
    if (event.seq !== next.seq + 1 && !options.acrossGaps) return { view: { ...next, terminal: terminalTail(next.terminal) }, gap: true, terminal: written };
    const text = terminalText(next, event);
    appendTerminal(next, text);
    written += text;
    fold(next, event);
    next.seq = event.seq;
  }
  next.terminal = terminalTail(next.terminal);
  return { view: next, gap: false, terminal: written };
}

function fold(view: OperationView, event: OperationEvent): void {
  const at = { seq: event.seq, time: event.time };
  switch (event.type) {
    case 'agent-text': {
      const last = view.entries.at(-1);
      if (last?.kind === 'text') {
        view.entries[view.entries.length - 1] = { ...last, text: cut(last.text + event.text) };
      } else if (event.text.trim() !== '') {
        push(view, { kind: 'text', ...at, text: cut(event.text) });
      }
      return;
    }
    case 'tool-call': {
      const title = describeToolCall(event.tool, event.input);
      push(view, { kind: 'tool', ...at, callId: event.callId, tool: event.tool, title: cut(title), state: 'running' });
      view.activity = progressive(title);
      return;
    }
    case 'tool-result': {
      const index = lastIndex(view.entries, (e) => e.kind === 'tool' && e.callId === event.callId);
      const entry = view.entries[index];
      if (entry?.kind === 'tool') view.entries[index] = { ...entry, state: event.ok ? 'ok' : 'error', result: cut(event.output.trim(), 600) };
      view.streamedCalls = view.streamedCalls.filter((id) => id !== event.callId);
      view.activity = 'Thinking…';
      return;
    }
    case 'command-output':
    case 'command-exit': {
      // The command's events carry the runner's own id (`cmd-1`), not the tool call's: they belong to
      // the command tool call still running. Its output and exit are in the terminal, so its result
      // is not written again.
      const call = view.entries[lastIndex(view.entries, (e) => e.kind === 'tool' && e.state === 'running' && COMMAND_TOOLS.has(e.tool))];
      if (call?.kind === 'tool' && !view.streamedCalls.includes(call.callId)) view.streamedCalls = [...view.streamedCalls, call.callId].slice(-64);
      return;
    }
    case 'phase-started':
      push(view, { kind: 'phase', ...at, phase: event.phase, state: 'started' });
      view.activity = PHASE_ACTIVITY[event.phase];
      return;
    case 'phase-ended':
      push(view, { kind: 'phase', ...at, phase: event.phase, state: event.outcome });
      return;
    case 'status':
      push(view, { kind: 'status', ...at, status: event.status, ...(event.reason ? { reason: cut(event.reason) } : {}) });
      view.activity = event.status === 'running' ? 'Starting…' : event.status === 'pending' ? 'Queued…' : null;
      return;
    case 'question':
      push(view, { kind: 'question', ...at, command: cut(event.command, MAX_COMMAND_TEXT), reason: cut(event.reason, MAX_COMMAND_TEXT) });
      view.activity = 'Waiting for you to allow a command';
      return;
    case 'answer': {
      const index = lastIndex(view.entries, (e) => e.kind === 'question' && e.answer === undefined);
      const entry = view.entries[index];
      if (entry?.kind === 'question') view.entries[index] = { ...entry, answer: event.answer };
      view.activity = 'Thinking…';
      return;
    }
    case 'worktree':
      push(view, { kind: 'note', ...at, level: 'info', text: cut(`Worktree ${event.path} on branch ${event.branch}`) });
      return;
    case 'worktree-removed':
      push(view, { kind: 'note', ...at, level: 'info', text: event.branchDeleted ? 'Worktree and branch removed.' : 'Worktree removed; the branch was kept.' });
      return;
    case 'commit':
      push(view, { kind: 'note', ...at, level: 'info', text: cut(`Committed ${event.commit.slice(0, 12)}: ${event.message}`) });
      return;
    case 'gate-result':
      push(view, { kind: 'note', ...at, level: event.passed ? 'info' : 'error', text: cut(`Gate ${event.gate} ${event.passed ? 'passed' : 'failed'}: ${event.summary}`) });
      return;
    case 'review-result':
      push(view, { kind: 'note', ...at, level: event.verdict === 'changes' ? 'error' : 'info', text: cut(`Reviewer ${event.reviewer}: ${event.verdict} — ${event.summary}`) });
      return;
    case 'error':
      push(view, { kind: 'note', ...at, level: 'error', text: cut(event.message) });
      return;
    case 'usage':
      return;
  }
}
