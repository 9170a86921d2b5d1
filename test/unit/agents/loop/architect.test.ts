import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runArchitectTurn, type AgentEvent, type ArchitectTurnInput } from '../../../../extension/src/agents/architect/architect';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import { emptyDesignTokens } from '../../../../extension/src/core/design/designTokens';
import { completeBlueprint } from './blueprintFixtures';
import { ScriptedProvider, text, toolCall, toolResults, type ScriptStep } from './scriptedProvider';

const draft = () => Blueprint.parse({ featureName: 'Todo sharing', summary: 'Share a list.' });
let workspace: string;

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'orchard-architect-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function turn(steps: ScriptStep[], overrides: Partial<ArchitectTurnInput> = {}) {
  const provider = new ScriptedProvider(steps);
  const events: AgentEvent[] = [];
  const input: ArchitectTurnInput = {
    provider,
    model: 'claude-test',
    blueprint: draft(),
    history: [],
    userText: 'Users share a list with a link.',
    images: [],
    references: [],
    workspaceRoot: workspace,
    trusted: true,
    budgetTokens: 100_000,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    ...overrides,
  };
  return { provider, events, run: () => runArchitectTurn(input) };
}

const dataModel = { status: 'partial', entities: [{ name: 'List', fields: [{ name: 'id', type: 'uuid' }] }] };

describe('runArchitectTurn: update_blueprint', () => {
  it('applies a valid update and refuses readyToBuild while a required section is empty', async () => {
    const { provider, run } = turn([toolCall('update_blueprint', { sections: { dataModel }, readyToBuild: true }, 'Adding the list.'), text('What may people do with a shared list?')]);
    const result = await run();
    expect(result.outcome).toBe('done');
    expect(result.assistantText).toBe('Adding the list.\n\nWhat may people do with a shared list?');
    expect(result.blueprint?.sections.dataModel.entities[0]?.name).toBe('List');
    expect(result.blueprint?.readyToBuild).toBe(false);
    // What the tool told the model: the refusal and why.
    const [verdict] = toolResults(provider.requests[1]);
    expect(verdict?.isError).toBeUndefined();
    expect(verdict?.content).toContain('your request was refused by the host rules');
    expect(verdict?.content).toContain('- API endpoints is empty');
    expect(provider.requests[0]?.tools.map((t) => t.name)).toEqual(['update_blueprint']);
  });

  it('grants readyToBuild when the rules hold', async () => {
    const complete = completeBlueprint();
    const { run } = turn([toolCall('update_blueprint', { readyToBuild: true }), text('Ready to build?')], { blueprint: complete });
    expect((await run()).blueprint).toEqual({ ...complete, readyToBuild: true });
  });

  it('keeps what the update leaves out, replaces what it sends, and ignores a status change', async () => {
    const current = Blueprint.parse({ ...draft(), assumptions: [{ statement: 'Links never expire', confidence: 'low' }], blockers: ['none yet'] });
    const { provider, run } = turn([toolCall('update_blueprint', { status: 'built', blockers: [], summary: 'Share a list by link.' }), text('ok')], { blueprint: current });
    const result = await run();
    expect(result.blueprint).toMatchObject({ status: 'draft', summary: 'Share a list by link.', blockers: [], assumptions: current.assumptions });
    expect(toolResults(provider.requests[1])[0]?.content).toContain('status stays "draft"');
  });

  it('repairs two rejected updates and accepts the third', async () => {
    const { provider, run } = turn([
      toolCall('update_blueprint', { sections: { dataModel: { status: 'done' } } }),
      toolCall('update_blueprint', { assumtions: [] }),
      toolCall('update_blueprint', { sections: { dataModel } }),
      text('Fixed.'),
    ]);
    const result = await run();
    expect(result.outcome).toBe('done');
    expect(result.blueprint?.sections.dataModel.status).toBe('partial');
    expect(toolResults(provider.requests[1])[0]).toMatchObject({ isError: true, content: expect.stringContaining('$.sections.dataModel.status:') });
    expect(toolResults(provider.requests[2])[0]).toMatchObject({ isError: true, content: expect.stringContaining('$.assumtions: unknown key "assumtions"') });
  });

  it('fails the turn after the third rejection, lists the problems and leaves the blueprint unchanged', async () => {
    const bad = toolCall('update_blueprint', { featureName: '', openQuestions: [{ blocking: true }] });
    const { provider, run } = turn([bad, bad, bad, text('never sent')]);
    const result = await run();
    expect(provider.requests).toHaveLength(3);
    expect(result.outcome).toBe('failed');
    expect(result.blueprint).toBeNull();
    expect(result.error?.message).toMatch(/^The Architect's blueprint update was rejected three times: /);
    expect(result.error?.message).toContain('$.featureName: must not be empty');
    expect(result.error?.message).toContain('$.openQuestions[0].question:');
    expect(result.error?.message).toMatch(/The blueprint is unchanged\.$/);
  });

  it('returns no blueprint for an update that changes nothing', async () => {
    const result = await turn([toolCall('update_blueprint', { summary: 'Share a list.', blockers: [] }), text('Nothing to change.')]).run();
    expect(result).toMatchObject({ outcome: 'done', blueprint: null });
  });

  it('returns no blueprint when the Architect only talks', async () => {
    const result = await turn([text('Who will open the link?')]).run();
    expect(result).toMatchObject({ outcome: 'done', assistantText: 'Who will open the link?', blueprint: null });
  });

  it('does not offer the tool in an untrusted workspace and changes nothing', async () => {
    const digest = { url: 'https://example.com', finalUrl: 'https://example.com/', title: 'Example', text: 'A page.', tokens: emptyDesignTokens() };
    const { provider, run } = turn([text('I would add a List entity.')], { trusted: false, references: [digest] });
    const result = await run();
    expect(provider.requests[0]?.tools).toEqual([]);
    expect(provider.requests[0]?.system.at(-1)?.text).toContain('update_blueprint');
    expect(result.blueprint).toBeNull();
  });

  it('returns the accepted blueprint when the user stops after the update', async () => {
    const controller = new AbortController();
    const { run } = turn([toolCall('update_blueprint', { sections: { dataModel } }), { content: [{ type: 'text', text: 'Now about' }], hangAfterText: true }], {
      signal: controller.signal,
      onEvent: (e) => e.type === 'text' && controller.abort(),
    });
    const result = await run();
    expect(result.outcome).toBe('stopped');
    expect(result.assistantText).toBe('Now a');
    expect(result.blueprint?.sections.dataModel.status).toBe('partial');
  });

  it('returns no blueprint when the turn fails after an accepted update (budget)', async () => {
    const big = { inputTokens: 90_000, outputTokens: 20_000 };
    const result = await turn([toolCall('update_blueprint', { sections: { dataModel } }, '', big), text('x')]).run();
    expect(result).toMatchObject({ outcome: 'failed', blueprint: null, error: { message: expect.stringMatching(/^Stopped: this turn used 110,000 tokens/) } });
  });
});

describe('runArchitectTurn: context', () => {
  it('sends the shipped prompt, memory, the blueprint and the user text, with the history first', async () => {
    writeFileSync(path.join(workspace, 'CLAUDE.md'), '# Memo\nUse pnpm.');
    const { provider, run } = turn([text('ok')], {
      history: [
        { role: 'user', content: 'Hi', time: '2026-01-01T00:00:00Z' },
        { role: 'assistant', content: 'Hello', time: '2026-01-01T00:00:01Z' },
      ],
    });
    await run();
    const request = provider.requests[0]!;
    expect(request.system[0]).toEqual({ text: readFileSync(path.resolve('prompts/architect.md'), 'utf8'), cache: true });
    expect(request.system[1]).toMatchObject({ cache: true, text: expect.stringContaining('## CLAUDE.md\n\n# Memo\nUse pnpm.') });
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const last = request.messages[2]!.content;
    expect(last[0]).toMatchObject({ type: 'text', text: expect.stringContaining('"featureName": "Todo sharing"') });
    expect(last[0]).toMatchObject({ text: expect.stringContaining('- Data model is empty') });
    expect(last.at(-1)).toEqual({ type: 'text', text: '# The developer says\n\nUsers share a list with a link.' });
    expect(request.maxTokens).toBe(16_384);
  });

  it('uses the workspace prompt override only in a trusted workspace', async () => {
    mkdirSync(path.join(workspace, '.orchard/prompts'), { recursive: true });
    writeFileSync(path.join(workspace, '.orchard/prompts/architect.md'), 'You are a pirate architect.');
    const trusted = turn([text('ok')]);
    await trusted.run();
    expect(trusted.provider.requests[0]?.system[0]?.text).toBe('You are a pirate architect.');
    const untrusted = turn([text('ok')], { trusted: false });
    await untrusted.run();
    expect(untrusted.provider.requests[0]?.system[0]?.text).toMatch(/^# Architect/);
  });

  it('fails visibly when the prompt cannot be found', async () => {
    const result = await turn([text('never sent')], { promptsDir: path.join(workspace, 'nowhere') }).run();
    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toMatch(/^The Architect could not start: The architect prompt is missing: .*nowhere.*architect\.md/);
  });

  it('sends images as image blocks and records them as image references', async () => {
    const image = { name: '.orchard/references/todo-sharing/mock-1.png', mediaType: 'image/png' as const, base64: 'iVBORw0KGgo=' };
    const { provider, run } = turn([text('Nice mock.')], { images: [image] });
    const result = await run();
    expect(provider.requests[0]?.messages[0]?.content).toContainEqual({ type: 'image', mediaType: 'image/png', base64: 'iVBORw0KGgo=' });
    expect(result.blueprint?.references.items).toEqual([{ kind: 'image', source: image.name }]);
  });
});
