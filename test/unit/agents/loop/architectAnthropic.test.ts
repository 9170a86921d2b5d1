/**
 * The Architect end to end through the real Anthropic provider (the SDK) and
 * the fake server speaking the real SSE wire format: tool declarations, tool
 * results, schema repair, prompt caching and retries as they travel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../../../extension/src/agents/providers/anthropicProvider';
import { runArchitectTurn, type AgentEvent } from '../../../../extension/src/agents/architect/architect';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import { startFakeAnthropic, type FakeAnthropic } from '../../../support/fakeAnthropic.mjs';

let fake: FakeAnthropic;
let workspace: string;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  workspace = mkdtempSync(path.join(tmpdir(), 'orchard-architect-wire-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function architectTurn(events: AgentEvent[] = []) {
  return runArchitectTurn({
    provider: new AnthropicProvider({ apiKey: 'sk-ant-test', baseUrl: fake.url, retryPolicy: { baseDelayMs: 5, random: () => 0 } }),
    model: 'claude-sonnet-5-5',
    blueprint: Blueprint.parse({ featureName: 'Todo sharing', summary: 'Share a list.' }),
    history: [],
    userText: 'Lists have an owner and items.',
    images: [],
    references: [],
    workspaceRoot: workspace,
    trusted: true,
    budgetTokens: 200_000,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
}

describe('the Architect through the Anthropic provider', () => {
  it('repairs a rejected update over the wire and returns the accepted blueprint', async () => {
    writeFileSync(path.join(workspace, 'AGENTS.md'), 'Use TypeScript.');
    fake.script(
      { kind: 'error', status: 529 },
      { kind: 'tool_use', name: 'update_blueprint', input: { sections: { dataModel: { status: 'finished' } } }, text: 'Adding the model.', pieces: 3 },
      { kind: 'tool_use', name: 'update_blueprint', input: { sections: { dataModel: { status: 'partial', entities: [{ name: 'List' }, { name: 'Item' }] } } } },
      { kind: 'text', text: 'Can items be reordered?' },
    );
    const events: AgentEvent[] = [];
    const result = await architectTurn(events);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('done');
    expect(result.assistantText).toBe('Adding the model.\n\nCan items be reordered?');
    expect(result.blueprint?.sections.dataModel.entities.map((e) => e.name)).toEqual(['List', 'Item']);
    expect(result.blueprint?.readyToBuild).toBe(false);
    expect(events.some((e) => e.type === 'retrying')).toBe(true);
    expect(events).toContainEqual({ type: 'activity', text: 'Updating the blueprint…' });

    const bodies = fake.requests.map((r) => r.body);
    expect(bodies).toHaveLength(4);
    const first = bodies[1];
    expect(first.tools.map((t: { name: string }) => t.name)).toEqual(['update_blueprint']);
    expect(first.tools[0].input_schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(first.system).toHaveLength(2);
    expect(first.system[1].text).toContain('Use TypeScript.');
    expect(first.system.every((b: { cache_control?: unknown }) => b.cache_control !== undefined)).toBe(true);

    const repair = bodies[2].messages.at(-1).content[0];
    expect(repair).toMatchObject({ type: 'tool_result', is_error: true });
    expect(JSON.stringify(repair.content)).toContain('$.sections.dataModel.status');
    const accepted = bodies[3].messages.at(-1).content[0];
    expect(accepted.is_error ?? false).toBe(false);
    expect(JSON.stringify(accepted.content)).toContain('The blueprint was updated.');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });
});
