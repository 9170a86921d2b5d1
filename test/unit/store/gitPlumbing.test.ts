/** The plumbing layer and its parsers, on real git output. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  batchCheck,
  batchRead,
  commitTree,
  countFirstParent,
  firstParentLog,
  hasIdentity,
  listRefs,
  ObjectWriter,
  parseBatch,
  parseRevListFormat,
  repoInfo,
} from '../../../extension/src/store/gitPlumbing';
import { GitBatchProcess } from '../../../extension/src/store/gitBatch';
import { GitCommandError, GitNotFoundError, GitRunner } from '../../../extension/src/store/gitRunner';
import { git, makeRepo, tempDir, useIsolatedGit } from './gitFixture';

useIsolatedGit();

const ME = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('git plumbing', () => {
  it('reads the repository format and the zero id of SHA-1 and SHA-256 repositories', async () => {
    const sha1 = await repoInfo(new GitRunner(makeRepo()));
    expect(sha1).toMatchObject({ objectFormat: 'sha1', zeroOid: '0'.repeat(40) });
    const dir = makeRepo({ objectFormat: 'sha256' });
    expect(await repoInfo(new GitRunner(dir))).toEqual({ topLevel: dir, objectFormat: 'sha256', zeroOid: '0'.repeat(64), gitCommonDir: path.join(dir, '.git') });
    const sub = path.join(dir, 'a', 'b');
    fs.mkdirSync(sub, { recursive: true });
    expect((await repoInfo(new GitRunner(sub))).gitCommonDir).toBe(path.join(dir, '.git'));
    await expect(repoInfo(new GitRunner(tempDir()))).rejects.toBeInstanceOf(GitCommandError);
  });

  it('writes blobs, trees and commits, and reads them back in one batch', async () => {
    const dir = makeRepo();
    const runner = new GitRunner(dir);
    const staging = path.join(dir, '.git', 'orchard', 'staging');
    const writer = new ObjectWriter(runner, path.join(dir, '.git'), staging);
    const text = 'ünïcødé 🍐\nsecond line\n';
    const [blob = '', other] = await writer.hashBlobs([text, '']);
    expect(blob).toBe(git(dir, ['hash-object', '--stdin'], { input: text }).trim());
    expect(other).toBe(git(dir, ['hash-object', '--stdin'], { input: '' }).trim());
    // The staged copies are gone once git has read them.
    expect(fs.readdirSync(staging)).toEqual([]);
    const tree = await writer.mkTree([
      { name: 'messages.jsonl', oid: blob },
      { name: 'blueprint.json', oid: blob },
    ]);
    expect(git(dir, ['ls-tree', '--name-only', tree]).trim().split('\n')).toEqual(['blueprint.json', 'messages.jsonl']);
    const c1 = await commitTree(runner, tree, undefined, 'first ünïcødé', ME);
    const c2 = await commitTree(runner, tree, c1, 'second', ME);

    const [missing, found, treeInfo] = await batchCheck(runner, ['refs/nope', `${c2}:blueprint.json`, `${c2}^{tree}`]);
    expect(missing).toBeUndefined();
    expect(found).toEqual({ oid: blob, type: 'blob', size: Buffer.byteLength(text) });
    expect(treeInfo?.oid).toBe(tree);
    // Sizes are bytes: multi-byte content must not shift the next object.
    const objects = await batchRead(runner, [`${c1}:blueprint.json`, 'refs/nope', `${c2}:messages.jsonl`]);
    expect(objects.map((o) => o?.content.toString('utf8'))).toEqual([text, undefined, text]);

    const log = await firstParentLog(runner, c2);
    expect(log.map((e) => [e.commit, e.subject])).toEqual([
      [c1, 'first ünïcødé'],
      [c2, 'second'],
    ]);
    expect(await countFirstParent(runner, c2)).toBe(2);
  });

  it('moves a ref only from the expected value', async () => {
    const dir = makeRepo();
    const runner = new GitRunner(dir);
    const writer = stagedWriter(runner);
    const { zeroOid } = await repoInfo(runner);
    const tree = await writer.mkTree([{ name: 'blueprint.json', oid: (await writer.hashBlobs(['{}']))[0]! }]);
    const a = await commitTree(runner, tree, undefined, 'a', ME);
    const b = await commitTree(runner, tree, a, 'b', ME);
    await writer.updateRefCas('refs/orchard/blueprints/x', a, zeroOid);
    // Creating again, or moving from a stale value, fails and leaves the ref alone;
    // the process git ended with is replaced on the next request.
    await expect(writer.updateRefCas('refs/orchard/blueprints/x', b, zeroOid)).rejects.toBeInstanceOf(GitCommandError);
    await expect(writer.updateRefCas('refs/orchard/blueprints/x', b, b)).rejects.toThrow(/update-ref failed \(exit 128\).*but expected/);
    expect(git(dir, ['rev-parse', 'refs/orchard/blueprints/x']).trim()).toBe(a);
    await writer.updateRefCas('refs/orchard/blueprints/x', b, a);
    writer.close();
    expect(await listRefs(runner, 'refs/orchard/blueprints/')).toEqual([{ name: 'x', oid: b }]);
    expect(await listRefs(runner, 'refs/orchard/other/')).toEqual([]);
  });

  it('parses rev-list output with subjects git joined from a multi-line message', async () => {
    const dir = makeRepo();
    git(dir, ['commit', '-q', '--allow-empty', '-m', 'line one', '-m', 'body']);
    const log = await firstParentLog(new GitRunner(dir), git(dir, ['rev-parse', 'HEAD']).trim());
    expect(log.map((e) => e.subject)).toEqual(['initial', 'line one']);
    expect(log[0]!.time).toBeGreaterThan(1_600_000_000);
    expect(parseRevListFormat('')).toEqual([]);
    expect(() => parseBatch(Buffer.from(`${'a'.repeat(40)} blob 10\nshort\n`), 1)).toThrow(/truncated/);
  });

  it('tells whether git has an identity', async () => {
    const dir = makeRepo();
    expect(await hasIdentity(new GitRunner(dir))).toEqual({ author: false, committer: false });
    git(dir, ['config', 'user.name', 'A']);
    git(dir, ['config', 'user.email', 'a@example.com']);
    expect(await hasIdentity(new GitRunner(dir))).toEqual({ author: true, committer: true });
  });
});

describe('GitBatchProcess', () => {
  it('answers requests in order over one process, and ends it when idle', async () => {
    const dir = makeRepo();
    const batch = new GitBatchProcess(dir, 'git', ['cat-file', '--batch-check'], 100);
    const answers = await Promise.all([batch.request('HEAD\n', 1), batch.request('nope\nHEAD^{tree}\n', 2)]);
    expect(answers[0]![0]).toMatch(/^[0-9a-f]{40} commit \d+$/);
    expect(answers[1]![0]).toBe('nope missing');
    expect(answers[1]![1]).toMatch(/ tree /);
    // Our git processes: those with this repository as their working folder (Linux only).
    const pids = () =>
      fs.readdirSync('/proc').filter((p) => {
        try {
          return /^\d+$/.test(p) && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--batch-check') && fs.readlinkSync(`/proc/${p}/cwd`) === dir;
        } catch {
          return false; // gone while we looked, or not ours to read
        }
      });
    if (process.platform === 'linux') expect(pids()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    if (process.platform === 'linux') expect(pids()).toHaveLength(0);
    // A new request after the idle end starts a new process.
    expect((await batch.request('HEAD\n', 1))[0]).toMatch(/ commit /);
    batch.close();
    await expect(new GitBatchProcess(dir, 'git-that-does-not-exist', ['x']).request('x\n', 1)).rejects.toBeInstanceOf(GitNotFoundError);
  });
});

describe('GitRunner', () => {
  it('ignores GIT_DIR and GIT_INDEX_FILE inherited from the environment (a hook, a terminal)', async () => {
    const dir = makeRepo();
    const other = makeRepo();
    process.env.GIT_DIR = path.join(other, '.git');
    process.env.GIT_INDEX_FILE = path.join(other, 'bogus-index');
    let blobs: string[];
    try {
      const runner = new GitRunner(dir);
      expect((await repoInfo(runner)).topLevel).toBe(dir);
      // Both paths: simple-git (one-shot) and the long-running processes.
      const oneShot = (await runner.run(['hash-object', '-w', '--stdin'], { input: 'one-shot\n' })).trim();
      const writer = stagedWriter(runner);
      blobs = [oneShot, ...(await writer.hashBlobs(['long-running\n']))];
      writer.close();
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_INDEX_FILE;
    }
    for (const blob of blobs) {
      expect(git(dir, ['cat-file', '-t', blob]).trim()).toBe('blob');
      expect(() => git(other, ['cat-file', '-t', blob])).toThrow();
    }
    expect(fs.existsSync(path.join(other, 'bogus-index'))).toBe(false);
  });

  it('reports a failed command with its exit code and git’s message, and a missing git as such', async () => {
    const runner = new GitRunner(makeRepo());
    const error = (await runner.run(['rev-parse', '--verify', 'nope^{commit}']).catch((e: unknown) => e)) as GitCommandError;
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.exitCode).toBe(128);
    expect(error.args).toEqual(['rev-parse', '--verify', 'nope^{commit}']);
    expect(error.message).toMatch(/^git rev-parse failed \(exit 128\): fatal: Needed a single revision/);
    await expect(new GitRunner(tempDir(), 'git-that-does-not-exist').run(['status'])).rejects.toBeInstanceOf(GitNotFoundError);
    await expect(runner.run(['hash-object', '--stdin'], { input: '' })).rejects.toThrow(/empty stdin/);
  });

  it('runs a git binary given by path, spaces and all (VS Code’s git.path)', async () => {
    const dir = makeRepo();
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const folder = path.join(tempDir(), 'Program Files', 'Git');
    fs.mkdirSync(folder, { recursive: true });
    fs.symlinkSync(real, path.join(folder, 'git'));
    const runner = new GitRunner(dir, path.join(folder, 'git'));
    expect((await repoInfo(runner)).topLevel).toBe(dir);
    const writer = stagedWriter(runner);
    expect((await writer.hashBlobs(['x']))[0]).toMatch(/^[0-9a-f]{40}$/);
    writer.close();
  });
});

/** A writer whose staging folder is a fresh temp folder (its own root). */
function stagedWriter(runner: GitRunner): ObjectWriter {
  const root = tempDir();
  return new ObjectWriter(runner, root, path.join(root, 'staging'));
}
