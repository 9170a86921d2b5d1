/**
 * Repository states a stranger's clone (or a tarball of one) can arrive in,
 * each of which once let a blueprint save move a branch, write outside the
 * workspace or litter a bare repository. Every case runs the real store on a
 * real repository and checks both halves: the save is refused with a message
 * that names the problem, and nothing outside the store's own refs moved.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlueprintStore } from '../../../extension/src/store/blueprintStore';
import { NoWorkTreeError, SymbolicRefError } from '../../../extension/src/store/blueprintStoreErrors';
import { ObjectWriter, commitTree, repoInfo } from '../../../extension/src/store/gitPlumbing';
import { GitRunner } from '../../../extension/src/store/gitRunner';
import { OutsideRootError } from '../../../extension/src/platform/confinedPath';
import { ConversationStore } from '../../../extension/src/orchestration/chat/conversationStore';
import { git, makeRepo, snapshot, tempDir, useIsolatedGit } from '../store/gitFixture';

useIsolatedGit();

const BLUEPRINT = { featureName: 'Settings sync', summary: 'Keep settings in sync' };
const opened: BlueprintStore[] = [];

async function open(dir: string): Promise<BlueprintStore> {
  const store = await BlueprintStore.open(dir);
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.dispose();
});

/** Every file below `dir` with its bytes, to prove a folder outside the workspace unchanged. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.lstatSync(file).isFile()) out[name] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

function outsideFolder(): string {
  const dir = tempDir('orchard-outside-');
  fs.writeFileSync(path.join(dir, 'settings.json'), '{ "editor.fontSize": 14 }\n');
  return dir;
}

describe('symbolic refs under refs/orchard/blueprints', () => {
  it('a symbolic ref to main is refused on read and on save, and main does not move', async () => {
    const dir = makeRepo();
    git(dir, ['symbolic-ref', 'refs/orchard/blueprints/settings', 'refs/heads/main']);
    const before = snapshot(dir);
    const store = await open(dir);
    await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(SymbolicRefError);
    await expect(store.history('settings')).rejects.toThrow(/symbolic ref to refs\/heads\/main/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a loose ref that is a symbolic link (relative or absolute) is refused, and main does not move', async () => {
    for (const target of ['../../heads/main', 'ABSOLUTE']) {
      const dir = makeRepo();
      const refsDir = path.join(dir, '.git', 'refs', 'orchard', 'blueprints');
      fs.mkdirSync(refsDir, { recursive: true });
      fs.symlinkSync(target === 'ABSOLUTE' ? path.join(dir, '.git', 'refs', 'heads', 'main') : target, path.join(refsDir, 'settings'));
      const before = snapshot(dir);
      const store = await open(dir);
      await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(SymbolicRefError);
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('the ref update itself never follows a symbolic ref (no-deref), even past the read check', async () => {
    const dir = makeRepo();
    git(dir, ['symbolic-ref', 'refs/orchard/blueprints/settings', 'refs/heads/main']);
    const main = git(dir, ['rev-parse', 'refs/heads/main']).trim();
    const runner = new GitRunner(dir);
    const root = tempDir();
    const writer = new ObjectWriter(runner, root, path.join(root, 'staging'));
    try {
      const tree = await writer.mkTree([{ name: 'blueprint.json', oid: (await writer.hashBlobs(['{}']))[0]! }]);
      const env = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
      const commit = await commitTree(runner, tree, undefined, 'x', env);
      await writer.updateRefCas('refs/orchard/blueprints/settings', commit, main).catch(() => undefined);
    } finally {
      writer.close();
    }
    expect(git(dir, ['rev-parse', 'refs/heads/main']).trim()).toBe(main);
  });

  it('refs/orchard linked out of the repository is refused', async () => {
    const dir = makeRepo();
    const elsewhere = tempDir('orchard-refs-');
    fs.symlinkSync(elsewhere, path.join(dir, '.git', 'refs', 'orchard'));
    const store = await open(dir);
    await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(OutsideRootError);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});

describe('links out of the workspace', () => {
  for (const linked of ['.orchard', '.orchard/blueprints'])
    it(`${linked} as a symbolic link to another folder: saves are refused and that folder is untouched`, async () => {
      const dir = makeRepo();
      const outside = outsideFolder();
      fs.mkdirSync(path.dirname(path.join(dir, linked)), { recursive: true });
      fs.symlinkSync(outside, path.join(dir, linked));
      const before = contents(outside);
      const store = await open(dir);
      await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(/leads outside .* \(a symbolic link to /);
      await expect(store.list()).rejects.toThrow(OutsideRootError);
      expect(contents(outside)).toEqual(before);
      expect(git(dir, ['for-each-ref', 'refs/orchard'])).toBe('');
    });

  it('a blueprints folder linked to a path that does not exist yet is refused, and nothing is created there', async () => {
    const dir = makeRepo();
    const nowhere = path.join(tempDir('orchard-outside-'), 'created-by-a-write');
    fs.mkdirSync(path.join(dir, '.orchard'));
    fs.symlinkSync(nowhere, path.join(dir, '.orchard', 'blueprints'));
    const store = await open(dir);
    await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(OutsideRootError);
    expect(fs.existsSync(nowhere)).toBe(false);
  });

  it('a blueprint file linked to a file outside is not read, and a save replaces the link, not the file', async () => {
    const dir = makeRepo();
    const outside = outsideFolder();
    fs.mkdirSync(path.join(dir, '.orchard', 'blueprints'), { recursive: true });
    const link = path.join(dir, '.orchard', 'blueprints', 'settings.json');
    fs.symlinkSync(path.join(outside, 'settings.json'), link);
    const before = contents(outside);
    const store = await open(dir);
    await expect(store.saveCurrentFile('settings')).rejects.toThrow(OutsideRootError);
    await store.save('settings', BLUEPRINT);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(link, 'utf8')).featureName).toBe('Settings sync');
    expect(contents(outside)).toEqual(before);
  });

  it('the Architect never reads a blueprint file linked out of the workspace into its prompt', async () => {
    const dir = makeRepo();
    const outside = outsideFolder();
    fs.writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ featureName: 'Leaked', summary: 'from outside' }));
    fs.mkdirSync(path.join(dir, '.orchard', 'blueprints'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(dir, '.orchard', 'blueprints', 'settings.json'));
    const conversation = new ConversationStore({ workspaceRoot: dir, store: () => open(dir), storageDir: undefined, warn: () => undefined });
    await expect(conversation.currentBlueprint('settings')).rejects.toThrow(OutsideRootError);
  });

  it("the repository's staging folder linked out is refused before a blob is written there", async () => {
    const dir = makeRepo();
    const elsewhere = tempDir('orchard-staging-');
    fs.mkdirSync(path.join(dir, '.git', 'orchard'));
    fs.symlinkSync(elsewhere, path.join(dir, '.git', 'orchard', 'staging'));
    const store = await open(dir);
    await expect(store.save('settings', BLUEPRINT)).rejects.toThrow(OutsideRootError);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});

describe('folders with no work tree', () => {
  it('a bare repository is refused with a clear error and gets no .orchard folder', async () => {
    const dir = tempDir();
    git(dir, ['init', '-q', '--bare']);
    const before = fs.readdirSync(dir).sort();
    await expect(BlueprintStore.open(dir)).rejects.toThrow(NoWorkTreeError);
    await expect(BlueprintStore.open(dir)).rejects.toThrow(/bare git repository .* Open a clone/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it("a folder inside a repository's .git is refused", async () => {
    const dir = makeRepo();
    await expect(BlueprintStore.open(path.join(dir, '.git', 'refs'))).rejects.toThrow(/inside a git repository's own folder/);
    expect(fs.existsSync(path.join(dir, '.git', 'refs', '.orchard'))).toBe(false);
  });
});

describe('the git that runs', () => {
  it('is never a git in the workspace, even with "." on PATH', async () => {
    const dir = makeRepo();
    const marker = path.join(tempDir(), 'ran');
    fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\necho planted > '${marker}'\nexit 1\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `.:${saved}`;
    try {
      const store = await open(dir);
      expect(store.gitAvailable).toBe(true);
      await store.save('settings', BLUEPRINT);
      expect((await store.history('settings')).length).toBe(1);
    } finally {
      process.env.PATH = saved;
    }
    expect(fs.existsSync(marker)).toBe(false);
    // The repository itself is what the real git sees.
    expect((await repoInfo(new GitRunner(dir))).topLevel).toBe(fs.realpathSync(dir));
    expect(execFileSync('git', ['-C', dir, 'for-each-ref', '--format=%(refname)', 'refs/orchard']).toString().trim()).toBe('refs/orchard/blueprints/settings');
  });
});
