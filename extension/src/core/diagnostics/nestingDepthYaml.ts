/**
 * How deeply a YAML text nests (see nestingDepth.ts for why it is checked
 * before the real parse). Apart from nestingDepth.ts so that the `yaml`
 * package is loaded only by the callers that parse YAML anyway.
 */
import { Lexer } from 'yaml';
import { MAX_NESTING_DEPTH, type TooDeep } from './nestingDepth';

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
