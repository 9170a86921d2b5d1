/**
 * Images sent with a chat message are kept in the workspace, next to the
 * blueprint they belong to: `.orchard/references/<slug>/<name>`. The
 * transcript names the stored copy (AttachmentRef.path), never the image
 * data, so a Retry or a later reader can send the image again. Names are
 * made safe and unique; nothing is ever written outside that folder.
 * No `vscode` import.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isValidSlug } from '../../core/blueprint/blueprint';
import { OutsideRootError, ensureFolderInside, resolveInside } from '../../platform/confinedPath';
import type { ImageAttachment } from '../../core/protocol';
import { REFERENCES_DIR } from '../../core/workspacePaths';
import type { TranscriptAttachment as AttachmentRef } from '../../core/chat/transcript';


/** The image as the Architect takes it: `name` is the stored workspace-relative path. */
export interface ArchitectImage {
  name: string;
  mediaType: ImageAttachment['mediaType'];
  base64: string;
}

const EXTENSIONS: Record<ImageAttachment['mediaType'], string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
};

/**
 * A file name safe on every platform: the last path segment of what the user
 * dropped, letters, digits, dot, dash and underscore only, at most 80
 * characters, with the extension of its media type.
 */
export function safeImageName(name: string, mediaType: ImageAttachment['mediaType']): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  const ext = EXTENSIONS[mediaType];
  let stem = last.replace(/\.[^.]*$/, '');
  stem = stem
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80 - ext.length)
    .replace(/[-.]+$/, '');
  return `${stem || 'image'}${ext}`;
}

/** Checks an image before it is stored: returns what is wrong with it, or undefined. */
export type ImageCheck = (name: string, mediaType: string, bytes: Uint8Array) => string | undefined;

/**
 * Decodes and checks every image first (one bad image stores none), then
 * writes each under a name no other file has (exclusive create: two windows
 * attaching `mock.png` at once get `mock.png` and `mock-2.png`).
 */
export async function storeAttachments(
  workspaceRoot: string,
  slug: string,
  images: readonly ImageAttachment[],
  check: ImageCheck,
): Promise<{ refs: AttachmentRef[]; images: ArchitectImage[] }> {
  if (images.length === 0) return { refs: [], images: [] };
  if (!isValidSlug(slug)) throw new Error(`"${slug}" is not a blueprint name`);
  const decoded = images.map((image) => {
    const bytes = Buffer.from(image.base64, 'base64');
    const problem = check(image.name, image.mediaType, bytes);
    if (problem) throw new Error(`The image "${image.name}" was not sent: ${problem}`);
    return { image, bytes };
  });
  // Checked before anything is created, then written through the real path.
  const dir = await ensureFolderInside(workspaceRoot, path.join(REFERENCES_DIR, slug)).catch(imagesRefused);
  const refs: AttachmentRef[] = [];
  const out: ArchitectImage[] = [];
  for (const { image, bytes } of decoded) {
    const fileName = await writeUnique(dir, safeImageName(image.name, image.mediaType), bytes);
    const relative = `${REFERENCES_DIR}/${slug}/${fileName}`;
    refs.push({ name: image.name, mediaType: image.mediaType, path: relative });
    out.push({ name: relative, mediaType: image.mediaType, base64: bytes.toString('base64') });
  }
  return { refs, images: out };
}

async function writeUnique(dir: string, fileName: string, bytes: Uint8Array): Promise<string> {
  const ext = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? fileName : `${stem}-${n}${ext}`;
    try {
      await fsp.writeFile(path.join(dir, candidate), bytes, { flag: 'wx' });
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`Too many images named "${fileName}" in ${dir}`);
}

/**
 * Reads stored attachments back for a Retry. A path that is not a file
 * under `.orchard/references/` is refused, whatever the transcript says.
 */
export async function readAttachments(workspaceRoot: string, refs: readonly AttachmentRef[]): Promise<ArchitectImage[]> {
  const root = path.resolve(workspaceRoot, REFERENCES_DIR);
  const out: ArchitectImage[] = [];
  for (const ref of refs) {
    if (!ref.path) throw new Error(`The image "${ref.name}" was not kept, so it cannot be sent again.`);
    const file = path.resolve(workspaceRoot, ref.path);
    if (!file.startsWith(root + path.sep)) throw new Error(`The image path "${ref.path}" is outside ${REFERENCES_DIR}.`);
    // A cloned repository's refs could name a link to a secret: never send what lies outside.
    const real = await resolveInside(workspaceRoot, file).catch(imagesRefused);
    const bytes = await fsp.readFile(real).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'ENOENT' ? `The image ${ref.path} is no longer there.` : `The image ${ref.path} could not be read: ${error.message}`);
    });
    out.push({ name: ref.path, mediaType: ref.mediaType, base64: bytes.toString('base64') });
  }
  return out;
}

/** A repository could ship `.orchard/references` as a link elsewhere: images are neither kept nor read there. */
function imagesRefused(error: unknown): never {
  if (error instanceof OutsideRootError) throw new Error(`${error.message} Images are not kept or read there.`);
  throw error;
}
