/**
 * Images the user attaches (paperclip, paste, drop), checked here before
 * anything is read so the error names the file at once; the host checks
 * again. A picked file becomes a `PendingImage`: its base64 for the message
 * and an object URL for the thumbnail, which the composer must revoke.
 */
import { IMAGE_MEDIA_TYPES, MAX_ATTACHMENTS, MAX_IMAGE_BYTES, type ImageAttachment } from '../../../extension/src/core/protocol';
import { formatBytes } from './chatFormat';

export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** What the file input's `accept` allows: the same list the host accepts. */
export const ACCEPT_IMAGES = IMAGE_MEDIA_TYPES.join(',');

const BY_EXTENSION: Record<string, ImageMediaType> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The name limit of `ImageAttachment.name`. */
const MAX_NAME_LENGTH = 200;

export interface PendingImage {
  id: number;
  attachment: ImageAttachment;
  size: number;
  /** null where object URLs are unavailable; the chip then shows the name only. */
  previewUrl: string | null;
}

/** The file's image type, from its MIME type or, when the browser gave none, its extension. */
export function imageMediaType(file: Pick<File, 'name' | 'type'>): ImageMediaType | null {
  const declared = file.type.toLowerCase();
  if ((IMAGE_MEDIA_TYPES as readonly string[]).includes(declared)) return declared as ImageMediaType;
  if (declared !== '') return null;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  return extension ? (BY_EXTENSION[extension] ?? null) : null;
}

/** Why this file cannot be attached, in words naming it; null when it can. */
export function attachmentProblem(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
  if (imageMediaType(file) === null) return `${file.name}: only PNG, JPEG, WebP and GIF images can be attached`;
  if (file.size > MAX_IMAGE_BYTES) return `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_IMAGE_BYTES)}`;
  if (file.size === 0) return `${file.name} is empty`;
  return null;
}

/**
 * A name unique among `taken`: a pasted screenshot is always "image.png", and
 * the host stores attachments by name, so a second one becomes "image-2.png".
 */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  const clean = name.replace(/[/\\]/g, '_').trim() || 'image';
  const dot = clean.lastIndexOf('.');
  const stem = (dot > 0 ? clean.slice(0, dot) : clean).slice(0, MAX_NAME_LENGTH - 16);
  const extension = dot > 0 ? clean.slice(dot).slice(0, 10) : '';
  let candidate = stem + extension;
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${extension}`;
  return candidate;
}

/** The file's bytes as base64, without the data-URL prefix. */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export interface AddResult {
  added: PendingImage[];
  errors: string[];
}

let nextId = 0;

/**
 * Checks and reads `files` for a message that already holds `current`.
 * Files past MAX_ATTACHMENTS are refused by name rather than silently dropped.
 */
export async function prepareImages(files: readonly File[], current: readonly PendingImage[]): Promise<AddResult> {
  const errors: string[] = [];
  const added: PendingImage[] = [];
  const taken = new Set(current.map((p) => p.attachment.name));
  for (const file of files) {
    const problem = attachmentProblem(file);
    if (problem) {
      errors.push(problem);
      continue;
    }
    if (current.length + added.length >= MAX_ATTACHMENTS) {
      errors.push(`${file.name} was not added: at most ${MAX_ATTACHMENTS} images per message`);
      continue;
    }
    let base64: string;
    try {
      base64 = await readBase64(file);
    } catch (error) {
      errors.push(`${file.name} could not be read (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const name = uniqueName(file.name, taken);
    taken.add(name);
    added.push({
      id: ++nextId,
      attachment: { name, mediaType: imageMediaType(file)!, base64 },
      size: file.size,
      previewUrl: typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null,
    });
  }
  return { added, errors };
}

export function revokePreview(image: PendingImage): void {
  if (image.previewUrl && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(image.previewUrl);
}

/** The files pasted or dropped, images or not: a wrong type must still get its error. */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length > 0) return files;
  // Some paste sources expose the image only as an item.
  const fromItems: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (file) fromItems.push(file);
  }
  return fromItems;
}
