import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { runAgentLoop, ToolInputError, TurnFailedError, type AgentEvent, type AgentLoopOptions, type AgentTool } from '../../../../extension/src/agents/loop/agentLoop';
import { ProviderError } from '../../../../extension/src/agents/providers/modelProvider';
import { ScriptedProvider, text, toolCall, toolResults, type ScriptStep } from './scriptedProvider';

interface Note {
  title: string;
  tags?: string[];
}

function noteTool(saved: Note[], overrides: Partial<AgentTool<Note>> = {}): AgentTool<Note> {
  return {
    name: 'save_note',
    description: 'Save a note',
    input: z.strictObject({ title: z.string().check(z.minLength(1)), tags: z.optional(z.array(z.string())) }),
    effect: 'write',
    activity: 'Saving the note…',
    async run(input) {
      saved.push(input);
      return `saved "${input.title}"`;
    },
    ...overrides,
  };
}

const readTool: AgentTool<{ path: string }> = {
  name: 'read_file',
  description: 'Read a file',
  input: z.strictObject({ path: z.string() }),
  effect: 'read',
  async run(input) {
    return `contents of ${input.path}`;
  },
};

function setup(steps: ScriptStep[], options: Partial<AgentLoopOptions> = {}) {
  const provider = new ScriptedProvider(steps);
  const events: AgentEvent[] = [];
  const opts: AgentLoopOptions = {
    provider,
    model: 'claude-test',
    system: [{ text: 'You are a test agent.', cache: true }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
    tools: [],
    trusted: true,
    maxIterations: 5,
    budgetTokens: Infinity,
    maxTokens: 1024,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    ...options,
  };
  return { provider, events, run: () => runAgentLoop(opts) };
}

const streamedText = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');

describe('runAgentLoop', () => {
  it('ends a text-only turn after one request, streaming the text and reporting usage', async () => {
    const { provider, events, run } = setup([text('Hi there.', { inputTokens: 50, outputTokens: 7 })]);
    const result = await run();
    expect(result).toMatchObject({ outcome: 'done', text: 'Hi there.' });
    expect(result.error).toBeUndefined();
    expect(provider.requests).toHaveLength(1);
    expect(streamedText(events)).toBe('Hi there.');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(events).toContainEqual({ type: 'usage', usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('runs a tool call with validated input, sends the result back, and joins the texts of both requests', async () => {
    const saved: Note[] = [];
    const { provider, events, run } = setup([toolCall('save_note', { title: 'Milk' }, 'Saving it.'), text('Done.')], { tools: [noteTool(saved)] });
    const result = await run();
    expect(result.outcome).toBe('done');
    expect(result.text).toBe('Saving it.\n\nDone.');
    expect(saved).toEqual([{ title: 'Milk' }]);
    expect(provider.requests[0]?.tools.map((t) => t.name)).toEqual(['save_note']);
    expect(provider.requests[0]?.tools[0]?.inputSchema).toMatchObject({ type: 'object', required: ['title'], additionalProperties: false });
    expect(provider.requests[0]?.tools[0]?.inputSchema).not.toHaveProperty('$schema');
    expect(toolResults(provider.requests[1])).toEqual([{ type: 'tool_result', toolUseId: expect.any(String), content: 'saved "Milk"' }]);
    expect(events.flatMap((e) => (e.type === 'activity' ? [e.text] : []))).toEqual(['Saving the note…', null]);
    expect(result.usage.inputTokens).toBe(200);
  });

  it('returns input that breaks the schema and errors the tool throws as is_error results, and the model recovers', async () => {
    const saved: Note[] = [];
    let failOnce = true;
    const tool = noteTool(saved, {
      async run(input) {
        if (failOnce) {
          failOnce = false;
          throw new Error('disk full');
        }
        saved.push(input);
        return 'ok';
      },
    });
    const { provider, run } = setup(
      [toolCall('save_note', { title: '', tags: [1] }), toolCall('save_note', { title: 'Milk' }), toolCall('save_note', { title: 'Milk' }), text('Saved at last.')],
      { tools: [tool] },
    );
    const result = await run();
    expect(result.outcome).toBe('done');
    const [schemaError] = toolResults(provider.requests[1]);
    expect(schemaError?.isError).toBe(true);
    expect(schemaError?.content).toContain('$.title:');
    expect(schemaError?.content).toContain('$.tags[0]:');
    expect(toolResults(provider.requests[2])).toEqual([{ type: 'tool_result', toolUseId: expect.any(String), content: 'Error: disk full', isError: true }]);
    expect(saved).toEqual([{ title: 'Milk' }]);
  });

  it('answers a call to a tool that does not exist with an error naming the available ones', async () => {
    const { provider, run } = setup([toolCall('delete_everything', {}), text('Sorry.')], { tools: [readTool] });
    expect((await run()).outcome).toBe('done');
    expect(toolResults(provider.requests[1])[0]).toMatchObject({ isError: true, content: 'There is no tool named delete_everything. Available: read_file.' });
  });

  it('rejects a tool call cut off at max_tokens instead of running its partial input', async () => {
    const saved: Note[] = [];
    const cut = { ...toolCall('save_note', { title: 'Mil' }), stopReason: 'max_tokens' as const };
    const { provider, run } = setup([cut, toolCall('save_note', { title: 'Milk' }), text('ok')], { tools: [noteTool(saved)], maxTokens: 2048 });
    expect((await run()).outcome).toBe('done');
    expect(saved).toEqual([{ title: 'Milk' }]);
    expect(toolResults(provider.requests[1])[0]).toMatchObject({
      isError: true,
      content: expect.stringContaining('cut off at the output limit (2,048 tokens)'),
    });
  });

  it('fails the turn when a tool is rejected more often than its maxRetries allow', async () => {
    const tool = noteTool([], {
      maxRetries: 1,
      rejectedTooOften: (attempts, problems) => `rejected ${attempts} times: ${problems.join('; ')}`,
      async run() {
        throw new ToolInputError(['$.title: already taken']);
      },
    });
    const { provider, run } = setup([toolCall('save_note', { title: 'A' }), toolCall('save_note', { title: 'A' }), text('never sent')], { tools: [tool] });
    const result = await run();
    expect(result.outcome).toBe('failed');
    expect(result.error).toEqual({ message: 'rejected 2 times: $.title: already taken', retryable: true });
    expect(provider.requests).toHaveLength(2);
    expect(result.messages.at(-1)?.content[0]).toMatchObject({ type: 'tool_result', isError: true });
  });

  it('ends the turn when a tool throws TurnFailedError', async () => {
    const tool = noteTool([], {
      async run() {
        throw new TurnFailedError('The note store is locked.', false);
      },
    });
    const result = await setup([toolCall('save_note', { title: 'A' }), text('never sent')], { tools: [tool] }).run();
    expect(result).toMatchObject({ outcome: 'failed', error: { message: 'The note store is locked.', retryable: false } });
  });

  it('stops after maxIterations requests when the model keeps calling tools', async () => {
    const steps = Array.from({ length: 10 }, () => toolCall('read_file', { path: 'a.txt' }));
    const { provider, run } = setup(steps, { tools: [readTool], maxIterations: 3 });
    const result = await run();
    expect(provider.requests).toHaveLength(3);
    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toBe('Stopped: the model made 3 requests in this turn without finishing (the limit per turn).');
  });

  it('stops before a request that would start past the token budget, with the figures in the message', async () => {
    const big = { inputTokens: 18_000, outputTokens: 2_600, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const steps = [toolCall('read_file', { path: 'a' }, '', big), toolCall('read_file', { path: 'b' }, '', big), toolCall('read_file', { path: 'c' }, '', big)];
    const { provider, run } = setup(steps, { tools: [readTool], budgetTokens: 40_000 });
    const result = await run();
    expect(provider.requests).toHaveLength(2);
    expect(result.outcome).toBe('failed');
    expect(result.error).toEqual({ message: 'Stopped: this turn used 41,200 tokens, over the budget of 40,000 (orchard.budget.tokens).', retryable: false });
  });

  it('counts cached input against the budget', async () => {
    const cached = { inputTokens: 10, outputTokens: 10, cacheReadTokens: 30_000, cacheWriteTokens: 0 };
    const { provider, run } = setup([toolCall('read_file', { path: 'a' }, '', cached), text('x')], { tools: [readTool], budgetTokens: 20_000 });
    expect((await run()).error?.message).toMatch(/used 30,020 tokens/);
    expect(provider.requests).toHaveLength(1);
  });

  it('ends as stopped with the partial text when the user aborts mid-stream', async () => {
    const controller = new AbortController();
    const { run, events } = setup([{ content: [{ type: 'text', text: 'Here is the begin' }], hangAfterText: true }], {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'text' && streamedText(events) === 'Here is the begin') controller.abort();
      },
    });
    const result = await run();
    expect(result.outcome).toBe('stopped');
    expect(result.text).toBe('Here is the begin');
    expect(result.error).toBeUndefined();
  });

  it('keeps the text of earlier requests when stopped during a later one', async () => {
    const controller = new AbortController();
    const { run } = setup([toolCall('read_file', { path: 'a' }, 'Reading.'), { content: [{ type: 'text', text: 'Half' }], hangAfterText: true }], {
      tools: [readTool],
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'text' && e.text === 'lf') controller.abort();
      },
    });
    expect(await run()).toMatchObject({ outcome: 'stopped', text: 'Reading.\n\nHalf' });
  });

  it('does not offer write or run tools in an untrusted workspace, and says so in the system prompt', async () => {
    const runTool: AgentTool<{ cmd: string }> = { ...readTool, name: 'run_command', effect: 'run', input: z.strictObject({ cmd: z.string() }), run: async () => 'ran' };
    const saved: Note[] = [];
    const { provider, run } = setup([toolCall('save_note', { title: 'x' }), text('I cannot save here.')], { tools: [readTool, noteTool(saved), runTool], trusted: false });
    const result = await run();
    expect(provider.requests[0]?.tools.map((t) => t.name)).toEqual(['read_file']);
    const notice = provider.requests[0]?.system.at(-1)?.text ?? '';
    expect(notice).toMatch(/not trusted/);
    expect(notice).toContain('save_note, run_command');
    expect(saved).toEqual([]);
    expect(toolResults(provider.requests[1])[0]).toMatchObject({ isError: true, content: expect.stringMatching(/not available: this workspace is not trusted/) });
    expect(result.outcome).toBe('done');
  });

  it('passes the provider retrying events through', async () => {
    const retrying = { type: 'retrying' as const, attempt: 1, maxAttempts: 4, delayMs: 2000, reason: 'overloaded (529)' };
    const { events, run } = setup([{ ...text('ok'), before: [retrying] }]);
    await run();
    expect(events[0]).toEqual(retrying);
  });

  it('reports a provider error with its retryable flag and keeps the text streamed so far', async () => {
    const { run } = setup([toolCall('read_file', { path: 'a' }, 'First.'), new ProviderError('The API key was rejected (401).', 'auth', false)], { tools: [readTool] });
    expect(await run()).toMatchObject({ outcome: 'failed', text: 'First.', error: { message: 'The API key was rejected (401).', retryable: false } });
  });

  it('refuses nonsense bounds with a message naming the option', async () => {
    await expect(setup([], { maxIterations: 0 }).run()).rejects.toThrow(/maxIterations must be a positive integer, got 0/);
    await expect(setup([], { budgetTokens: 0 }).run()).rejects.toThrow(/budgetTokens must be positive/);
  });
});
