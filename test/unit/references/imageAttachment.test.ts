import { describe, expect, it } from 'vitest';
import { checkImageAttachment, sniffImageType } from '../../../extension/src/core/chat/imageAttachment';
import { MAX_IMAGE_BYTES } from '../../../extension/src/core/protocol';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46];
const GIF = [...'GIF89a'].map((c) => c.charCodeAt(0)).concat([1, 0, 1, 0]);
const WEBP = [...'RIFF'].map((c) => c.charCodeAt(0)).concat([36, 0, 0, 0], [...'WEBPVP8 '].map((c) => c.charCodeAt(0)));

function file(signature: number[], size = 64): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(signature);
  return bytes;
}

describe('checkImageAttachment', () => {
  it.each([
    ['mock.png', 'image/png', PNG],
    ['photo.jpg', 'image/jpeg', JPEG],
    ['anim.gif', 'image/gif', GIF],
    ['shot.webp', 'image/webp', WEBP],
  ])('accepts %s whose content matches %s', (name, type, signature) => {
    expect(checkImageAttachment(name, type, file(signature))).toEqual({ ok: true, mediaType: type });
  });

  it('accepts GIF87a too, and a media type in another case', () => {
    const gif87 = [...'GIF87a'].map((c) => c.charCodeAt(0));
    expect(checkImageAttachment('old.gif', 'IMAGE/GIF', file(gif87))).toEqual({ ok: true, mediaType: 'image/gif' });
  });

  it('refuses a PNG that claims to be a JPEG, naming the file and both types', () => {
    const result = checkImageAttachment('mock.jpg', 'image/jpeg', file(PNG));
    expect(result).toEqual({ ok: false, message: 'mock.jpg: it claims to be image/jpeg but its content is a PNG image' });
  });

  it('refuses content that is no accepted image', () => {
    const text = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const result = checkImageAttachment('logo.png', 'image/png', text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe('logo.png: the content is not a PNG image (nor any accepted image type)');
  });

  it('refuses a RIFF file that is not WebP (a WAV renamed)', () => {
    const wav = [...'RIFF'].map((c) => c.charCodeAt(0)).concat([36, 0, 0, 0], [...'WAVE'].map((c) => c.charCodeAt(0)));
    expect(checkImageAttachment('sound.webp', 'image/webp', file(wav)).ok).toBe(false);
  });

  it('accepts exactly 5 MB and refuses 5 MB + 1 byte', () => {
    expect(checkImageAttachment('big.png', 'image/png', file(PNG, MAX_IMAGE_BYTES)).ok).toBe(true);
    const result = checkImageAttachment('huge.png', 'image/png', file(PNG, MAX_IMAGE_BYTES + 1));
    expect(result).toEqual({
      ok: false,
      message: `huge.png: the file is 5.00 MB (${MAX_IMAGE_BYTES + 1} bytes), more than the 5 MB limit for an image`,
    });
  });

  it('refuses an empty file', () => {
    expect(checkImageAttachment('blank.png', 'image/png', new Uint8Array(0))).toEqual({ ok: false, message: 'blank.png: the file is empty' });
  });

  it('refuses a type outside png, jpeg, webp and gif before looking at the bytes', () => {
    expect(checkImageAttachment('vector.svg', 'image/svg+xml', file(PNG))).toEqual({
      ok: false,
      message: 'vector.svg: "image/svg+xml" is not an accepted image type (PNG, JPEG, WebP or GIF)',
    });
  });

  it('does not read past a short file', () => {
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeNull();
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff]))).toBe('image/jpeg');
  });
});
