import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../../extension/src/core/blueprint/blueprint';
import { BlueprintStore } from '../../../extension/src/store/blueprintStore';
import { blueprintsFromRefs, recordRevision } from '../../../extension/src/store/blueprintIndexSync';
import { StudioDb } from '../../../extension/src/store/studioDb';
import { wasmPath } from '../studioDb/helpers';
import { makeRepo, tempDir, useIsolatedGit } from './gitFixture';

// The studio DB's blueprint index against real refs: rebuilt from them when the
// DB file is missing or corrupt, and kept in step as revisions are recorded.
useIsolatedGit();

const turn = (role: 'user' | 'assistant', content: string) => ({ role, content, time: '2026-11-21T10:00:00.000Z' });

async function repoWithHistory() {
  const root = makeRepo();
  const store = await BlueprintStore.open(root);
  const bp = Blueprint.parse({ featureName: 'Todo sharing' });
  const t1 = [turn('user', 'Share lists'), turn('assistant', 'With whom?')];
  const t2 = [...t1, turn('user', 'Friends, by email'), turn('assistant', 'Noted.')];
  await store.save('todo-sharing', bp, { transcript: t1 });
  await store.save('todo-sharing', { ...bp, summary: 'Share by email' }, { transcript: t2 });
  await store.save('todo-sharing', { ...bp, summary: 'Share by email', readyToBuild: true }, { message: 'save', transcript: t2 });
  return { root, store };
}

describe('blueprint index in the studio DB', () => {
  it('is rebuilt from the refs when the DB file is missing, and again when it is corrupt', async () => {
    const { store } = await repoWithHistory();
    const file = path.join(tempDir('orchard-db-'), 'studio.db');
    let db = await StudioDb.open({ file, wasmPath, rebuild: () => blueprintsFromRefs(store) });
    const check = (d: StudioDb) => {
      const row = d.getBlueprint('todo-sharing');
      expect(row).toMatchObject({ featureName: 'Todo sharing', revisionCount: 3, readyToBuild: true });
      expect(d.getMessages('todo-sharing').map((m) => [m.rev, m.content])).toEqual([
        [1, 'Share lists'],
        [1, 'With whom?'],
        [2, 'Friends, by email'],
        [2, 'Noted.'],
      ]);
    };
    check(db);
    await db.close();

    // Garbage where the snapshot was, and no journal: rebuilt again, the bad file kept aside.
    fs.writeFileSync(file, 'not a database');
    fs.rmSync(`${file}.journal`, { force: true });
    db = await StudioDb.open({ file, wasmPath, rebuild: () => blueprintsFromRefs(store) });
    check(db);
    expect(fs.readdirSync(path.dirname(file)).some((f) => f.startsWith('studio.db.corrupt-'))).toBe(true);
    await db.close();
    store.dispose();
  });

  it('follows a new revision with only the messages it added', async () => {
    const { store } = await repoWithHistory();
    const db = await StudioDb.open({ file: path.join(tempDir('orchard-db-'), 'studio.db'), wasmPath, rebuild: () => blueprintsFromRefs(store) });
    const t3 = [
      turn('user', 'Share lists'),
      turn('assistant', 'With whom?'),
      turn('user', 'Friends, by email'),
      turn('assistant', 'Noted.'),
      turn('user', 'Add expiry'),
    ];
    const saved = await store.save('todo-sharing', { featureName: 'Todo sharing', summary: 'Expiring shares' }, { transcript: t3 });
    await recordRevision(db, store, 'todo-sharing', saved.revision!);
    expect(db.getBlueprint('todo-sharing')).toMatchObject({ revisionCount: 4, headCommit: saved.revision!.commit, readyToBuild: false });
    expect(db.getMessages('todo-sharing').map((m) => [m.rev, m.content]).at(-1)).toEqual([4, 'Add expiry']);
    expect(db.getMessages('todo-sharing')).toHaveLength(5);
    await db.close();
    store.dispose();
  });
});
