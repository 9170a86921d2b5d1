import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../../extension/src/core/blueprint/blueprint';
import { serializeBlueprint } from '../../../extension/src/core/blueprint/blueprintFile';
import type { TranscriptMessage } from '../../../extension/src/core/chat/transcript';
import { BlueprintStore, revisionMessage } from '../../../extension/src/store/blueprintStore';
import {
  BlueprintFileNotFoundError,
  BlueprintValidationError,
  InvalidSlugError,
  NotAGitRepositoryError,
  RevisionNotFoundError,
} from '../../../extension/src/store/blueprintStoreErrors';
import { git, makeBusy, makeRepo, snapshot, tempDir, tryGit, useIsolatedGit } from './gitFixture';

useIsolatedGit();

const REF = 'refs/orchard/blueprints/todo';
const draft = (n: number) => Blueprint.parse({ featureName: 'Todo sharing', summary: `version ${n}` });
const turn = (text: string): TranscriptMessage[] => [
  { role: 'user', content: text, time: '2025-01-01T10:00:00.000Z' },
  { role: 'assistant', content: 'Done.', time: '2025-01-01T10:00:05.000Z' },
];
const blueprintFile = (dir: string, slug = 'todo') => path.join(dir, '.orchard', 'blueprints', `${slug}.json`);

describe('BlueprintStore in a repository', () => {
  it('records each save as a commit on the private ref, numbered from 1', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    expect(store.gitAvailable).toBe(true);

    const first = await store.save('todo', draft(1), { transcript: turn('Plan todo sharing\nwith details') });
    expect(first.revision).toMatchObject({ rev: 1, message: 'Plan todo sharing' });
    expect(first.created).toBe(true);
    await store.save('todo', draft(2), { message: 'second' });
    const third = await store.save('todo', { featureName: 'Todo sharing', summary: 'version 3' });

    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(serializeBlueprint(draft(3)));
    expect(git(dir, ['rev-parse', REF]).trim()).toBe(third.revision!.commit);
    const history = await store.history('todo');
    expect(history.map((r) => [r.rev, r.message])).toEqual([
      [1, 'Plan todo sharing'],
      [2, 'second'],
      [3, 'save'],
    ]);
    expect(history[2]).toEqual(third.revision);
    expect(history[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    // The first revision has no parent; each later one has the previous as its only parent.
    expect(git(dir, ['rev-list', '--parents', '-n', '1', history[0]!.commit]).trim()).toBe(history[0]!.commit);
    expect(git(dir, ['rev-parse', `${history[2]!.commit}^@`]).trim()).toBe(history[1]!.commit);
    // The tree: the blueprint, and the conversation when there is one.
    expect(git(dir, ['ls-tree', '--name-only', history[0]!.commit]).split('\n').filter(Boolean)).toEqual(['blueprint.json', 'messages.jsonl']);
    expect(git(dir, ['ls-tree', '--name-only', history[1]!.commit]).trim()).toBe('blueprint.json');

    const shown = await store.show('todo', 1);
    expect(shown.blueprint).toEqual(draft(1));
    expect(shown.messages).toEqual(turn('Plan todo sharing\nwith details'));
    expect(shown.revision).toEqual(history[0]);
    expect((await store.show('todo', 2)).messages).toEqual([]);

    const diff = await store.diff('todo', 1, 3);
    expect(diff.changes).toEqual([{ path: '$.summary', kind: 'changed', before: 'version 1', after: 'version 3' }]);
    expect(diff.summary).toBe('1 change in summary');
  });

  it('lists blueprints from files and from refs', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('alpha', draft(1));
    await store.save('beta', draft(1));
    fs.rmSync(blueprintFile(dir, 'alpha'));
    fs.writeFileSync(path.join(dir, '.orchard', 'blueprints', 'Not A Slug.json'), '{}');
    fs.writeFileSync(path.join(dir, '.orchard', 'blueprints', 'gamma.json'), '{"featureName":"G"}');
    expect(await store.list()).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('records a hand-edited file, carrying the conversation forward, and skips an unchanged one', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1), { transcript: turn('hello') });
    const edited = JSON.parse(fs.readFileSync(blueprintFile(dir), 'utf8'));
    edited.sections.dataModel.status = 'partial';
    // Written by hand: compact, not in the store's format.
    fs.writeFileSync(blueprintFile(dir), JSON.stringify(edited));

    const saved = await store.saveCurrentFile('todo');
    expect(saved).toMatchObject({ created: true, revision: { rev: 2, message: 'save' } });
    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(JSON.stringify(edited));
    const shown = await store.show('todo', 2);
    expect(shown.blueprint.sections.dataModel.status).toBe('partial');
    expect(shown.messages).toEqual(turn('hello'));

    const again = await store.saveCurrentFile('todo', 'ignored');
    expect(again).toMatchObject({ created: false, revision: { rev: 2 } });
    expect(await store.history('todo')).toHaveLength(2);
  });

  it('refuses an invalid hand-edited file, naming the field, and changes nothing', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1));
    const tip = git(dir, ['rev-parse', REF]);
    fs.writeFileSync(blueprintFile(dir), JSON.stringify({ featureName: 'x', sections: { dataModel: { status: 'done' } } }));
    const error = await store.saveCurrentFile('todo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlueprintValidationError);
    expect((error as Error).message).toContain('.orchard/blueprints/todo.json');
    expect((error as Error).message).toContain('$.sections.dataModel.status');
    expect(git(dir, ['rev-parse', REF])).toBe(tip);
    await expect(store.saveCurrentFile('nothing')).rejects.toBeInstanceOf(BlueprintFileNotFoundError);
  });

  it('refuses an invalid blueprint, slug or revision before writing anything', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1));
    const before = fs.readFileSync(blueprintFile(dir), 'utf8');
    const tip = git(dir, ['rev-parse', REF]);

    const invalid = await store.save('todo', { featureName: '' } as never).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BlueprintValidationError);
    expect((invalid as Error).message).toContain('$.featureName');
    for (const slug of ['../escape', 'Upper', 'a.lock', '', 'x/y']) {
      await expect(store.save(slug, draft(2)), slug).rejects.toBeInstanceOf(InvalidSlugError);
    }
    await expect(store.restore('todo', 5)).rejects.toBeInstanceOf(RevisionNotFoundError);
    await expect(store.show('todo', 0)).rejects.toThrow(/start at 1/);
    await expect(store.save('todo', draft(2), { transcript: [{ role: 'system', content: '', time: '' } as never] })).rejects.toThrow(/transcript message 1/);

    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(before);
    expect(git(dir, ['rev-parse', REF])).toBe(tip);
    expect(fs.readdirSync(path.dirname(blueprintFile(dir)))).toEqual(['todo.json']);
  });

  it('restores a revision\u2019s blueprint as a new one, keeping the current conversation', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1), { transcript: turn('one') });
    const later = [...turn('one'), ...turn('two')];
    await store.save('todo', draft(2), { transcript: later });
    const restored = await store.restore('todo', 1);
    expect(restored.revision).toMatchObject({ rev: 3, message: 'restore r1' });
    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(serializeBlueprint(draft(1)));
    const r3 = await store.show('todo', 3);
    expect(r3.blueprint).toEqual(draft(1));
    // The chat goes on from where it was, not from r1's transcript.
    expect(r3.messages).toEqual(later);
    // r1's blueprint blob and r2's messages blob: nothing new was hashed.
    const [r1, r2, r3commit] = (await store.history('todo')).map((r) => r.commit);
    expect(git(dir, ['rev-parse', `${r3commit}:blueprint.json`])).toBe(git(dir, ['rev-parse', `${r1}:blueprint.json`]));
    expect(git(dir, ['rev-parse', `${r3commit}:messages.jsonl`])).toBe(git(dir, ['rev-parse', `${r2}:messages.jsonl`]));
    // r1 itself is untouched.
    expect((await store.show('todo', 1)).messages).toEqual(turn('one'));
  });

  it('restores without a conversation when the newest revision has none', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1), { transcript: turn('one') });
    await store.save('todo', draft(2));
    const restored = await store.restore('todo', 1);
    expect(git(dir, ['ls-tree', '--name-only', restored.revision!.commit]).trim()).toBe('blueprint.json');
    expect((await store.show('todo', 3)).messages).toEqual([]);
  });

  it('restores a revision written in an older format in today\u2019s, with the current conversation', async () => {
    const dir = makeRepo();
    // r1 as an older writer left it: compact JSON, no conversation.
    const oldBlob = git(dir, ['hash-object', '-w', '--stdin'], { input: JSON.stringify(draft(1)) }).trim();
    const oldTree = git(dir, ['mktree'], { input: `100644 blob ${oldBlob}\tblueprint.json\n` }).trim();
    git(dir, ['update-ref', REF, git(dir, ['commit-tree', oldTree, '-m', 'old'], { input: '' }).trim()]);
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(2), { transcript: turn('two') });

    const restored = await store.restore('todo', 1);
    const today = serializeBlueprint(draft(1));
    expect(today).not.toBe(JSON.stringify(draft(1)));
    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(today);
    expect(git(dir, ['cat-file', 'blob', `${restored.revision!.commit}:blueprint.json`])).toBe(today);
    expect((await store.show('todo', 3)).messages).toEqual(turn('two'));
  });

  it('takes saves started together in one process in turn: the file ends on the last one', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    const results = await Promise.all([1, 2, 3, 4].map((n) => store.save('todo', draft(n), { message: `m${n}` })));
    expect(results.map((r) => r.revision?.rev)).toEqual([1, 2, 3, 4]);
    expect((await store.history('todo')).map((r) => r.message)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(serializeBlueprint(draft(4)));
    // A failing save does not block the next one.
    await expect(store.save('todo', { featureName: '' } as never)).rejects.toBeInstanceOf(BlueprintValidationError);
    expect((await store.save('todo', draft(5))).revision?.rev).toBe(5);
  });

  it('removes temp files a killed process left (its pid gone, or older than 10 minutes), and nothing else', async () => {
    const dir = makeRepo();
    const blueprints = path.join(dir, '.orchard', 'blueprints');
    const staging = path.join(dir, '.git', 'orchard', 'staging');
    // A process that has ended: its pid names no one now.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const files = {
      oldTemp: path.join(blueprints, `.todo.json.${process.pid}-0a1b2c3d.tmp`),
      newTemp: path.join(blueprints, `.todo.json.${process.pid}-1a1b2c3d.tmp`),
      oldBlob: path.join(staging, `blob-${process.pid}-0a1b2c3d4e5f.tmp`),
      oldOther: path.join(blueprints, 'notes.tmp'),
      newOfGone: path.join(blueprints, `.todo.json.${gone}-2a1b2c3d.tmp`),
    };
    for (const file of Object.values(files)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'x');
    }
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const file of [files.oldTemp, files.oldBlob, files.oldOther]) fs.utimesSync(file, hourAgo, hourAgo);
    await BlueprintStore.open(dir);
    expect(Object.values(files).map((f) => fs.existsSync(f))).toEqual([false, true, false, true, false]);
  });

  it('a save that keeps the conversation carries the newest messages.jsonl forward (a build status, not a turn)', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    await store.save('todo', draft(1), { transcript: turn('Plan todo sharing') });
    await store.save('todo', { ...draft(1), status: 'building' }, { message: 'build started: operation op-x', keepConversation: true });
    const [first, second] = [await store.show('todo', 1), await store.show('todo', 2)];
    expect(second.blueprint.status).toBe('building');
    expect(second.messages).toEqual(first.messages);
    expect(second.messages.map((m) => m.content)).toEqual(['Plan todo sharing', expect.any(String)].slice(0, first.messages.length));
    expect((await store.history('todo')).at(-1)?.message).toBe('build started: operation op-x');
  });

  it('passes messages through stdin, whatever they look like', async () => {
    const dir = makeRepo();
    const store = await BlueprintStore.open(dir);
    const tricky = '-c core.sshCommand=touch /tmp/pwned --upload-pack=x; $(rm -rf ~) "quoted" ünïcødé 🍐';
    await store.save('todo', draft(1), { message: `${tricky}\nsecond line` });
    expect((await store.history('todo'))[0]!.message).toBe(tricky);
    expect(revisionMessage('\n\n  \tindented\u0007 bell\n')).toBe('indented  bell');
    expect(revisionMessage(undefined, [])).toBe('save');
    expect(Array.from(revisionMessage('🍐'.repeat(300)))).toHaveLength(200);
  });
});

describe('BlueprintStore outside a repository', () => {
  it('still saves the file; history methods say to run git init', async () => {
    const dir = tempDir('orchard-nogit-');
    const store = await BlueprintStore.open(dir);
    expect(store.gitAvailable).toBe(false);
    const saved = await store.save('todo', draft(1));
    expect(saved).toMatchObject({ revision: undefined, created: false });
    expect(fs.readFileSync(blueprintFile(dir), 'utf8')).toBe(serializeBlueprint(draft(1)));
    expect(await store.saveCurrentFile('todo')).toMatchObject({ revision: undefined });
    expect(await store.list()).toEqual(['todo']);
    for (const call of [() => store.history('todo'), () => store.show('todo', 1), () => store.diff('todo', 1, 1), () => store.restore('todo', 1)]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotAGitRepositoryError);
      expect((error as Error).message).toMatch(/git init/);
    }
  });
});

/** Repository states the store must work in without touching HEAD, index, branches or working tree. */
const STATES: Array<{ name: string; setup: () => { repo: string; root: string; busy?: boolean; check?: (repo: string) => void } }> = [
  {
    name: 'detached HEAD',
    setup: () => {
      const repo = makeRepo();
      git(repo, ['checkout', '-q', '--detach', 'HEAD']);
      return { repo, root: repo };
    },
  },
  {
    name: 'no commits yet',
    setup: () => {
      const repo = makeRepo({ commit: false });
      return { repo, root: repo };
    },
  },
  {
    name: 'linked worktree (refs shared with the main one)',
    setup: () => {
      const main = makeRepo();
      const wt = path.join(tempDir('orchard-wt-'), 'wt');
      git(main, ['worktree', 'add', '-q', '-b', 'feature', wt]);
      return { repo: wt, root: wt, check: () => expect(git(main, ['rev-parse', REF]).trim()).toMatch(/^[0-9a-f]{40}$/) };
    },
  },
  {
    name: 'core.hooksPath with hooks that fail and leave a marker',
    setup: () => {
      const repo = makeRepo();
      // Busy first: git stash would run (and fail on) these hooks.
      makeBusy(repo);
      const hooks = path.join(repo, '.hooks');
      fs.mkdirSync(hooks);
      for (const hook of ['reference-transaction', 'pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-auto-gc']) {
        fs.writeFileSync(path.join(hooks, hook), `#!/bin/sh\necho ${hook} >> "${path.join(repo, 'hook-ran.txt')}"\nexit 1\n`, { mode: 0o755 });
      }
      git(repo, ['config', 'core.hooksPath', hooks]);
      // Control: the hooks do run (and fail) for git's own ref updates.
      expect(tryGit(repo, ['update-ref', 'refs/control/x', 'HEAD']).ok).toBe(false);
      fs.rmSync(path.join(repo, 'hook-ran.txt'));
      return { repo, root: repo, busy: true, check: () => expect(fs.existsSync(path.join(repo, 'hook-ran.txt'))).toBe(false) };
    },
  },
  {
    name: 'commit signing configured with a key that does not exist',
    setup: () => {
      const repo = makeRepo();
      git(repo, ['config', 'commit.gpgsign', 'true']);
      git(repo, ['config', 'user.signingkey', 'DEADBEEFDEADBEEF']);
      git(repo, ['config', 'gpg.program', 'false']);
      // Control: git's own commits fail to sign here.
      const control = tryGit(repo, ['-c', 'commit.gpgsign=true', 'commit', '-q', '--allow-empty', '-m', 'x']);
      expect(control.ok).toBe(false);
      expect(control.out).toMatch(/gpg failed to sign/);
      return { repo, root: repo };
    },
  },
  {
    name: 'a configured identity (used as is)',
    setup: () => {
      const repo = makeRepo();
      git(repo, ['config', 'user.name', 'Ada Lovelace']);
      git(repo, ['config', 'user.email', 'ada@example.com']);
      return { repo, root: repo, check: () => expect(git(repo, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', REF]).trim()).toBe('Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>') };
    },
  },
  {
    name: 'no identity configured (the fallback identity)',
    setup: () => {
      const repo = makeRepo();
      return { repo, root: repo, check: () => expect(git(repo, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', REF]).trim()).toBe('Orchard Studio <orchard@localhost>|Orchard Studio <orchard@localhost>') };
    },
  },
  {
    name: 'SHA-256 repository',
    setup: () => {
      const repo = makeRepo({ objectFormat: 'sha256' });
      return { repo, root: repo, check: () => expect(git(repo, ['rev-parse', REF]).trim()).toMatch(/^[0-9a-f]{64}$/) };
    },
  },
  {
    name: 'workspace folder below the top of the repository',
    setup: () => {
      const repo = makeRepo();
      const root = path.join(repo, 'packages', 'app');
      fs.mkdirSync(root, { recursive: true });
      return { repo, root };
    },
  },
];

describe.each(STATES)('in a repository with $name', ({ setup }) => {
  it('saves, restores and reads history without touching HEAD, index, branches or the working tree', async () => {
    const { repo, root, busy, check } = setup();
    if (!busy) makeBusy(repo);
    const before = snapshot(repo);

    const store = await BlueprintStore.open(root);
    expect(store.gitAvailable).toBe(true);
    await store.save('todo', draft(1), { transcript: turn('first') });
    await store.save('todo', draft(2));
    const edited = { ...JSON.parse(fs.readFileSync(blueprintFile(root), 'utf8')), summary: 'by hand' };
    fs.writeFileSync(blueprintFile(root), JSON.stringify(edited, null, 2));
    await store.saveCurrentFile('todo');
    await store.restore('todo', 1);

    expect((await store.history('todo')).map((r) => r.message)).toEqual(['first', 'save', 'save', 'restore r1']);
    expect((await store.show('todo', 3)).blueprint.summary).toBe('by hand');
    expect((await store.diff('todo', 3, 4)).changes.map((c) => c.path)).toEqual(['$.summary']);
    expect(await store.list()).toEqual(['todo']);
    expect(snapshot(repo)).toEqual(before);
    check?.(repo);
  });
});
