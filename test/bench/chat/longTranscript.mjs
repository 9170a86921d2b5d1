/**
 * A blueprint whose newest revision holds a long conversation, written through the real
 * BlueprintStore (bundled on the fly like the extension's dist/store.js), so the extension opens
 * it exactly as it would a conversation of that length held by a user.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundleForNode } from '../../support/bundleNode.mjs';

const PARAGRAPHS = [
  'Shared lists need an owner who can invite people by email, as viewers or editors.',
  'An invite is a share whose user has not accepted yet; it expires after **14 days**.',
  '- `GET /lists/:id/shares` lists who has access\n- `POST /lists/:id/shares` invites someone\n- `DELETE /lists/:id/shares/:email` revokes access',
  'The activity feed shows who added, completed, edited or removed which item, newest first.',
];

/** `count` messages, user and assistant in turn, each assistant message with usage like a real turn's. */
export function longTranscript(count) {
  const start = Date.parse('2026-01-01T09:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const time = new Date(start + i * 20_000).toISOString();
    if (i % 2 === 0) return { id: `u-bench-${i}`, role: 'user', content: `Question ${i / 2 + 1}: what about ${['invites', 'roles', 'revoking', 'the feed'][i % 4]}?`, time };
    const body = [PARAGRAPHS[i % 4], PARAGRAPHS[(i + 1) % 4]].join('\n\n');
    return {
      id: `a-bench-${i}`,
      role: 'assistant',
      content: `Answer ${(i + 1) / 2}. ${body}`,
      time,
      usage: { inputTokens: 1200 + i, outputTokens: 180, cacheReadTokens: 900, cacheWriteTokens: 0 },
      model: 'claude-sonnet-5-5',
    };
  });
}

/** Writes `.orchard/blueprints/<slug>.json` and one revision with `messages` as its transcript. */
export async function writeLongConversation({ repoRoot, workspace, slug, featureName, messages }) {
  const outDir = path.join(repoRoot, '.cache', 'bench-chat');
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = await bundleForNode({ entry: path.join(repoRoot, 'extension', 'src', 'store', 'storeBundle.ts'), outfile: path.join(outDir, 'store.cjs') });
  const { BlueprintStore } = createRequire(import.meta.url)(outfile);
  const store = await BlueprintStore.open(workspace);
  try {
    const result = await store.save(slug, { featureName, summary: 'A conversation long enough to measure the chat webview with.' }, { transcript: messages, message: 'bench: long conversation' });
    if (!result.created) throw new Error(`no revision was recorded for ${slug} (is ${workspace} a git repository?)`);
    return result;
  } finally {
    store.dispose();
  }
}
