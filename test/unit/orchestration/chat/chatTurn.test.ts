/**
 * A chat turn as the host runs it, over the real pieces: a BlueprintStore on a
 * real git repository, the Architect and the Anthropic SDK from source, and
 * the fake Anthropic server on loopback. What the surfaces receive and what
 * the store holds afterwards are checked; nothing is mocked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../../../extension/src/agents/providers/models';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import type { HostToWebview } from '../../../../extension/src/core/protocol';
import type { TranscriptMessage } from '../../../../extension/src/core/chat/transcript';
import { BlueprintStore } from '../../../../extension/src/store/blueprintStore';
import * as agents from '../../../../extension/src/agents/agentsBundle';
import { STOPPED_MARK } from '../../../../extension/src/orchestration/chat/chatMessages';
import { DELTA_INTERVAL_MS } from '../../../../extension/src/orchestration/chat/deltaBatcher';
import { ChatTurn, type TurnRequest } from '../../../../extension/src/orchestration/chat/chatTurn';
import { ConversationStore } from '../../../../extension/src/orchestration/chat/conversationStore';
import { normalizeSettings } from '../../../../extension/src/core/settings';
import { chooseProvider, NO_API_KEY, type ProviderChoice } from '../../../../extension/src/orchestration/chat/providerChoice';
import { startFakeAnthropic } from '../../../support/fakeAnthropic.mjs';
import { makeRepo, tempDir, useIsolatedGit } from '../../store/gitFixture';

useIsolatedGit();

const SLUG = 'todo';
const PROMPTS = path.resolve(__dirname, '../../../../prompts');
let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});

interface Workspace {
  dir: string;
  storageDir: string;
  store: BlueprintStore;
  conversations: ConversationStore;
  file: string;
}

async function workspace({ withGit = true } = {}): Promise<Workspace> {
  const dir = withGit ? makeRepo() : tempDir('orchard-nogit-');
  const store = await BlueprintStore.open(dir);
  await store.save(SLUG, Blueprint.parse({ featureName: 'Todo sharing', summary: 'Share lists.' }));
  const storageDir = tempDir('orchard-storage-');
  const conversations = new ConversationStore({ workspaceRoot: dir, store: async () => store, storageDir, warn: () => {} });
  return { dir, storageDir, store, conversations, file: path.join(dir, '.orchard', 'blueprints', `${SLUG}.json`) };
}

function provider(overrides: { apiKey?: string | undefined; maxRetries?: number } = {}): ProviderChoice {
  const choice = chooseProvider(normalizeSettings({ anthropicBaseUrl: fake.url }), {
    apiKey: 'apiKey' in overrides ? overrides.apiKey : 'sk-ant-unit-test-key-000',
    workspaceRoot: '/unused',
    trusted: true,
    defaultModel: DEFAULT_MODEL,
  });
  if (choice.ok && choice.config.kind === 'anthropic' && overrides.maxRetries !== undefined) choice.config.maxRetries = overrides.maxRetries;
  return choice;
}

const userMessage = (content: string): TranscriptMessage => ({ id: `u-${content.length}-${Date.now()}`, role: 'user', content, time: new Date().toISOString() });

function turn(ws: Workspace, user: TranscriptMessage, choice: ProviderChoice, extra: Partial<TurnRequest> = {}) {
  const sent: HostToWebview[] = [];
  const sentAt: number[] = [];
  const request: TurnRequest = {
    slug: SLUG,
    conversations: ws.conversations,
    earlier: [],
    user,
    userIsNew: true,
    images: [],
    provider: choice,
    budgetTokens: 1_000_000,
    trusted: true,
    promptsDir: PROMPTS,
    loadAgents: () => agents,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    warnDeprecated: () => {},
    broadcast: (message) => {
      sent.push(message);
      sentAt.push(performance.now());
    },
    tell: () => {},
    ...extra,
  };
  return { chatTurn: new ChatTurn(request), sent, sentAt };
}

const ended = (sent: HostToWebview[]) => sent.find((m) => m.type === 'chat/turnEnded') as Extract<HostToWebview, { type: 'chat/turnEnded' }>;
const deltas = (sent: HostToWebview[]) => sent.filter((m): m is Extract<HostToWebview, { type: 'chat/delta' }> => m.type === 'chat/delta');

describe('a chat turn', () => {
  it('streams the reply, then saves the Architect\u2019s blueprint and both messages as one revision', async () => {
    const ws = await workspace();
    const before = (await ws.store.history(SLUG)).length;
    fake.script(
      { kind: 'text_tool', text: 'Adding the share dialog.', tool: { name: 'update_blueprint', input: { summary: 'Share lists by email.' } } },
      { kind: 'text', text: 'Done.' },
    );
    const { chatTurn, sent } = turn(ws, userMessage('Plan the share dialog'), provider());
    await chatTurn.run();

    const end = ended(sent);
    expect(end).toMatchObject({ outcome: 'done', slug: SLUG, turnId: chatTurn.id, message: { role: 'assistant', rev: before + 1 } });
    expect(end.message?.content).toMatch(/Adding the share dialog\.[\s\S]*Done\./);
    expect(end.total.outputTokens).toBeGreaterThan(0);
    expect(deltas(sent).map((d) => d.text).join('')).toMatch(/Adding the share dialog\.[\s\S]*Done\./);
    expect(sent.some((m) => m.type === 'chat/activity' && m.text === 'Updating the blueprint…')).toBe(true);
    expect(((fake.requests.at(-1)!.body as { tools?: Array<{ name: string }> }).tools ?? []).map((t) => t.name)).toContain('update_blueprint');
    // The end comes last, after every delta and activity.
    expect(sent.at(-1)?.type).toBe('chat/turnEnded');

    const history = await ws.store.history(SLUG);
    expect(history).toHaveLength(before + 1);
    const head = await ws.store.show(SLUG, history.length);
    expect(head.blueprint.summary).toBe('Share lists by email.');
    expect(head.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(head.messages[1]).toMatchObject({ model: DEFAULT_MODEL, usage: { outputTokens: expect.any(Number) } });
    expect(JSON.parse(fs.readFileSync(ws.file, 'utf8')).summary).toBe('Share lists by email.');
  });

  it('sends a fast stream as at most one delta per DELTA_INTERVAL_MS, every character in order', async () => {
    const ws = await workspace();
    const text = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    fake.script({ kind: 'text', text });
    const { chatTurn, sent, sentAt } = turn(ws, userMessage('Stream'), provider());
    await chatTurn.run();
    const parts = deltas(sent);
    expect(parts.map((d) => d.text).join('')).toBe(text);
    const times = sent.map((m, i) => (m.type === 'chat/delta' ? sentAt[i]! : null)).filter((t): t is number => t !== null);
    // The last one is the flush that must precede the turn's end, whenever it comes.
    for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(DELTA_INTERVAL_MS - 1);
    expect(parts.length).toBeLessThan(3000 / 10);
  });

  it('after Stop keeps what streamed as the final reply, marked stopped, and offers Retry', async () => {
    const ws = await workspace();
    fake.script({ kind: 'text', tokens: 400, delayMs: 10 });
    const { chatTurn, sent } = turn(ws, userMessage('Describe everything'), provider(), {
      broadcast(message) {
        sent.push(message);
        if (message.type === 'chat/delta' && deltas(sent).map((d) => d.text).join('').split(' ').length > 10) chatTurn.stop();
      },
    });
    await chatTurn.run();

    const end = ended(sent);
    expect(end).toMatchObject({ outcome: 'stopped', retryable: true });
    expect(end.message?.content.endsWith(STOPPED_MARK)).toBe(true);
    const stored = (await ws.conversations.transcript(SLUG)).at(-1)!;
    expect(stored).toMatchObject({ role: 'assistant', stopped: true });
    expect(stored.content.startsWith('orchard blueprint apple')).toBe(true);
    expect(stored.content.split(' ').length).toBeLessThan(400);
  });

  it('after a failure keeps only the user\u2019s message and leaves the blueprint as it was', async () => {
    const ws = await workspace();
    const file = fs.readFileSync(ws.file, 'utf8');
    fake.script({ kind: 'error', status: 529 });
    const user = userMessage('Add due dates');
    const { chatTurn, sent } = turn(ws, user, provider({ maxRetries: 0 }));
    await chatTurn.run();

    const end = ended(sent);
    expect(end).toMatchObject({ outcome: 'failed', message: null, retryable: true });
    expect(end.error).toMatch(/overloaded/i);
    expect(await ws.conversations.transcript(SLUG)).toEqual([user]);
    expect(fs.readFileSync(ws.file, 'utf8')).toBe(file);

    // Retry runs the same message again without storing it twice.
    fake.script({ kind: 'text', text: 'Due dates are optional.' });
    const retry = turn(ws, user, provider(), { userIsNew: false });
    await retry.chatTurn.run();
    expect(ended(retry.sent).outcome).toBe('done');
    expect((await ws.conversations.transcript(SLUG)).map((m) => m.content)).toEqual(['Add due dates', 'Due dates are optional.']);
  });

  it('without an API key fails with what to do, sends no request, and keeps the message', async () => {
    const ws = await workspace();
    const requests = fake.requests.length;
    const { chatTurn, sent } = turn(ws, userMessage('Hello'), provider({ apiKey: undefined }));
    await chatTurn.run();
    expect(ended(sent)).toMatchObject({ outcome: 'failed', error: NO_API_KEY, retryable: false });
    expect(fake.requests.length).toBe(requests);
    expect((await ws.conversations.transcript(SLUG)).map((m) => m.content)).toEqual(['Hello']);
  });

  it('in a folder without git keeps the conversation in the workspace storage folder', async () => {
    const ws = await workspace({ withGit: false });
    expect(ws.store.gitAvailable).toBe(false);
    fake.script({ kind: 'text', text: 'Noted.' });
    const { chatTurn, sent } = turn(ws, userMessage('Remember this'), provider());
    await chatTurn.run();
    expect(ended(sent).outcome).toBe('done');
    const reopened = new ConversationStore({
      workspaceRoot: ws.dir,
      store: () => BlueprintStore.open(ws.dir),
      storageDir: ws.storageDir,
      warn: () => {},
    });
    expect((await reopened.transcript(SLUG)).map((m) => m.content)).toEqual(['Remember this', 'Noted.']);
  });

  it('in Restricted Mode talks but leaves the blueprint as it is, and still keeps the conversation', async () => {
    const ws = await workspace();
    const file = fs.readFileSync(ws.file, 'utf8');
    fake.script({ kind: 'text', text: 'I can only advise here.' });
    const { chatTurn, sent } = turn(ws, userMessage('Change the summary'), provider(), { trusted: false });
    await chatTurn.run();
    expect(ended(sent)).toMatchObject({ outcome: 'done', message: { content: 'I can only advise here.' } });
    expect(ended(sent).message?.rev).toBeUndefined();
    // The model was not offered the tool that changes the blueprint.
    const tools = (fake.requests.at(-1)!.body as { tools?: Array<{ name: string }> }).tools ?? [];
    expect(tools.map((t) => t.name)).not.toContain('update_blueprint');
    expect(fs.readFileSync(ws.file, 'utf8')).toBe(file);
    expect((await ws.conversations.transcript(SLUG)).map((m) => m.content)).toEqual(['Change the summary', 'I can only advise here.']);
  });
});
