/**
 * Validation in steps: a validator written as a generator yields between
 * pieces of its work (a chunk of a tree, one check of a memory file), so the
 * language server can answer other requests between them and drop the rest
 * when the document changes; every other caller runs it to the end at once.
 */

/** Work that yields (nothing) between its pieces and returns its result. */
export type Steps<T> = Generator<void, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
