import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAttachments, safeImageName, storeAttachments, type ImageCheck } from '../../../../extension/src/orchestration/chat/attachmentFiles';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const accept: ImageCheck = () => undefined;
const png = (name: string) => ({ name, mediaType: 'image/png' as const, base64: PNG.toString('base64') });

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'orchard-attach-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('safeImageName', () => {
  it('keeps the last segment, safe characters and the media type extension', () => {
    expect(safeImageName('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(safeImageName('C:\\Users\\me\\Screen Shot 2026.PNG', 'image/png')).toBe('Screen-Shot-2026.png');
    expect(safeImageName('café mock.jpeg', 'image/jpeg')).toBe('cafe-mock.jpg');
    expect(safeImageName('..', 'image/gif')).toBe('image.gif');
    expect(safeImageName('', 'image/webp')).toBe('image.webp');
    expect(safeImageName('x'.repeat(300), 'image/png')).toHaveLength(80);
  });
});

describe('storeAttachments', () => {
  it('writes each image under .orchard/references/<slug>/ with a unique name', async () => {
    const first = await storeAttachments(root, 'todo-sharing', [png('mock.png'), png('mock.png')], accept);
    const second = await storeAttachments(root, 'todo-sharing', [png('mock.png')], accept);
    expect(first.refs.map((r) => r.path)).toEqual(['.orchard/references/todo-sharing/mock.png', '.orchard/references/todo-sharing/mock-2.png']);
    expect(second.refs[0]).toEqual({ name: 'mock.png', mediaType: 'image/png', path: '.orchard/references/todo-sharing/mock-3.png' });
    expect(first.images[0]).toEqual({ name: '.orchard/references/todo-sharing/mock.png', mediaType: 'image/png', base64: PNG.toString('base64') });
    expect(readFileSync(path.join(root, '.orchard/references/todo-sharing/mock-3.png'))).toEqual(PNG);
  });

  it('stores nothing when one image fails the check, and names it', async () => {
    const check: ImageCheck = (name) => (name === 'bad.png' ? 'it is not a PNG' : undefined);
    await expect(storeAttachments(root, 'todo', [png('good.png'), png('bad.png')], check)).rejects.toThrow('The image "bad.png" was not sent: it is not a PNG');
    expect(() => readdirSync(path.join(root, '.orchard/references/todo'))).toThrow();
  });

  it('refuses a slug that could leave the references folder', async () => {
    await expect(storeAttachments(root, '../x', [png('a.png')], accept)).rejects.toThrow('not a blueprint name');
  });
});

describe('readAttachments', () => {
  it('reads stored images back and refuses paths outside the references folder', async () => {
    const { refs } = await storeAttachments(root, 'todo', [png('a.png')], accept);
    expect(await readAttachments(root, refs)).toEqual([{ name: refs[0]!.path, mediaType: 'image/png', base64: PNG.toString('base64') }]);
    await expect(readAttachments(root, [{ name: 'x', mediaType: 'image/png', path: '.orchard/references/../blueprints/x.json' }])).rejects.toThrow('outside');
    await expect(readAttachments(root, [{ name: 'x', mediaType: 'image/png', path: '.orchard/references/todo/gone.png' }])).rejects.toThrow('no longer there');
  });
});

describe('symbolic links out of the workspace', () => {
  it('writes no image through a references folder that links elsewhere', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'orchard-outside-'));
    try {
      mkdirSync(path.join(root, '.orchard'), { recursive: true });
      symlinkSync(outside, path.join(root, '.orchard', 'references'));
      await expect(storeAttachments(root, 'todo', [png('a.png')], accept)).rejects.toThrow(/leads outside .* \(a symbolic link to .*Images are not kept or read there./);
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads no stored image that is a link to a file outside', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'orchard-secret-'));
    try {
      writeFileSync(path.join(outside, 'id_rsa'), 'secret');
      mkdirSync(path.join(root, '.orchard', 'references', 'todo'), { recursive: true });
      symlinkSync(path.join(outside, 'id_rsa'), path.join(root, '.orchard', 'references', 'todo', 'mock.png'));
      await expect(readAttachments(root, [{ name: 'mock.png', mediaType: 'image/png', path: '.orchard/references/todo/mock.png' }])).rejects.toThrow('leads outside');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
