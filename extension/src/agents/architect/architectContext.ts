/**
 * What the Architect reads each turn besides its system prompt: the earlier
 * conversation as plain text, then the new user message prefixed with the
 * current blueprint, the host's readiness verdict and the design references.
 *
 * The blueprint goes in the user turn, not the system prompt: it changes every
 * turn, and in the system prompt it would invalidate the prompt cache of the
 * role prompt and project memory that come before it.
 */
import type { Blueprint } from '../../core/blueprint/blueprint';
import { readinessProblems } from '../../core/blueprint/readiness';
import type { TranscriptMessage } from '../../core/chat/transcript';
import type { ContentBlock, ImageMediaType, ModelMessage } from '../providers/modelProvider';
import type { ReferenceDigest } from '../references/referenceTypes';

export interface ArchitectImage {
  /** The stored copy's workspace-relative path, e.g. `.orchard/references/<slug>/mock-1.png`. */
  name: string;
  mediaType: ImageMediaType;
  base64: string;
}

/** The blueprint as the model reads it: the file's JSON without `$schema`, which is an editor aid only. */
export function blueprintForModel(bp: Blueprint): string {
  const { $schema: _ignored, ...rest } = bp;
  return JSON.stringify(rest, null, 2);
}

function historyText(m: TranscriptMessage): string {
  const attached = (m.attachments ?? []).map((a) => a.path ?? a.name);
  const note = attached.length > 0 ? `\n\n[Images attached to this message: ${attached.join(', ')}]` : '';
  const stopped = m.stopped ? '\n\n[The developer stopped this reply here.]' : '';
  return m.content + note + stopped;
}

/**
 * Earlier messages as alternating user/assistant text. Two messages of the
 * same role in a row (a failed turn leaves a user message without an answer)
 * are joined, and a conversation must open with the user.
 */
export function historyMessages(history: readonly TranscriptMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of history) {
    const text = historyText(m);
    if (text.trim() === '') continue;
    const last = out[out.length - 1];
    if (last && last.role === m.role) {
      const block = last.content[0];
      if (block?.type === 'text') block.text += `\n\n${text}`;
    } else {
      out.push({ role: m.role, content: [{ type: 'text', text }] });
    }
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ type: 'text', text: '(The conversation so far.)' }] });
  return out;
}

function tokenSummary(digest: ReferenceDigest): string {
  const t = digest.tokens;
  const parts: string[] = [];
  if (t.colors.length > 0) parts.push(`colors: ${t.colors.map((c) => `${c.name} ${c.value}`).join(', ')}`);
  if (t.typography.length > 0) parts.push(`typography: ${t.typography.map((f) => `${f.role} ${f.family}${f.size ? ` ${f.size}` : ''}`).join(', ')}`);
  if (t.spacing.length > 0) parts.push(`spacing: ${t.spacing.map((s) => s.value).join(', ')}`);
  if (t.radius.length > 0) parts.push(`radius: ${t.radius.map((s) => s.value).join(', ')}`);
  return parts.length > 0 ? `Tokens found: ${parts.join('; ')}.` : 'No design tokens were found on this page.';
}

export function referenceText(digest: ReferenceDigest): string {
  return [`## Design reference: ${digest.url}`, digest.title ? `Title: ${digest.title}` : '', digest.text.trim(), tokenSummary(digest)].filter((p) => p !== '').join('\n\n');
}

export interface UserTurnParts {
  blueprint: Blueprint;
  userText: string;
  images: readonly ArchitectImage[];
  references: readonly ReferenceDigest[];
}

/** The new user message: context blocks first, the developer's own words last. */
export function architectUserMessage(parts: UserTurnParts): ModelMessage {
  const problems = readinessProblems(parts.blueprint);
  const verdict =
    problems.length === 0
      ? `Readiness (computed by the host): nothing stands in the way; readyToBuild is ${parts.blueprint.readyToBuild}.`
      : `Readiness (computed by the host): not ready to build.\n${problems.map((p) => `- ${p}`).join('\n')}`;
  const content: ContentBlock[] = [{ type: 'text', text: `# The current blueprint\n\n\`\`\`json\n${blueprintForModel(parts.blueprint)}\n\`\`\`\n\n${verdict}` }];
  for (const digest of parts.references) content.push({ type: 'text', text: referenceText(digest) });
  for (const image of parts.images) {
    content.push({ type: 'text', text: `Attached image, stored as ${image.name}:` });
    content.push({ type: 'image', mediaType: image.mediaType, base64: image.base64 });
  }
  content.push({ type: 'text', text: `# The developer says\n\n${parts.userText}` });
  return { role: 'user', content };
}

/**
 * The whole conversation for the request. When the history ends with the
 * developer's message (the turn that should have answered it failed), the new
 * message joins it rather than following it: the model then sees one user turn
 * holding both, and answers both.
 */
export function architectMessages(history: readonly TranscriptMessage[], parts: UserTurnParts): ModelMessage[] {
  const messages = historyMessages(history);
  const current = architectUserMessage(parts);
  const last = messages[messages.length - 1];
  if (last?.role === 'user') last.content.push(...current.content);
  else messages.push(current);
  return messages;
}
