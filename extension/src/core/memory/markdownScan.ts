/**
 * One pass over a memory file's Markdown: front matter, fenced and indented
 * code, inline code spans, headings, `@` imports and link targets — each with
 * its line and columns. Not a full CommonMark parser: it knows exactly what the
 * checks need, and where it is unsure it errs towards "not an import, not a
 * link", because a wrong warning costs more than a missed one.
 */
import { splitLines } from '../diagnostics/lineIndex';
import { runToEnd, type Steps } from '../diagnostics/steps';
import { codeSpans, SpanCursor } from './inlineSpans';

export { codeSpans, SpanCursor };

export interface TextSpan {
  line: number;
  /** Columns [start, end) in the line. */
  start: number;
  end: number;
}

export interface ImportRef extends TextSpan {
  /** The path as written after `@` (trailing punctuation removed). `start` is the `@`. */
  path: string;
}

export interface LinkRef extends TextSpan {
  /** The link destination as written (`docs/a.md#setup`), `start`/`end` cover it. */
  target: string;
}

export interface Heading {
  level: number;
  /** The heading text without `#` markers or closing sequence. */
  text: string;
  line: number;
  textStart: number;
  textEnd: number;
}

export interface FrontMatterBlock {
  /** Line of the opening `---` (always 0) and of the closing one (undefined when never closed). */
  openLine: number;
  closeLine: number | undefined;
}

export interface CodeBlock {
  startLine: number;
  /** Last line of the block (the closing fence, or the last indented line). */
  endLine: number;
  fenced: boolean;
}

export interface MarkdownScan {
  lines: string[];
  frontMatter: FrontMatterBlock | undefined;
  /** Per line: inside front matter, a fenced block (fences included) or an indented code block. */
  isCode: boolean[];
  codeBlocks: CodeBlock[];
  headings: Heading[];
  imports: ImportRef[];
  links: LinkRef[];
}

/** Any indentation: a fence inside a nested list item is indented by the item's content, often 4+ spaces. */
const FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLOCK_START = /^ {0,3}(?:>|[-*+] |\d{1,9}[.)] |\||<|#|```|~~~)/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const REFERENCE_DEFINITION = /^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*(<[^>]*>|\S+)/;
const MAX_LINK_LENGTH = 2048;
const IMPORT_CANDIDATE = /(^|[ \t])@(\S+)/g;
/** `@scope/name` (optionally `@1.2.3`): an npm package, not a file — unless it ends in a file extension we know. */
const SCOPED_PACKAGE = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?:@\S*)?$/i;
const FILE_EXTENSION = /\.([A-Za-z][A-Za-z0-9]{0,9})$/;
/** What imported files are: a scoped-package-shaped `@docs/guide.md` is a file, `@nodelib/fs.stat` a package. */
const KNOWN_FILE_EXTENSIONS = new Set(
  'md mdc markdown txt rst adoc org json jsonc yaml yml toml ini env xml csv ts tsx js jsx mjs cjs py rb go rs java kt swift c h cpp cs php sh bash zsh sql html css scss svelte vue prisma graphql proto'.split(' '),
);

/**
 * Claude Code reads `@path` as an import at the start of a line or after
 * whitespace. We also require it to look like a path, so `@alice`,
 * `@types/node` and `@v1.2` stay prose.
 */
export function looksLikeImportPath(path: string): boolean {
  // `src/app.ts:42`, globs, placeholders (`@src/**/*.ts`, `@<file>`, `@${NAME}`) and code (`@app.route('/x')`)
  // are references, not imports.
  if (/[:*?{}<>$|()'"=,;[\]&!]/.test(path)) return false;
  if (path.startsWith('~/') || path.startsWith('./') || path.startsWith('../')) return path.length > 2;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  const extension = FILE_EXTENSION.exec(lastSegment)?.[1]?.toLowerCase();
  const knownExtension = extension !== undefined && KNOWN_FILE_EXTENSIONS.has(extension);
  // `@/components` is the bundlers' alias for `src/`, not the folder `/components`.
  if (path.startsWith('/')) return knownExtension && !path.startsWith('//');
  if (SCOPED_PACKAGE.test(path)) return knownExtension;
  // One segment: `@AGENTS.md` is an import, `@pytest.fixture`, `@example.com` and `@alice` are not.
  if (!path.includes('/')) return knownExtension;
  // `@app/shared/utils` with no extension is a TypeScript path alias far more often than a file.
  return extension !== undefined;
}

const SENTENCE_END = new Set('.,;:!?)]}>\'"`');

/**
 * Trailing punctuation ends a sentence, not a path: `see @docs/a.md.` imports `docs/a.md`.
 * A loop from the end: the regex `/[.,…]+$/` retries from every run start, quadratic on `@a.....x`.
 */
function trimImportPath(raw: string): string {
  let end = raw.length;
  while (end > 0 && SENTENCE_END.has(raw[end - 1]!)) end--;
  return end === raw.length ? raw : raw.slice(0, end);
}

/** `<!-- … -->` comments of one line outside code spans; `open` when the last one runs on past the line. */
function commentSpans(line: string, codes: Array<[number, number]>): { spans: Array<[number, number]>; open: boolean } {
  const spans: Array<[number, number]> = [];
  const inCode = new SpanCursor(codes);
  for (let start = line.indexOf('<!--'); start >= 0; start = line.indexOf('<!--', start + 4)) {
    if (inCode.inside(start)) continue;
    const end = line.indexOf('-->', start + 4);
    if (end < 0) {
      spans.push([start, line.length]);
      return { spans, open: true };
    }
    spans.push([start, end + 3]);
    start = end;
  }
  return { spans, open: false };
}

function scanFrontMatter(lines: string[]): FrontMatterBlock | undefined {
  if (lines[0]?.replace(/^\uFEFF/, '').trimEnd() !== '---') return undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trimEnd();
    if (line === '---' || line === '...') return { openLine: 0, closeLine: i };
  }
  return { openLine: 0, closeLine: undefined };
}

/**
 * A closing sequence of #s is decoration when preceded by a space (or it is all there is).
 * Walked from the end: the regex `/(?:^|[ \t]+)#+[ \t]*$/` retried at every blank, quadratic on `#` + spaces.
 */
function withoutClosingSequence(content: string): string {
  let end = content.length;
  while (end > 0 && (content[end - 1] === ' ' || content[end - 1] === '\t')) end--;
  let hashes = end;
  while (hashes > 0 && content[hashes - 1] === '#') hashes--;
  if (hashes === end) return content;
  if (hashes === 0) return '';
  if (content[hashes - 1] !== ' ' && content[hashes - 1] !== '\t') return content;
  let blanks = hashes;
  while (blanks > 0 && (content[blanks - 1] === ' ' || content[blanks - 1] === '\t')) blanks--;
  return content.slice(0, blanks);
}

function atxHeading(line: string, lineNumber: number): Heading | undefined {
  const match = ATX_HEADING.exec(line);
  if (!match) return undefined;
  const level = match[1]?.length ?? 1;
  const content = withoutClosingSequence(match[2] ?? '');
  const text = content.trim();
  const textStart = text === '' ? line.length : line.indexOf(text, (match[1]?.length ?? 0) + line.indexOf('#'));
  return { level, text, line: lineNumber, textStart, textEnd: textStart + text.length };
}

function isParagraphText(line: string | undefined): boolean {
  return line !== undefined && line.trim() !== '' && !BLOCK_START.test(line) && !THEMATIC_BREAK.test(line) && !/^ {4}/.test(line);
}

/** Link destinations in one line outside code spans: inline links, images and reference definitions. */
function scanLinks(line: string, lineNumber: number, spans: Array<[number, number]>, links: LinkRef[]): void {
  const inSpan = new SpanCursor(spans);
  // The next `>` at or after a position, found once for all `](<` before it (a line of `](<` with no `>` was quadratic).
  let nextClose = -1;
  const closeFrom = (from: number) => {
    if (nextClose !== Infinity && nextClose < from) {
      const found = line.indexOf('>', from);
      nextClose = found < 0 ? Infinity : found;
    }
    return nextClose;
  };
  const definition = REFERENCE_DEFINITION.exec(line);
  if (definition?.[1]) {
    const raw = definition[1];
    const start = line.indexOf(raw, line.indexOf(']:'));
    pushLink(raw, start, lineNumber, links);
  }
  for (let i = line.indexOf(']('); i >= 0; i = line.indexOf('](', i + 2)) {
    if (inSpan.inside(i)) continue;
    let start = i + 2;
    while (line[start] === ' ' || line[start] === '\t') start++;
    if (line[start] === '<') {
      const close = closeFrom(start);
      if (close === Infinity) continue;
      pushLink(line.slice(start, close + 1), start, lineNumber, links);
      continue;
    }
    // A destination may hold balanced parentheses; it ends at whitespace or the unbalanced `)`.
    // Longer than any real path or URL is not a link (and keeps a line of `](((…` linear).
    let depth = 0;
    let end = start;
    const limit = Math.min(line.length, start + MAX_LINK_LENGTH);
    for (; end < limit; end++) {
      const ch = line[end];
      if (ch === ' ' || ch === '\t') break;
      if (ch === '(') depth++;
      if (ch === ')') {
        if (depth === 0) break;
        depth--;
      }
    }
    // No end in sight: this line is not prose with links, and scanning on would only repeat this.
    if (end === limit && limit < line.length) break;
    if (end > start) pushLink(line.slice(start, end), start, lineNumber, links);
  }
}

function pushLink(raw: string, start: number, line: number, links: LinkRef[]): void {
  const angled = raw.startsWith('<') && raw.endsWith('>');
  const target = angled ? raw.slice(1, -1) : raw;
  const targetStart = angled ? start + 1 : start;
  links.push({ target, line, start: targetStart, end: targetStart + target.length });
}

function scanImports(line: string, lineNumber: number, spans: Array<[number, number]>, imports: ImportRef[]): void {
  const inSpan = new SpanCursor(spans);
  IMPORT_CANDIDATE.lastIndex = 0;
  for (let match = IMPORT_CANDIDATE.exec(line); match; match = IMPORT_CANDIDATE.exec(line)) {
    const at = match.index + (match[1]?.length ?? 0);
    if (inSpan.inside(at)) continue;
    const path = trimImportPath(match[2] ?? '');
    if (!looksLikeImportPath(path)) continue;
    imports.push({ path, line: lineNumber, start: at, end: at + 1 + path.length });
  }
}

/** Lines scanned between two yields of scanMarkdownSteps (a few milliseconds of ordinary Markdown). */
const LINES_PER_STEP = 2000;

export function scanMarkdown(text: string): MarkdownScan {
  return runToEnd(scanMarkdownSteps(text));
}

/** scanMarkdown, yielding every few thousand lines: the language server answers other requests in between. */
export function* scanMarkdownSteps(text: string): Steps<MarkdownScan> {
  const lines = splitLines(text);
  const isCode: boolean[] = new Array<boolean>(lines.length).fill(false);
  const codeBlocks: CodeBlock[] = [];
  const headings: Heading[] = [];
  const imports: ImportRef[] = [];
  const links: LinkRef[] = [];
  const frontMatter = scanFrontMatter(lines);
  let first = 0;
  // Front matter that never closes is not front matter to Markdown (a lone `---` is a rule); the
  // front-matter check reports it for the kinds that need front matter.
  if (frontMatter?.closeLine !== undefined) {
    const last = frontMatter.closeLine;
    for (let i = 0; i <= last; i++) isCode[i] = true;
    first = last + 1;
  }
  let fence: { char: string; length: number; startLine: number } | undefined;
  let indented: CodeBlock | undefined;
  let lastTextLine = -1;
  // Inside an HTML comment nothing is read: not shown by Markdown, and a parked `@old.md` is not an import.
  let inComment = false;
  for (let i = first; i < lines.length; i++) {
    if ((i - first) % LINES_PER_STEP === LINES_PER_STEP - 1) yield;
    const line = lines[i] ?? '';
    if (inComment) {
      isCode[i] = true;
      inComment = !line.includes('-->');
      continue;
    }
    if (fence) {
      isCode[i] = true;
      const close = FENCE.exec(line);
      if (close && close[2]?.[0] === fence.char && (close[2]?.length ?? 0) >= fence.length && (close[3] ?? '').trim() === '') {
        codeBlocks.push({ startLine: fence.startLine, endLine: i, fenced: true });
        fence = undefined;
      }
      continue;
    }
    const open = FENCE.exec(line);
    if (open && !(open[2]?.startsWith('`') && (open[3] ?? '').includes('`'))) {
      indented = undefined;
      isCode[i] = true;
      fence = { char: open[2]?.[0] ?? '`', length: open[2]?.length ?? 3, startLine: i };
      continue;
    }
    if (/^(?: {4}|\t)/.test(line) && line.trim() !== '') {
      // Indented code only starts after a blank line that follows a paragraph or heading, not inside a list.
      const previous = lines[i - 1];
      const continues = indented !== undefined && (previous === undefined || previous.trim() === '' || isCode[i - 1]);
      const starts = previous !== undefined && previous.trim() === '' && lastTextLine >= 0 && !LIST_ITEM.test(lines[lastTextLine] ?? '') && !/^\s/.test(lines[lastTextLine] ?? '');
      if (continues || (indented === undefined && starts)) {
        isCode[i] = true;
        if (indented) indented.endLine = i;
        else {
          indented = { startLine: i, endLine: i, fenced: false };
          codeBlocks.push(indented);
        }
        continue;
      }
    } else if (line.trim() !== '') {
      indented = undefined;
    }
    if (line.trim() !== '') lastTextLine = i;
    const heading = atxHeading(line, i);
    if (heading) headings.push(heading);
    else if (SETEXT_UNDERLINE.test(line) && isParagraphText(lines[i - 1]) && !isCode[i - 1] && (i < 2 || !isParagraphText(lines[i - 2]) || isCode[i - 2])) {
      const title = lines[i - 1] ?? '';
      const text = title.trim();
      headings.push({ level: line.trim().startsWith('=') ? 1 : 2, text, line: i - 1, textStart: title.indexOf(text), textEnd: title.indexOf(text) + text.length });
      continue;
    }
    let spans = line.includes('`') ? codeSpans(line) : [];
    if (line.includes('<!--')) {
      const comments = commentSpans(line, spans);
      spans = [...spans, ...comments.spans];
      inComment = comments.open;
    }
    if (!line.includes('@') && !line.includes('](') && !line.includes(']:')) continue;
    if (line.includes('@')) scanImports(line, i, spans, imports);
    if (line.includes('](') || line.includes(']:')) scanLinks(line, i, spans, links);
  }
  if (fence) codeBlocks.push({ startLine: fence.startLine, endLine: lines.length - 1, fenced: true });
  return { lines, frontMatter, isCode, codeBlocks, headings, imports, links };
}

/** Heading text compared loosely: case, inline markup, spacing and a trailing colon do not matter. */
export function normalizeHeading(text: string): string {
  return text
    .replace(/[`*_]/g, '')
    .replace(/:\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
