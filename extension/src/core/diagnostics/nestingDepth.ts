/**
 * How deeply a JSON or YAML text nests, found by a linear scan before the real
 * parse. Both parsers we use recurse once per level: jsonc-parser throws
 * "Maximum call stack size exceeded" on `[[[[…` 100,000 deep, and the `yaml`
 * package, past about 800 levels, reports the overflow and can then take the
 * whole process down (V8 fails to compile a regular expression on the
 * exhausted stack: a fatal out-of-memory, not an exception). So a text nested
 * deeper than MAX_NESTING_DEPTH is never handed to them: the validator reports
 * where it goes too deep instead. Real files nest a dozen levels at most.
 */
import { createScanner } from 'jsonc-parser';
import { Lexer } from 'yaml';

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

/** The lexer's markers ("a document starts", "a scalar follows", "flow ended") are not in the text. */
function isMarker(token: string): boolean {
  return token.length === 1 && token.charCodeAt(0) < 0x20 && token !== '\n' && token !== '\r' && token !== '\t';
}

/**
 * YAML, through the `yaml` package's lexer (a loop, not recursion; it knows
 * quoted and block scalars and comments, so a `[` in a shell command is text).
 * The depth counted is an upper bound of the parser's: open flow collections,
 * plus the block collections the indentation keeps open, plus the `-`, `?`
 * and `:` indicators before the value on the current line (`- - - x`).
 */
export function yamlTooDeep(text: string, limit: number = MAX_NESTING_DEPTH): TooDeep | undefined {
  let offset = 0;
  let flow = 0;
  const indents: number[] = [];
  let lineIndicators = 0;
  let atLineStart = true;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (isMarker(token)) {
      scalarNext = token === '\u001f';
      continue;
    }
    const start = offset;
    offset += token.length;
    if (scalarNext) {
      // A scalar's text, block scalars included: nothing in it nests.
      scalarNext = false;
      atLineStart = token.endsWith('\n');
      if (atLineStart) lineIndicators = 0;
      continue;
    }
    const first = token[0];
    if (first === '\n' || first === '\r') {
      atLineStart = true;
      lineIndicators = 0;
      continue;
    }
    if (atLineStart) {
      atLineStart = false;
      // Only a line with content opens or closes block levels; in flow context indentation means nothing.
      const indent = first === ' ' ? token.length : 0;
      if (flow === 0 && first !== '#') {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
      if (first === ' ') continue;
    }
    let opens = false;
    if (token === '[' || token === '{') {
      flow++;
      opens = true;
    } else if ((token === ']' || token === '}') && flow > 0) {
      flow--;
    } else if (flow === 0 && (token === '-' || token === '?' || token === ':')) {
      lineIndicators++;
      opens = true;
    }
    if (opens && flow + indents.length + lineIndicators > limit) return { offset: start, limit };
  }
  return undefined;
}
