/**
 * Makes `globalThis.gc` available to `bounds.ts` without a `--expose-gc` on
 * the test runner's command line, so heap bounds measure what a call kept and
 * not the garbage it left behind. Import it before measuring.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const holder = globalThis as { gc?: () => void };
if (holder.gc === undefined) {
  setFlagsFromString('--expose-gc');
  holder.gc = runInNewContext('gc') as () => void;
}
