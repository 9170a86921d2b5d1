/**
 * Keeps the studio DB's blueprint index in step with the git refs: the refs
 * are the source of truth, the DB a cache. `blueprintsFromRefs` feeds a
 * rebuild (missing or corrupt DB file); `recordRevision` follows each new
 * revision. No `vscode` import.
 */
import type { TranscriptMessage } from '../core/chat/transcript';
import type { BlueprintStore, Revision } from './blueprintStore';
import type { StudioDb } from './studioDb';
import type { RebuiltBlueprint } from './studioDbTypes';

/**
 * Every blueprint that has revisions, with each transcript message tagged by
 * the revision that added it. A revision's messages.jsonl holds the whole
 * conversation so far, so a revision adds the messages beyond its
 * predecessor's count (a restore may go back to fewer: it adds none).
 */
export async function* blueprintsFromRefs(store: BlueprintStore): AsyncIterable<RebuiltBlueprint> {
  for (const slug of await store.list()) {
    const revisions = await store.history(slug);
    const head = revisions.at(-1);
    if (!head) continue;
    const messages: Array<TranscriptMessage & { rev: number }> = [];
    let seen = 0;
    let latest;
    for (const revision of revisions) {
      latest = await store.show(slug, revision.rev);
      for (const m of latest.messages.slice(seen)) messages.push({ ...m, rev: revision.rev });
      seen = Math.max(seen, latest.messages.length);
    }
    const blueprint = latest!.blueprint;
    yield {
      slug,
      featureName: blueprint.featureName,
      status: blueprint.status,
      readyToBuild: blueprint.readyToBuild,
      headCommit: head.commit,
      revisionCount: revisions.length,
      updatedAt: head.time,
      messages,
    };
  }
}

/** Brings the DB's row for `slug` up to the new revision `revision`, adding the messages it has not stored yet. */
export async function recordRevision(db: StudioDb, store: BlueprintStore, slug: string, revision: Revision): Promise<void> {
  const content = await store.show(slug, revision.rev);
  const stored = db.getMessages(slug).length;
  const fresh = content.messages.slice(stored);
  if (fresh.length > 0) db.addMessages(slug, revision.rev, fresh);
  db.upsertBlueprint({
    slug,
    featureName: content.blueprint.featureName,
    status: content.blueprint.status,
    readyToBuild: content.blueprint.readyToBuild,
    headCommit: revision.commit,
    revisionCount: revision.rev,
    updatedAt: revision.time,
  });
}
