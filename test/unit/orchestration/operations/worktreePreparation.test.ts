/**
 * Files copied into a build's worktree (orchard.build.copyFiles, orchard build --copy): what a
 * pattern may say, and the copy itself over real folders — regular files only, never through a
 * link out, never over the commit's own file, nothing outside the worktree written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCopyPattern } from '../../../../extension/src/core/operations/copyPatterns';
import { copyIntoWorktree, MAX_COPY_BYTES } from '../../../../extension/src/orchestration/operations/worktreePreparation';

const base = fs.realpathSync(fs.mkdtempSync(path.join(fs.existsSync('/var/tmp') ? '/var/tmp' : '/tmp', 'orchard-copy-')));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const root = path.join(base, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('copy patterns', () => {
  it('take a literal folder and a file-name glob, and refuse what could walk or leave the repository', () => {
    const env = parseCopyPattern('.env*');
    expect('problem' in env).toBe(false);
    if (!('problem' in env)) {
      expect(env.dir).toBe('');
      expect(['.env', '.env.local', 'env', '.git'].filter(env.matches)).toEqual(['.env', '.env.local']);
    }
    expect(parseCopyPattern('./apps/web/.env.local')).toMatchObject({ dir: 'apps/web' });
    expect(parseCopyPattern('apps\\web\\.env')).toMatchObject({ dir: 'apps/web' });
    const refused = ['', '/etc/passwd', 'C:/x', '../secrets', 'a/../b', '**/.env', 'apps/*/.env', '.git/config', '.git', 'config/'];
    for (const pattern of refused) expect(parseCopyPattern(pattern), pattern).toHaveProperty('problem');
    expect(parseCopyPattern('apps/*/.env')).toEqual({ problem: '"apps/*/.env": only the file name may hold wildcards, not the folder "*"' });
  });
});

describe('copyIntoWorktree', () => {
  it('copies the matching regular files, keeps the commit’s version, leaves links and large files out, and says so', async () => {
    const outside = folder('outside', { 'secret.txt': 'not yours\n' });
    const repo = folder('repo', { '.env': 'A=1\n', '.env.local': 'B=2\n', 'apps/web/.env': 'C=3\n', 'README.md': 'mine\n', 'big.env': 'x'.repeat(MAX_COPY_BYTES + 1) });
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(repo, '.env.linked'));
    const worktree = folder('wt', { 'README.md': 'committed\n', '.env.local': 'committed\n' });
    const result = await copyIntoWorktree(repo, worktree, ['.env*', 'apps/web/.env', 'README.md', '*.env', 'missing/.env', '../x']);
    expect(result.copied).toEqual(['.env', 'apps/web/.env']);
    expect(result.skipped).toEqual([
      '.env.linked: a symbolic link, not copied',
      '.env.local: the commit has it already',
      'README.md: the commit has it already',
      'big.env: larger than 1 MB, not copied',
      '"../x" has an empty, "." or ".." folder',
    ]);
    expect(fs.readFileSync(path.join(worktree, '.env'), 'utf8')).toBe('A=1\n');
    expect(fs.readFileSync(path.join(worktree, '.env.local'), 'utf8')).toBe('committed\n');
    expect(fs.readFileSync(path.join(worktree, 'README.md'), 'utf8')).toBe('committed\n');
    expect(fs.existsSync(path.join(worktree, '.env.linked'))).toBe(false);
  });

  it('never writes through a folder of the worktree that links out', async () => {
    const outside = path.join(base, 'outside2');
    fs.mkdirSync(outside);
    const repo = folder('repo2', { 'conf/.env': 'S=1\n' });
    const worktree = folder('wt2', { 'x.txt': 'x\n' });
    fs.symlinkSync(outside, path.join(worktree, 'conf'));
    const result = await copyIntoWorktree(repo, worktree, ['conf/.env']);
    expect(result.copied).toEqual([]);
    expect(result.skipped[0]).toMatch(/^conf\/\.env: /);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});
