/**
 * A studio DB writer in its own process, for the multi-process and kill tests
 * (bundled by helpers.ts). Argument: one JSON object; `mode` picks the behaviour.
 * A line is printed only after the write it names was reported saved (`flush()` resolved).
 */
import { StudioDb } from '../../../extension/src/store/studioDb';

interface Args {
  mode: 'writer' | 'concurrent' | 'orphan';
  file: string;
  wasmPath: string;
  slug?: string;
  events?: number;
  batch?: number;
  compactAfterBytes?: number;
}

const args = JSON.parse(process.argv[2]!) as Args;
const log = (line: string) => process.stderr.write(`${line}\n`);
const time = () => new Date().toISOString();

async function main(): Promise<void> {
  const db = await StudioDb.open({
    file: args.file,
    wasmPath: args.wasmPath,
    log,
    persistDelayMs: 5,
    compactAfterBytes: args.compactAfterBytes ?? 8 * 1024,
    lostAfterMs: 0,
  });
  const slug = args.slug ?? 'shared';
  if (args.mode === 'orphan') {
    const op = db.createOperation({ kind: 'build', slug });
    db.appendEvent(op, { phase: 'plan', type: 'started' });
    await db.flush();
    process.stdout.write(`ready ${op}\n`);
    setInterval(() => undefined, 1000); // wait to be killed
    return;
  }
  if (args.mode === 'writer') {
    // Writes until killed: events of its own operation and revisions of a shared blueprint.
    const op = db.createOperation({ kind: 'build', slug });
    let rev = db.getBlueprint(slug)?.revisionCount ?? 0;
    for (;;) {
      const saved: string[] = [];
      for (let i = 0; i < 10; i++) saved.push(`E ${op} ${db.appendEvent(op, { phase: 'build', type: 'tick', data: { i, pid: process.pid } })}`);
      rev++;
      db.upsertBlueprint({ slug, featureName: 'Kill test', status: 'draft', readyToBuild: false, headCommit: `c${rev}`, revisionCount: rev });
      db.addMessages(slug, rev, [{ role: 'user', content: `turn ${rev} by ${process.pid}`, time: time() }]);
      saved.push(`R ${slug} ${rev}`);
      await db.flush();
      process.stdout.write(`${saved.join('\n')}\n`);
    }
  }
  // concurrent: a fixed amount of work, then close and report what this window sees.
  const op = db.createOperation({ kind: 'build', slug });
  const events = args.events ?? 1000;
  const batch = args.batch ?? 50;
  for (let n = 0; n < events; n += batch) {
    for (let i = n; i < Math.min(events, n + batch); i++) db.appendEvent(op, { phase: 'build', type: 'tick', data: { i } });
    db.upsertBlueprint({ slug, featureName: `Written by ${process.pid}`, status: 'draft', readyToBuild: false, headCommit: null, revisionCount: n / batch + 1 });
    db.upsertBlueprint({ slug: 'shared', featureName: `Last written by ${process.pid}`, status: 'draft', readyToBuild: false, headCommit: null, revisionCount: 1 });
    await db.flush();
  }
  await db.refresh();
  process.stdout.write(`done ${op} ${db.countEvents()} ${db.stats.compactions}\n`);
  await db.close();
}

main().catch((error: unknown) => {
  log(`child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
