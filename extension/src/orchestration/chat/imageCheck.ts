import { checkImageAttachment } from '../../core/chat/imageAttachment';

/**
 * What is wrong with an image sent in chat, or undefined (core/imageAttachment:
 * an accepted type, at most 5 MB, content that is the type it claims). The
 * caller names the file, so its name is not repeated here.
 */
export function checkChatImage(name: string, mediaType: string, bytes: Uint8Array): string | undefined {
  const checked = checkImageAttachment(name, mediaType, bytes);
  if (checked.ok) return undefined;
  return checked.message.startsWith(`${name}: `) ? checked.message.slice(name.length + 2) : checked.message;
}
