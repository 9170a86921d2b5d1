/**
 * A first message carrying credentials, through what the host runs for it:
 * acceptUserMessage names and creates the blueprint (BlueprintWorkspace over a
 * real git repository and the sql.js studio DB), then a ChatTurn asks the fake
 * Anthropic server and saves the transcript. The slug, the file name, the git
 * objects, messages.jsonl, the DB, the log and the model request must all be
 * without the credentials, and the user is told. Nothing is mocked.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as agents from '../../../../extension/src/agents/agentsBundle';
import { DEFAULT_MODEL } from '../../../../extension/src/agents/providers/models';
import { REDACTED_MARK } from '../../../../extension/src/core/chat/credentials';
import type { TranscriptMessage } from '../../../../extension/src/core/chat/transcript';
import type { HostToWebview } from '../../../../extension/src/core/protocol';
import { normalizeSettings } from '../../../../extension/src/core/settings';
import { BlueprintWorkspace } from '../../../../extension/src/orchestration/blueprints/blueprintWorkspace';
import { WorkspaceStore } from '../../../../extension/src/orchestration/blueprints/workspaceStore';
import { ChatTurn } from '../../../../extension/src/orchestration/chat/chatTurn';
import { ConversationStore } from '../../../../extension/src/orchestration/chat/conversationStore';
import { chooseProvider } from '../../../../extension/src/orchestration/chat/providerChoice';
import { acceptUserMessage } from '../../../../extension/src/orchestration/chat/userMessage';
import * as storeBundle from '../../../../extension/src/store/storeBundle';
import { startFakeAnthropic } from '../../../support/fakeAnthropic.mjs';
import { makeRepo, tempDir, useIsolatedGit } from '../../store/gitFixture';

useIsolatedGit();

const PROMPTS = path.resolve(__dirname, '../../../../prompts');
const wasmPath = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
// Built at run time so that no file of the repository holds anything a secret scanner would flag.
const KEY = ['sk', 'ant', 'api03', 'Q7vK2mX9pL4wR8tZ3nB6yH1cF5dJ0sG' + 'Tq8Mk3Lp2Ws5Xe'].join('-');
const PASSWORD = 'hunter2' + 'Zq9';
const TYPED = `Use my key ${KEY} and log in at https://admin:${PASSWORD}@staging.internal/login\nThen plan the invitations.`;
const SECRETS = [KEY, PASSWORD, KEY.toLowerCase(), PASSWORD.toLowerCase()];

let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});
const opened: WorkspaceStore[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.dispose();
});

function folder() {
  const root = makeRepo();
  const storageDir = tempDir('orchard-storage-');
  const lines: string[] = [];
  const log = { info: (l: string) => lines.push(`info ${l}`), warn: (l: string) => lines.push(`warn ${l}`), error: (l: string) => lines.push(`error ${l}`) };
  const storage = new WorkspaceStore({ root, storageDir, wasmPath, loadStore: () => storeBundle, log });
  opened.push(storage);
  const files = { list: async () => [], find: () => undefined };
  const blueprints = new BlueprintWorkspace(storage, files, log);
  const conversations = new ConversationStore({
    workspaceRoot: root,
    store: () => storage.store(),
    storageDir,
    onSaved: (store, slug, result) => storage.recordSaved(store, slug, result),
    warn: log.warn,
  });
  return { root, storageDir, storage, blueprints, conversations, lines, log };
}

async function send(ws: ReturnType<typeof folder>, slug: string | null, text: string, keptBefore?: TranscriptMessage[]) {
  const told: string[] = [];
  const created: string[] = [];
  const accepted = await acceptUserMessage({
    slug,
    text,
    blueprints: ws.blueprints,
    transcript: (s) => ws.conversations.transcript(s),
    storeImages: async () => ({ refs: [], images: [] }),
    created: async (s) => void created.push(s),
    tell: (_level, notice) => void told.push(notice),
  });
  const sent: HostToWebview[] = [];
  const turn = new ChatTurn({
    slug: accepted.slug,
    conversations: ws.conversations,
    earlier: keptBefore ?? accepted.earlier,
    user: accepted.user,
    userIsNew: true,
    images: accepted.images,
    provider: chooseProvider(normalizeSettings({ anthropicBaseUrl: fake.url }), { apiKey: 'sk-ant-unit-test-key-000', workspaceRoot: ws.root, trusted: true, defaultModel: DEFAULT_MODEL }),
    budgetTokens: 1_000_000,
    trusted: true,
    promptsDir: PROMPTS,
    loadAgents: () => agents,
    log: ws.log,
    warnDeprecated: () => {},
    broadcast: (m) => void sent.push(m),
    tell: (_level, notice) => void told.push(notice),
  });
  sent.push({ type: 'chat/turnStarted', slug: accepted.slug, turnId: turn.id, message: turn.userMessage });
  await turn.run();
  return { accepted, told, created, sent };
}

/** Every blob, commit and ref name git holds for the folder. */
function everythingGitHolds(root: string): string {
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: root, encoding: 'utf8', input, maxBuffer: 64 << 20 });
  const objects = git(['rev-list', '--objects', '--all']).split('\n').map((line) => line.split(' ')[0]!).filter(Boolean);
  return git(['for-each-ref', '--format=%(refname)']) + git(['cat-file', '--batch'], objects.join('\n') + '\n');
}

const expectNoSecret = (where: string, text: string) => {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} holds a credential`).toBe(false);
};

describe('a message carrying credentials', () => {
  it('names, stores, logs and sends its first message without them, and says so', async () => {
    const ws = folder();
    fake.script({ kind: 'text', text: 'Noted: invitations first.' });
    const { accepted, told, created, sent } = await send(ws, null, TYPED);

    const kept = `Use my key ${REDACTED_MARK} and log in at https://staging.internal/login\nThen plan the invitations.`;
    expect(accepted.slug).toBe('use-my-key-and-log-in-at-https-staging-internal-login');
    expect(created).toEqual([accepted.slug]);
    expect(accepted.user).toMatchObject({ role: 'user', content: kept, credentialsRemoved: 2 });
    expect(told).toEqual([
      "Removed an Anthropic API key and a password in a URL from your message before it was saved or sent: it is not in the conversation, the blueprint's history, the log or the request to the model.",
      // The URL is still read as a design reference, without its password (this host is refused before any DNS lookup).
      expect.stringMatching(/^A reference was not read \(https:\/\/staging\.internal\/login: refused/),
    ]);
    // What the surfaces show: the message as kept, with its count.
    const started = sent.find((m) => m.type === 'chat/turnStarted');
    expect(started?.type === 'chat/turnStarted' && started.message).toMatchObject({ content: kept, credentialsRemoved: 2 });
    expect(sent.find((m) => m.type === 'chat/turnEnded')).toMatchObject({ outcome: 'done' });

    // The file, its name and the feature name.
    const dir = path.join(ws.root, '.orchard', 'blueprints');
    expect(fs.readdirSync(dir)).toEqual([`${accepted.slug}.json`]);
    const file = fs.readFileSync(path.join(dir, `${accepted.slug}.json`), 'utf8');
    expect(JSON.parse(file).featureName).toBe('Use my key and log in at https://staging.internal/login');
    expectNoSecret('the blueprint file', file);

    // The revisions and messages.jsonl on the private ref, and every object git holds.
    const store = await ws.storage.store();
    const history = await store.history(accepted.slug);
    const head = await store.show(accepted.slug, history.at(-1)!.rev);
    expect(head.messages.map((m) => m.content)).toEqual([kept, 'Noted: invitations first.']);
    expect(head.messages[0]?.credentialsRemoved).toBe(2);
    const git = everythingGitHolds(ws.root);
    expect(git).toContain(`refs/orchard/blueprints/${accepted.slug}`);
    expect(git).toContain(REDACTED_MARK);
    expectNoSecret('git', git);

    // The studio DB, in memory and on disk.
    const db = (await ws.storage.db(store))!;
    expect(db.getBlueprint(accepted.slug)?.featureName).toBe('Use my key and log in at https://staging.internal/login');
    expect(db.getMessages(accepted.slug).map((m) => m.content)).toContain(kept);
    await ws.storage.dispose();
    opened.length = 0;
    expectNoSecret('studio.db', fs.readFileSync(path.join(ws.storageDir, 'studio.db')).toString('latin1'));

    // The log, and the request the model received.
    expect(ws.lines).toContain(`info Created blueprint ${accepted.slug}`);
    expectNoSecret('the log', ws.lines.join('\n'));
    const request = JSON.stringify(fake.requests.at(-1)!.body);
    expect(request).toContain(REDACTED_MARK);
    expectNoSecret('the model request', request);
  }, 60_000);

  it('in a blueprint that exists, keeps the conversation so far and redacts the new message', async () => {
    const ws = folder();
    fake.script({ kind: 'text', text: 'Which invitations?' }, { kind: 'text', text: 'Understood.' });
    const first = await send(ws, null, 'Plan team invitations');
    expect(first.told).toEqual([]);
    expect(first.accepted.user.credentialsRemoved).toBeUndefined();
    const second = await send(ws, first.accepted.slug, `The staging token is ${KEY}`);
    expect(second.created).toEqual([]);
    expect(second.accepted.earlier.map((m) => m.content)).toEqual(['Plan team invitations', 'Which invitations?']);
    expect(second.accepted.user).toMatchObject({ content: `The staging token is ${REDACTED_MARK}`, credentialsRemoved: 1 });
    expect(second.told).toHaveLength(1);
    expectNoSecret('the model request', JSON.stringify(fake.requests.at(-1)!.body));
    expectNoSecret('git', everythingGitHolds(ws.root));
  }, 60_000);

  it('a conversation kept before redaction existed goes to the model redacted, each turn', async () => {
    const ws = folder();
    fake.script({ kind: 'text', text: 'Noted.' });
    const keptBefore: TranscriptMessage[] = [
      { id: 'u-old', role: 'user', content: `Our key is ${KEY}`, time: '2026-01-01T00:00:00.000Z' },
      { id: 'a-old', role: 'assistant', content: `I will not use ${KEY}.`, time: '2026-01-01T00:00:01.000Z' },
    ];
    await send(ws, null, 'Plan team invitations', keptBefore);
    const request = JSON.stringify(fake.requests.at(-1)!.body);
    expect(request).toContain(`Our key is ${REDACTED_MARK}`);
    expect(request).toContain('Plan team invitations');
    expectNoSecret('the model request', request);
  }, 60_000);
});
