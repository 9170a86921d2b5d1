/**
 * How deeply a JSON or YAML text nests, found by a linear scan before the real
 * parse. Both parsers we use recurse once per level: jsonc-parser throws
 * "Maximum call stack size exceeded" on `[[[[…` 100,000 deep, and the `yaml`
 * package, past about 800 levels, reports the overflow and can then take the
 * whole process down (V8 fails to compile a regular expression on the
 * exhausted stack: a fatal out-of-memory, not an exception). So a text nested
 * deeper than MAX_NESTING_DEPTH is never handed to them: the validator reports
 * where it goes too deep instead. Real files nest a dozen levels at most.
 * The YAML scan is nestingDepthYaml.ts, so that JSON callers (blueprint
 * files, bundled into the webview and the e2e fixtures) never load `yaml`.
 */
import { createScanner } from 'jsonc-parser';

/** Deepest nesting of arrays/objects (JSON) or collections (YAML) a validator parses. */
export const MAX_NESTING_DEPTH = 256;

/** Where a text first goes past the limit: the offset of the bracket or indicator that opens one level too many. */
export interface TooDeep {
  offset: number;
  limit: number;
}

/** The problem in words, for a message that also names the file or field. */
export function tooDeepMessage(limit: number = MAX_NESTING_DEPTH): string {
  return `nested deeper than ${limit} levels (the most Orchard reads), so it was not parsed`;
}

/** jsonc-parser's SyntaxKind values: a const enum, which isolated modules cannot read. */
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** JSON or JSONC: `[` and `{` outside strings and comments, through jsonc-parser's own scanner (not recursive). */
export function jsonTooDeep(text: string, limit: number = MAX_NESTING_DEPTH): TooDeep | undefined {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token: number = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACKET || token === OPEN_BRACE) {
      if (++depth > limit) return { offset: scanner.getTokenOffset(), limit };
    } else if ((token === CLOSE_BRACKET || token === CLOSE_BRACE) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
