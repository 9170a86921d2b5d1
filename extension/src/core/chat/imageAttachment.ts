/**
 * Checks an image the user pasted, dropped or attached before it goes to the
 * model: an accepted type, not empty, at most 5 MB, and content that really is
 * the type it claims — the model API rejects a mislabelled image, and a file
 * renamed to .png is not an image at all. Messages name the file.
 */
import { IMAGE_MEDIA_TYPES, MAX_IMAGE_BYTES } from '../protocol';

export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export type ImageCheck = { ok: true; mediaType: ImageMediaType } | { ok: false; message: string };

const TYPE_WORDS: Record<ImageMediaType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
};

export function checkImageAttachment(name: string, mediaType: string, bytes: Uint8Array): ImageCheck {
  const claimed = mediaType.trim().toLowerCase();
  if (!isImageMediaType(claimed)) {
    return fail(name, `"${mediaType}" is not an accepted image type (PNG, JPEG, WebP or GIF)`);
  }
  if (bytes.length === 0) return fail(name, 'the file is empty');
  if (bytes.length > MAX_IMAGE_BYTES) {
    return fail(name, `the file is ${formatMegabytes(bytes.length)} (${bytes.length} bytes), more than the ${formatMegabytes(MAX_IMAGE_BYTES)} limit for an image`);
  }
  const actual = sniffImageType(bytes);
  if (actual === null) return fail(name, `the content is not a ${TYPE_WORDS[claimed]} image (nor any accepted image type)`);
  if (actual !== claimed) {
    return fail(name, `it claims to be ${claimed} but its content is a ${TYPE_WORDS[actual]} image`);
  }
  return { ok: true, mediaType: actual };
}

/** The accepted image type the bytes start like, from their signature, or null. */
export function sniffImageType(bytes: Uint8Array): ImageMediaType | null {
  const startsWith = (signature: readonly number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(ascii('GIF87a')) || startsWith(ascii('GIF89a'))) return 'image/gif';
  if (startsWith(ascii('RIFF')) && startsWith(ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

function isImageMediaType(value: string): value is ImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(value);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function fail(name: string, problem: string): ImageCheck {
  return { ok: false, message: `${name}: ${problem}` };
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(2)} MB`;
}
