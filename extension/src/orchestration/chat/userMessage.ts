/**
 * A message the user sends, from the typed text to the user message a turn
 * runs with: credentials are removed FIRST (core/chat/credentials.ts), before
 * the text names a new blueprint (feature name, slug, file name, git ref),
 * is stored (the transcript in git, the studio DB), logged or sent to the
 * model. The user is told what was removed, and the stored message says so
 * under it. No `vscode` import: the chat service wires it, and the unit tests
 * run it over a real store, studio DB and the fake model server.
 */
import { credentialsRemovedNotice, redactCredentials } from '../../core/chat/credentials';
import type { TranscriptAttachment, TranscriptMessage } from '../../core/chat/transcript';
import type { ArchitectImage } from './attachmentFiles';
import { featureNameFrom, newMessageId } from './chatMessages';

/** Creates a draft blueprint and returns its slug (BlueprintWorkspace.create). */
export interface BlueprintCreator {
  create(featureName: string, summary: string): Promise<string>;
}

export interface AcceptMessageInput {
  /** The blueprint the message is for; null starts a new one named after the message. */
  slug: string | null;
  /** As typed: never used for anything before it is redacted. */
  text: string;
  blueprints: BlueprintCreator;
  /** The conversation so far of an existing blueprint. */
  transcript(slug: string): Promise<TranscriptMessage[]>;
  /** Stores the message's images with the blueprint (attachmentFiles.storeAttachments). */
  storeImages(slug: string): Promise<{ refs: TranscriptAttachment[]; images: ArchitectImage[] }>;
  /** A blueprint was created for the message: the caller reserves and reveals it before anything else waits. */
  created(slug: string): Promise<void>;
  /** A notice for the user who sent the message. */
  tell(level: 'info' | 'error', text: string): void;
  now?(): string;
}

export interface AcceptedMessage {
  slug: string;
  earlier: TranscriptMessage[];
  /** The message as it is kept, sent and shown: redacted. */
  user: TranscriptMessage;
  images: ArchitectImage[];
}

export async function acceptUserMessage(input: AcceptMessageInput): Promise<AcceptedMessage> {
  const { text, removed } = redactCredentials(input.text);
  if (removed.length > 0) input.tell('info', credentialsRemovedNotice(removed));
  let slug = input.slug;
  if (slug === null) {
    slug = await input.blueprints.create(featureNameFrom(text), '');
    await input.created(slug);
  }
  const stored = await input.storeImages(slug);
  const earlier = input.slug === null ? [] : await input.transcript(slug);
  const user: TranscriptMessage = {
    id: newMessageId('u'),
    role: 'user',
    content: text,
    time: input.now?.() ?? new Date().toISOString(),
    ...(stored.refs.length > 0 ? { attachments: stored.refs } : {}),
    ...(removed.length > 0 ? { credentialsRemoved: removed.length } : {}),
  };
  return { slug, earlier, user, images: stored.images };
}

/**
 * The conversation so far as the model is sent it: every message redacted
 * again. Messages kept before redaction existed (or an assistant reply that
 * quoted a key back) would otherwise go to the model with each new turn. The
 * stored revisions are left as they are: history in git is not rewritten.
 */
export function historyForModel(messages: readonly TranscriptMessage[]): TranscriptMessage[] {
  return messages.map((message) => {
    const { text, removed } = redactCredentials(message.content);
    return removed.length === 0 ? message : { ...message, content: text };
  });
}
