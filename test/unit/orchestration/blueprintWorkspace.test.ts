/**
 * The blueprint use cases of a workspace folder over the real store and
 * studio DB: a real git repository (and a folder that becomes one), the
 * sql.js DB in a temporary storage folder. Nothing is mocked.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blueprintEntry, type FileEntry } from '../../../extension/src/core/blueprint/blueprintFile';
import { BlueprintWorkspace } from '../../../extension/src/orchestration/blueprints/blueprintWorkspace';
import { WorkspaceStore } from '../../../extension/src/orchestration/blueprints/workspaceStore';
import * as storeBundle from '../../../extension/src/store/storeBundle';
import { git, makeRepo, tempDir, useIsolatedGit } from '../store/gitFixture';

useIsolatedGit();

const wasmPath = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
const lines: string[] = [];
const log = { info: (l: string) => lines.push(`info ${l}`), warn: (l: string) => lines.push(`warn ${l}`), error: (l: string) => lines.push(`error ${l}`) };
const opened: WorkspaceStore[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.dispose();
  lines.length = 0;
});

/** The blueprint files as the editor's index would list them, read from disk. */
function filesOf(root: string) {
  let entries: FileEntry[] = [];
  const dir = path.join(root, '.orchard', 'blueprints');
  return {
    async list() {
      const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort() : [];
      entries = names.map((n) => blueprintEntry(n.slice(0, -'.json'.length), fs.readFileSync(path.join(dir, n), 'utf8')));
      return entries;
    },
    find: (slug: string) => entries.find((e) => e.slug === slug),
  };
}

function open(root: string, storageDir: string | undefined = tempDir('orchard-storage-')) {
  const storage = new WorkspaceStore({ root, storageDir, wasmPath, loadStore: () => storeBundle, log });
  opened.push(storage);
  return { storage, blueprints: new BlueprintWorkspace(storage, filesOf(root), log), storageDir };
}

describe('BlueprintWorkspace', () => {
  it('creates blueprints without overwriting, records history, compares, restores and indexes the DB', async () => {
    const root = makeRepo();
    const { storage, blueprints, storageDir } = open(root);
    expect(await blueprints.create('Shared lists', 'One.')).toBe('shared-lists');
    expect(await blueprints.create('Shared lists', 'Two.')).toBe('shared-lists-2');
    const file = path.join(root, '.orchard', 'blueprints', 'shared-lists.json');
    const first = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, first.replace('"One."', '"One, edited."'));
    await blueprints.saveRevision('shared-lists');

    const history = await blueprints.history('shared-lists');
    expect(history).toMatchObject({ state: 'ok', fileMatchesHead: true });
    expect(history.state === 'ok' && history.revisions.map((r) => r.rev)).toEqual([1, 2]);
    expect((await blueprints.compare('shared-lists', 1, 2)).text).toContain('One, edited.');

    await blueprints.restore('shared-lists', 1);
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
    const after = await blueprints.history('shared-lists');
    expect(after.state === 'ok' && after.revisions.length).toBe(3);
    // The user's branch and working tree are untouched: only the private ref moved.
    expect(git(root, ['status', '--porcelain', '--untracked-files=no']).trim()).toBe('');

    const store = await storage.store();
    const db = await storage.db(store);
    expect(db).toBeDefined();
    await storage.dispose();
    opened.length = 0;
    expect(fs.existsSync(path.join(storageDir!, 'studio.db'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('error') || l.startsWith('warn'))).toEqual([]);
  }, 30_000);

  it('outside git: saves files, reports no-git, then git init records a first revision of every valid blueprint', async () => {
    const root = tempDir('orchard-nogit-');
    const { blueprints } = open(root);
    await blueprints.create('Todo sharing', '');
    fs.writeFileSync(path.join(root, '.orchard', 'blueprints', 'broken.json'), '{ nope');
    expect(await blueprints.history('todo-sharing')).toEqual({ state: 'no-git' });

    await blueprints.initRepository();
    expect(fs.existsSync(path.join(root, '.git'))).toBe(true);
    const history = await blueprints.history('todo-sharing');
    expect(history.state === 'ok' && history.revisions.map((r) => r.rev), lines.join('\n')).toEqual([1]);
    expect(await blueprints.history('broken')).toMatchObject({ state: 'ok', revisions: [] });
    // A second call in what is now a repository does nothing.
    await blueprints.initRepository();
    const again = await blueprints.history('todo-sharing');
    expect(again.state === 'ok' && again.revisions.length).toBe(1);
  }, 30_000);

  it('a failing history read is reported to the caller and logged, not thrown', async () => {
    const root = makeRepo();
    const { blueprints } = open(root);
    const result = await blueprints.compare('missing', 1, 2).catch((error: unknown) => error);
    expect(result).toBeInstanceOf(Error);
    expect(await blueprints.history('../escape')).toMatchObject({ state: 'error' });
    expect(lines.some((l) => l.startsWith('error Reading the history of ../escape failed'))).toBe(true);
  });
});
