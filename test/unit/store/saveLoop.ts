/**
 * Child process for the concurrency and kill tests (bundled by the test with
 * esbuild): saves one blueprint in a loop and prints "saved <commit> <label>"
 * after each save returned, i.e. after its ref update. stdout to a pipe is
 * synchronous on Linux and macOS, so a printed line was really reported.
 *
 *   node saveLoop.cjs <root> <slug> <label> <count, 0 = until killed>
 */
import { BlueprintStore } from '../../../extension/src/store/blueprintStore';

async function main(): Promise<void> {
  const [root, slug, label, count] = process.argv.slice(2);
  if (!root || !slug || !label || count === undefined) throw new Error('usage: saveLoop <root> <slug> <label> <count>');
  const store = await BlueprintStore.open(root);
  for (let i = 1; Number(count) === 0 || i <= Number(count); i++) {
    const { revision } = await store.save(slug, { featureName: 'Loop', summary: `${label} ${i}` }, { message: `${label}-${i}` });
    process.stdout.write(`saved ${revision!.commit} ${label}-${i}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
