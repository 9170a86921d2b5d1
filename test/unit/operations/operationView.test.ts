/**
 * The watcher's view of an operation, folded from its events: the same fold
 * runs in the host (replay) and in the webview (live), so a view folded in
 * one go must equal one folded in pieces, an event seen twice must change
 * nothing, and a gap must be reported rather than papered over.
 */
import { describe, expect, it } from 'vitest';
import type { NewOperationEvent, OperationEvent } from '../../../extension/src/core/operations/operationEvents';
import { applyViewEvents, describeToolCall, emptyView, MAX_TERMINAL_CHARS, MAX_TIMELINE, OperationView } from '../../../extension/src/core/operations/operationView';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');

function numbered(events: NewOperationEvent[], from = 1): OperationEvent[] {
  return events.map((e, i) => ({ ...e, seq: from + i, time: new Date(T0 + (from + i) * 1000).toISOString() }) as OperationEvent);
}

const build = numbered([
  { type: 'status', status: 'running' },
  { type: 'phase-started', phase: 'implement' },
  { type: 'agent-text', text: 'I will add the greeting ' },
  { type: 'agent-text', text: 'and test it.' },
  { type: 'tool-call', callId: 'c1', tool: 'write_file', input: '{"path":"src/greet.ts","content":"x"}' },
  { type: 'tool-result', callId: 'c1', ok: true, output: 'wrote src/greet.ts' },
  { type: 'tool-call', callId: 'c2', tool: 'run_command', input: '{"command":"npm test"}' },
  // The runner numbers commands itself: their events do not carry the tool call's id.
  { type: 'command-output', callId: 'cmd-1', stream: 'stdout', text: '\x1b[32m✓\x1b[39m 3 tests passed\n' },
  { type: 'command-exit', callId: 'cmd-1', exitCode: 0, signal: null, timedOut: false },
  { type: 'tool-result', callId: 'c2', ok: true, output: 'exit 0\n✓ 3 tests passed' },
  { type: 'question', questionId: 'q1', command: 'npm install left-pad', reason: 'not a project command' },
]);

describe('the operation view', () => {
  it('tells what the agent said and did, with each tool call in words and its outcome', () => {
    const { view, gap } = applyViewEvents(emptyView(), build);
    expect(gap).toBe(false);
    expect(view.seq).toBe(build.length);
    expect(view.entries.map((e) => (e.kind === 'tool' ? `${e.title} ${e.state}` : e.kind === 'text' ? e.text : e.kind))).toEqual([
      'status',
      'phase',
      'I will add the greeting and test it.',
      'Write src/greet.ts ok',
      'Run `npm test` ok',
      'question',
    ]);
    expect(view.activity).toBe('Waiting for you to allow a command');
    expect(OperationView.parse(view)).toEqual(view);
  });

  it('writes the command, its own output with its colours, and its exit to the terminal, once', () => {
    const { view, terminal } = applyViewEvents(emptyView(), build);
    expect(view.terminal).toBe('\x1b[1m$ npm test\x1b[22m\n\x1b[32m✓\x1b[39m 3 tests passed\n\x1b[2m[exit 0]\x1b[22m\n\n');
    expect(terminal).toBe(view.terminal);
    // The streamed command's result is not written a second time.
    expect(view.terminal.match(/3 tests passed/g)).toHaveLength(1);
    // A command that printed nothing: its exit is the whole story, not the tool's wording of it.
    const silent = numbered([
      { type: 'tool-call', callId: 's1', tool: 'run_command', input: '{"command":"touch x"}' },
      { type: 'command-exit', callId: 'cmd-7', exitCode: 0, signal: null, timedOut: false },
      { type: 'tool-result', callId: 's1', ok: true, output: 'The command exited with 0. It printed nothing.' },
    ]);
    expect(applyViewEvents(emptyView(), silent).view.terminal).toBe('\x1b[1m$ touch x\x1b[22m\n\x1b[2m[exit 0]\x1b[22m\n\n');
  });

  it('writes a command result that did not stream (Claude Code Bash), and marks a failure', () => {
    const events = numbered([
      { type: 'tool-call', callId: 'b1', tool: 'Bash', input: '{"command":"ls"}' },
      { type: 'tool-result', callId: 'b1', ok: false, output: 'ls: cannot access x' },
    ]);
    const { view } = applyViewEvents(emptyView(), events);
    expect(view.terminal).toBe('\x1b[1m$ ls\x1b[22m\nls: cannot access x\n\x1b[31m[failed]\x1b[39m\n\n');
    expect(view.entries[0]).toMatchObject({ kind: 'tool', title: 'Run `ls`', state: 'error', result: 'ls: cannot access x' });
  });

  it('folded in pieces equals folded at once; an event seen again changes nothing', () => {
    const whole = applyViewEvents(emptyView(), build).view;
    let pieces = emptyView();
    for (let i = 0; i < build.length; i += 3) pieces = applyViewEvents(pieces, build.slice(0, i + 3)).view;
    expect(pieces).toEqual(whole);
    expect(applyViewEvents(whole, build.slice(2, 6))).toMatchObject({ view: whole, gap: false, terminal: '' });
  });

  it('stops at a gap and says so, keeping what came before it', () => {
    const { view, gap } = applyViewEvents(emptyView(), [...build.slice(0, 3), ...build.slice(4)]);
    expect(gap).toBe(true);
    expect(view.seq).toBe(3);
  });

  it('keeps the last MAX_TIMELINE entries and the last MAX_TERMINAL_CHARS of terminal text, cut at a line start', () => {
    const line = `${'x'.repeat(99)}\n`;
    const many = numbered(
      Array.from({ length: 3000 }, (_, i): NewOperationEvent => (i % 2 === 0 ? { type: 'error', message: `problem ${i}` } : { type: 'command-output', callId: 'c', stream: 'stdout', text: line.repeat(5) })),
    );
    const { view } = applyViewEvents(emptyView(), many);
    expect(view.entries).toHaveLength(MAX_TIMELINE);
    expect(view.droppedEntries).toBe(1500 - MAX_TIMELINE);
    expect(view.entries.at(-1)).toMatchObject({ kind: 'note', text: 'problem 2998' });
    expect(view.terminal.length).toBeLessThanOrEqual(MAX_TERMINAL_CHARS);
    expect(view.terminal.length).toBeGreaterThan(MAX_TERMINAL_CHARS - line.length);
    expect(view.terminal.startsWith('x')).toBe(true);
    expect(view.terminalChars).toBe(1500 * 5 * line.length);
    expect(() => OperationView.parse(view)).not.toThrow();
  });

  it('cuts a long note and names what it left out', () => {
    const { view } = applyViewEvents(emptyView(), numbered([{ type: 'agent-text', text: 'y'.repeat(5000) }]));
    expect(view.entries[0]).toMatchObject({ kind: 'text' });
    expect(view.entries[0]!.kind === 'text' && view.entries[0]!.text.endsWith('(3,000 more characters in the log)')).toBe(true);
  });

  it('describes tool calls of both backends, and survives an input that is not JSON', () => {
    expect(describeToolCall('search', '{"pattern":"TODO","path":"src"}')).toBe('Search for `TODO` in src');
    expect(describeToolCall('Edit', '{"file_path":"/w/a.ts"}')).toBe('Edit /w/a.ts');
    expect(describeToolCall('run_command', '{"command":"npm')).toBe('Run `…`');
    expect(describeToolCall('WebFetch', '{}')).toBe('WebFetch');
  });
});
