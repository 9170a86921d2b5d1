/** The one module that says whether a path stays inside the workspace after symbolic links. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureFolderInside, isWithin, OutsideRootError, readFileInside, resolveInside } from '../../../extension/src/platform/confinedPath';

function folder(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-confined-')));
}

describe('isWithin', () => {
  it('tells a folder named "..x" from a parent', () => {
    expect(isWithin('/w', '/w')).toBe(true);
    expect(isWithin('/w', '/w/..x/file')).toBe(true);
    expect(isWithin('/w', '/w/../x')).toBe(false);
    expect(isWithin('/w', '/wx')).toBe(false);
  });
});

describe('resolveInside', () => {
  it('returns the real path of an existing file and of one not created yet', async () => {
    const root = folder();
    fs.mkdirSync(path.join(root, 'a'));
    fs.writeFileSync(path.join(root, 'a', 'f.txt'), 'x');
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'alias'));
    expect(await resolveInside(root, 'alias/f.txt')).toBe(path.join(root, 'a', 'f.txt'));
    expect(await resolveInside(root, 'alias/new/deeper.txt')).toBe(path.join(root, 'a', 'new', 'deeper.txt'));
  });

  it('refuses "..", and links that lead out, naming where they lead', async () => {
    const root = folder();
    const outside = folder();
    fs.symlinkSync(outside, path.join(root, 'out'));
    await expect(resolveInside(root, '../etc/passwd')).rejects.toThrow(OutsideRootError);
    await expect(resolveInside(root, 'out/settings.json')).rejects.toThrow(`out/settings.json leads outside ${root} (a symbolic link to ${outside})`);
  });

  it('refuses a link that leads nowhere (writing through it would create its target)', async () => {
    const root = folder();
    const target = path.join(folder(), 'missing');
    fs.symlinkSync(target, path.join(root, 'dangling'));
    await expect(resolveInside(root, 'dangling/x.json')).rejects.toThrow(OutsideRootError);
  });

  it('works when the root itself is reached through a link', async () => {
    const real = folder();
    const alias = path.join(folder(), 'alias');
    fs.symlinkSync(real, alias);
    expect(await resolveInside(alias, 'x/y')).toBe(path.join(real, 'x', 'y'));
  });
});

describe('ensureFolderInside and readFileInside', () => {
  it('creates the folder inside, and creates nothing when it would be outside', async () => {
    const root = folder();
    const outside = folder();
    fs.symlinkSync(outside, path.join(root, '.orchard'));
    expect(await ensureFolderInside(root, 'made/here')).toBe(path.join(root, 'made', 'here'));
    expect(fs.statSync(path.join(root, 'made', 'here')).isDirectory()).toBe(true);
    await expect(ensureFolderInside(root, '.orchard/blueprints')).rejects.toThrow(OutsideRootError);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('reads a file inside and refuses one linked from outside', async () => {
    const root = folder();
    const outside = folder();
    fs.writeFileSync(path.join(root, 'ok.txt'), 'inside');
    fs.writeFileSync(path.join(outside, 'key'), 'secret');
    fs.symlinkSync(path.join(outside, 'key'), path.join(root, 'key.json'));
    expect(await readFileInside(root, 'ok.txt')).toBe('inside');
    await expect(readFileInside(root, 'key.json')).rejects.toThrow(OutsideRootError);
  });
});
