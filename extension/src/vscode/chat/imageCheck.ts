import { IMAGE_MEDIA_TYPES, MAX_IMAGE_BYTES } from '../../core/protocol';

/**
 * What is wrong with an image sent in chat, or undefined: the media types the
 * model takes and at most 5 MB.
 */
export function checkChatImage(name: string, mediaType: string, bytes: Uint8Array): string | undefined {
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) return `${mediaType || 'its type'} is not an image the Architect reads (png, jpeg, webp, gif)`;
  if (bytes.length === 0) return 'the file is empty';
  if (bytes.length > MAX_IMAGE_BYTES) return `it is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; at most 5 MB`;
  return name.length > 0 ? undefined : 'it has no name';
}
