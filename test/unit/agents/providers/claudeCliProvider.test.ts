/**
 * The Claude Code CLI provider against test/support/fakeClaude.mjs, a real child
 * process writing the CLI's stream-json lines: text, fenced tool calls, usage, the
 * command line and stdin it is given, failures, and killing the process tree.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaudeCliProvider, extractToolCalls, FenceFilter, promptText } from '../../../../extension/src/agents/providers/claudeCliProvider';
import { createProvider } from '../../../../extension/src/agents/providers/createProvider';
import { ProviderError, type ModelRequest, type ProviderEvent } from '../../../../extension/src/agents/providers/modelProvider';

const fakeClaude = path.resolve(__dirname, '../../../support/fakeClaude.mjs');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-cli-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function provider(scenario: string, extra: Record<string, string> = {}, timeoutMs?: number, model?: string) {
  const recordFile = path.join(workDir, `record-${Math.random().toString(36).slice(2)}.json`);
  const cli = new ClaudeCliProvider({
    executable: fakeClaude,
    cwd: workDir,
    ...(model ? { model } : {}),
    env: { FAKE_CLAUDE_SCENARIO: scenario, FAKE_CLAUDE_RECORD: recordFile, ...extra },
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const received = () => JSON.parse(fs.readFileSync(recordFile, 'utf8')) as { argv: string[]; stdin: string; cwd: string; sawApiKey: boolean; grandchildPid?: number; pid: number };
  return { cli, received };
}

const request = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  model: 'claude-sonnet-5-5',
  system: [{ text: 'You are the Architect.', cache: true }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Plan a todo app' }] }],
  tools: [],
  maxTokens: 1024,
  ...overrides,
});

async function run(events: AsyncIterable<ProviderEvent>): Promise<{ events: ProviderEvent[]; error?: ProviderError }> {
  const seen: ProviderEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { events: seen };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { events: seen, error };
  }
}

const streamedText = (events: ProviderEvent[]) => events.filter((event) => event.type === 'text').map((event) => (event.type === 'text' ? event.text : '')).join('');
const final = (events: ProviderEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'message') throw new Error(`last event is ${last?.type}`);
  return last;
};

/** A killed process whose parent died stays a zombie until init reaps it, and some containers' init never does. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe('ClaudeCliProvider', () => {
  it('streams text from stream_event lines and ends with the message, usage and model', async () => {
    const { cli, received } = provider('text');
    const { events, error } = await run(cli.stream(request(), new AbortController().signal));
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'text').length).toBeGreaterThan(2);
    expect(streamedText(events)).toBe('Echo: Plan a todo app');
    const message = final(events);
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: Plan a todo app' }]);
    expect(message.stopReason).toBe('end_turn');
    expect(message.usage).toEqual({ inputTokens: 42, outputTokens: 9, cacheReadTokens: 5000, cacheWriteTokens: 1000 });
    expect(message.model).toBe('claude-sonnet-5-5');

    const got = received();
    expect(got.argv.slice(0, 5)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--include-partial-messages']);
    expect(got.argv).not.toContain('--model'); // the CLI's own default, not the API model of the request
    expect(got.argv[got.argv.indexOf('--system-prompt') + 1]).toBe('You are the Architect.');
    expect(got.stdin).toBe('Plan a todo app');
    expect(fs.realpathSync(got.cwd)).toBe(fs.realpathSync(workDir));
  });

  it('passes a configured model on and reports the model the CLI used', async () => {
    const { cli, received } = provider('text', {}, undefined, 'opus');
    const { events } = await run(cli.stream(request(), new AbortController().signal));
    expect(received().argv.slice(5, 7)).toEqual(['--model', 'opus']);
    expect(final(events).model).toBe('opus');
  });

  it('moves a system text too long for one argument onto stdin', async () => {
    const { cli, received } = provider('text');
    const memory = 'x'.repeat(150_000);
    await run(cli.stream(request({ system: [{ text: 'You are the Architect.' }, { text: memory }] }), new AbortController().signal));
    const got = received();
    expect(got.argv).not.toContain('--system-prompt');
    expect(got.stdin.startsWith('<instructions>\nYou are the Architect.')).toBe(true);
    expect(got.stdin).toContain(memory);
    expect(got.stdin.endsWith('</instructions>\n\nPlan a todo app')).toBe(true);
  });

  it('does not hand our API key to the CLI', async () => {
    const previous = process.env['ANTHROPIC_API_KEY'];
    process.env['ANTHROPIC_API_KEY'] = 'sk-ant-should-not-leak';
    try {
      const { cli, received } = provider('text');
      await run(cli.stream(request(), new AbortController().signal));
      expect(received().sawApiKey).toBe(false);
    } finally {
      if (previous === undefined) delete process.env['ANTHROPIC_API_KEY'];
      else process.env['ANTHROPIC_API_KEY'] = previous;
    }
  });

  it('uses whole assistant messages when the CLI sends no partial events', async () => {
    const { cli } = provider('no-partial');
    const { events } = await run(cli.stream(request(), new AbortController().signal));
    expect(streamedText(events)).toBe('Echo: Plan a todo app');
    expect(final(events).content).toEqual([{ type: 'text', text: 'Echo: Plan a todo app' }]);
  });

  it('turns a fenced tool_use block into a tool call, hidden from the streamed text', async () => {
    const { cli, received } = provider('tool');
    const tools = [{ name: 'update_blueprint', description: 'Replace the blueprint.', inputSchema: { type: 'object', properties: { summary: { type: 'string' } } } }];
    const { events } = await run(cli.stream(request({ tools }), new AbortController().signal));
    expect(streamedText(events)).not.toContain('```');
    expect(streamedText(events)).not.toContain('summary');
    expect(streamedText(events)).toContain('Updating the plan now.');
    const started = events.find((event) => event.type === 'tool_started');
    const message = final(events);
    expect(message.stopReason).toBe('tool_use');
    expect(message.content[0]).toEqual({ type: 'text', text: 'Updating the plan now.\nDone.' });
    const call = message.content[1];
    expect(call).toMatchObject({ type: 'tool_use', name: 'update_blueprint', input: { summary: 'Share todo lists', openQuestions: ['Who can edit?'] } });
    expect(started).toEqual({ type: 'tool_started', id: call?.type === 'tool_use' ? call.id : '', name: 'update_blueprint' });
    const system = received().argv[received().argv.indexOf('--system-prompt') + 1]!;
    expect(system).toContain('```tool_use name=<tool name>');
    expect(system).toContain('### update_blueprint');
  });

  it('joins the text of several assistant messages (the CLI using its own tools) and ignores their tool calls', async () => {
    const { cli } = provider('two-messages');
    const { events } = await run(cli.stream(request(), new AbortController().signal));
    expect(final(events).content).toEqual([{ type: 'text', text: 'Let me look at the README.\n\nIt is a todo app.' }]);
    expect(streamedText(events)).toBe('Let me look at the README.\n\nIt is a todo app.');
  });

  it('says where it looked when the executable is missing', async () => {
    const missing = path.join(workDir, 'no-such-claude');
    const cli = new ClaudeCliProvider({ executable: missing, cwd: workDir });
    const { error } = await run(cli.stream(request(), new AbortController().signal));
    expect(error?.kind).toBe('cli');
    expect(error?.retryable).toBe(false);
    expect(error?.message).toBe(`Claude Code CLI not found at '${missing}'. Install it or set orchard.claudeCli.path.`);
  });

  it('never runs a claude from the workspace: a bare name is looked up on absolute PATH folders only', async () => {
    const planted = path.join(workDir, 'claude-planted');
    fs.copyFileSync(fakeClaude, planted);
    fs.chmodSync(planted, 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `.:${saved ?? ''}`;
    try {
      const bare = new ClaudeCliProvider({ executable: 'claude-planted', cwd: workDir });
      const { error } = await run(bare.stream(request(), new AbortController().signal));
      expect(error?.message).toBe("Claude Code CLI not found ('claude-planted': not found in any absolute folder of PATH). Install it or set orchard.claudeCli.path.");
      const relative = new ClaudeCliProvider({ executable: './claude-planted', cwd: workDir });
      expect((await run(relative.stream(request(), new AbortController().signal))).error?.message).toMatch(/relative path would depend on the working folder/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("reports a failed run with the CLI's own words", async () => {
    const { cli } = provider('error');
    const { error } = await run(cli.stream(request(), new AbortController().signal));
    expect(error?.kind).toBe('cli');
    expect(error?.message).toContain('The Claude Code CLI failed: API Error: 529');
    const crashed = await run(provider('crash').cli.stream(request(), new AbortController().signal));
    expect(crashed.error?.message).toBe('The Claude Code CLI failed: fake claude: something broke');
  });

  it('tells a user who is not signed in what to do', async () => {
    const { error } = await run(provider('not-signed-in').cli.stream(request(), new AbortController().signal));
    expect(error?.kind).toBe('auth');
    expect(error?.message).toMatch(/not signed in .*Run `claude` in a terminal to sign in/);
  });

  it('kills the process tree on abort, promptly', async () => {
    const { cli, received } = provider('hang');
    const controller = new AbortController();
    const seen: ProviderEvent[] = [];
    const outcome = run(
      (async function* () {
        for await (const event of cli.stream(request(), controller.signal)) {
          seen.push(event);
          yield event;
          if (event.type === 'text') controller.abort();
        }
      })(),
    );
    const abortedAt = Date.now();
    const { error } = await outcome;
    expect(error?.kind).toBe('aborted');
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    const { pid, grandchildPid } = received();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
    expect(grandchildPid && alive(grandchildPid)).toBe(false);
  });

  it('stops a CLI that goes quiet, as a retryable timeout', async () => {
    const { cli, received } = provider('hang', {}, 300);
    const { error } = await run(cli.stream(request(), new AbortController().signal));
    expect(error?.kind).toBe('timeout');
    expect(error?.retryable).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(received().grandchildPid!)).toBe(false);
  });

  it('is what createProvider builds for a claude-cli config', () => {
    expect(createProvider({ kind: 'claude-cli', executable: fakeClaude, cwd: workDir }).id).toBe('claude-cli');
    expect(createProvider({ kind: 'anthropic', apiKey: 'sk-ant-x', model: 'claude-sonnet-5-5' }).id).toBe('anthropic');
  });
});

describe('Claude CLI prompt and output parsing', () => {
  it('sends a lone user message as is, and a conversation as a transcript with tool calls and results', () => {
    expect(promptText([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }])).toBe('hello');
    const text = promptText([
      { role: 'user', content: [{ type: 'text', text: 'plan it' }, { type: 'image', mediaType: 'image/png', base64: 'AAAA' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'update_blueprint', input: { summary: 's' } }] },
      { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: 'summary: too short', isError: true }] },
    ]);
    expect(text).toContain('[user]\nplan it');
    expect(text).toContain('cannot pass images on');
    expect(text).toContain('[assistant]\n```tool_use name=update_blueprint\n{"summary":"s"}\n```');
    expect(text).toContain('[tool_result for update_blueprint, error]\nsummary: too short');
  });

  it('hides a fence split at any point across deltas', () => {
    const whole = 'Before.\n```tool_use name=update_blueprint\n{"a": 1}\n```\nAfter `code` and ``` fences.';
    for (let cut = 1; cut < whole.length; cut++) {
      const filter = new FenceFilter();
      const events = [...filter.push(whole.slice(0, cut)), ...filter.push(whole.slice(cut)), ...filter.flush()];
      const text = events.map((event) => (event.type === 'text' ? event.text : '')).join('');
      expect(text, `cut at ${cut}`).toBe('Before.\nAfter `code` and ``` fences.');
      expect(events.filter((event) => event.type === 'tool_started'), `cut at ${cut}`).toHaveLength(1);
    }
  });

  it('keeps tool input that is not JSON as a string for the schema check', () => {
    expect(extractToolCalls('x\n```tool_use name=t\n{oops\n```\ny')).toEqual({ text: 'x\ny', calls: [{ name: 't', input: '{oops' }] });
  });
});
