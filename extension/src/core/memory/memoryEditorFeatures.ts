/**
 * Editor features for memory files: import-path, link-target and script-name completion,
 * hover showing an imported file's first lines (or a script's command), go to definition for imports
 * and links (to the heading a `#fragment` names), and the outline.
 */
import type { CompletionItem, DocumentSymbol, Hover, Location, Position, Range } from '../diagnostics/diagnostic';
import { resolveLinkTarget } from './documentChecks';
import { resolveImportPath } from './importGraph';
import { containsPosition, lineRange, splitLines } from '../diagnostics/lineIndex';
import { codeSpans, scanMarkdown, type Heading, type LinkRef, type MarkdownScan } from './markdownScan';
import type { MemoryContext } from './memoryContext';
import { nearestPackage } from './packageManifests';
import { dirnameOf, joinPath, normalizePath, relativeTo } from './posixPaths';

const HOVER_LINES = 12;

/**
 * The last document scanned: completion, hover and the outline ask about the
 * same text one request after another, and a megabyte file costs a scan of
 * a hundred milliseconds or more. The same string is recognised at once.
 */
let lastScan: { text: string; scan: MarkdownScan } | undefined;

function scanOf(text: string): MarkdownScan {
  if (lastScan?.text !== text) lastScan = { text, scan: scanMarkdown(text) };
  return lastScan.scan;
}
const HIDDEN_ENTRIES = new Set(['.git', 'node_modules', '.DS_Store']);

function spanRange(span: { line: number; start: number; end: number }): Range {
  return lineRange(span.line, span.start, span.end);
}

/** What is being typed at the cursor: an import path after `@`, or a link destination after `](`. */
function partialPathAt(line: string, character: number): { partial: string; isImport: boolean } | undefined {
  const before = line.slice(0, character);
  if (codeSpans(line).some(([start, end]) => character > start && character < end)) return undefined;
  const asImport = /(?:^|[ \t])@([^\s]*)$/.exec(before);
  if (asImport) return { partial: asImport[1] ?? '', isImport: true };
  const asLink = /\]\(<?([^\s()<>]*)$/.exec(before);
  if (asLink && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(asLink[1] ?? '') && !(asLink[1] ?? '').startsWith('#')) {
    return { partial: asLink[1] ?? '', isImport: false };
  }
  return undefined;
}

/** After `npm run `, `pnpm ` or `yarn run `: the scripts of the nearest package.json (in prose and in code alike). */
function scriptCompletions(path: string, line: string, position: Position, ctx: MemoryContext): CompletionItem[] | undefined {
  const typed = /(?:^|[\s;&|(`$"'])(?:npm[ \t]+(?:run|run-script)|pnpm(?:[ \t]+run)?|yarn(?:[ \t]+run)?)[ \t]+([\w:.@/-]*)$/.exec(
    line.slice(0, position.character),
  );
  if (!typed) return undefined;
  const pkg = nearestPackage(dirnameOf(path), { fs: ctx.fs, root: ctx.root, consulted: new Set() });
  if (!pkg) return [];
  const partial = typed[1] ?? '';
  const range = lineRange(position.line, position.character - partial.length, position.character);
  return [...pkg.scripts].map(([name, command]) => ({
    label: name,
    kind: 'value',
    detail: command,
    documentation: `script of ${relativeTo(ctx.root, pkg.path)}`,
    range,
  }));
}

export function memoryCompletions(path: string, text: string, position: Position, ctx: MemoryContext): CompletionItem[] {
  const scan = scanOf(text);
  const line = scan.lines[position.line] ?? '';
  const scripts = scriptCompletions(path, line, { line: position.line, character: Math.min(position.character, line.length) }, ctx);
  if (scripts) return scripts;
  if (scan.isCode[position.line]) return [];
  const typed = partialPathAt(line, Math.min(position.character, line.length));
  if (!typed) return [];
  const slash = typed.partial.lastIndexOf('/');
  const folderPart = slash < 0 ? '' : typed.partial.slice(0, slash + 1);
  const namePart = typed.partial.slice(slash + 1);
  let folder: string;
  if (folderPart === '') folder = dirnameOf(path);
  else if (typed.isImport) folder = resolveImportPath(folderPart, path, ctx.fs);
  else folder = folderPart.startsWith('/') ? normalizePath(`${ctx.root}/${folderPart}`) : joinPath(dirnameOf(path), folderPart);
  const range = lineRange(position.line, position.character - namePart.length, position.character);
  return ctx.fs
    .list(folder)
    .filter((entry) => !HIDDEN_ENTRIES.has(entry.name))
    .map((entry): CompletionItem => {
      const isMarkdown = /\.(?:md|mdc)$/i.test(entry.name);
      return {
        label: entry.isDirectory ? `${entry.name}/` : entry.name,
        kind: entry.isDirectory ? 'folder' : 'file',
        detail: relativeTo(ctx.root, joinPath(folder, entry.name)),
        insertText: entry.isDirectory ? `${entry.name}/` : entry.name,
        range,
        // Markdown first (what imports and links usually name), then folders, then the rest.
        sortText: `${isMarkdown ? 0 : entry.isDirectory ? 1 : 2}${entry.name.toLowerCase()}`,
      };
    });
}

interface TargetAtPosition {
  target: string;
  range: Range;
  link?: LinkRef;
}

function targetAt(path: string, text: string, position: Position, ctx: MemoryContext): TargetAtPosition | undefined {
  const scan = scanOf(text);
  for (const ref of scan.imports) {
    if (ref.line === position.line && containsPosition(spanRange(ref), position)) {
      return { target: resolveImportPath(ref.path, path, ctx.fs), range: spanRange(ref) };
    }
  }
  for (const link of scan.links) {
    if (link.line !== position.line || !containsPosition(spanRange(link), position)) continue;
    const target = resolveLinkTarget(link, path, ctx.root);
    if (target !== undefined) return { target, range: spanRange(link), link };
  }
  return undefined;
}

const SCRIPT_AT = /(?:^|[\s;&|(`$"'])(?:npm[ \t]+(?:run|run-script)|pnpm(?:[ \t]+run)?|yarn(?:[ \t]+run)?)[ \t]+([\w:.@/-]+)/g;

/** Hovering a script name after `npm run` (or `pnpm`, `yarn run`) shows its command line. */
function scriptHover(path: string, line: string, position: Position, ctx: MemoryContext): Hover | undefined {
  SCRIPT_AT.lastIndex = 0;
  for (let match = SCRIPT_AT.exec(line); match; match = SCRIPT_AT.exec(line)) {
    const name = match[1] ?? '';
    const start = match.index + match[0].length - name.length;
    if (position.character < start || position.character > start + name.length) continue;
    const pkg = nearestPackage(dirnameOf(path), { fs: ctx.fs, root: ctx.root, consulted: new Set() });
    const command = pkg?.scripts.get(name);
    if (!pkg || command === undefined) return undefined;
    return {
      contents: `**${name}** — script of ${relativeTo(ctx.root, pkg.path)}\n\n\`\`\`sh\n${command}\n\`\`\``,
      range: lineRange(position.line, start, start + name.length),
    };
  }
  return undefined;
}

export function memoryHover(path: string, text: string, position: Position, ctx: MemoryContext): Hover | undefined {
  const found = targetAt(path, text, position, ctx);
  if (!found) {
    const line = scanOf(text).lines[position.line] ?? '';
    return /\b(?:npm|pnpm|yarn)\b/.test(line) ? scriptHover(path, line, position, ctx) : undefined;
  }
  const shown = relativeTo(ctx.root, found.target);
  const content = ctx.fs.readText(found.target);
  if (content === undefined) {
    const isFolder = ctx.fs.exists(found.target);
    return { contents: `**${shown}** — ${isFolder ? 'a folder' : 'not found'}`, range: found.range };
  }
  const lines = splitLines(content);
  const head = lines.slice(0, HOVER_LINES).join('\n').replace(/```/g, '`\u200b``');
  const more = lines.length > HOVER_LINES ? `\n\n… ${lines.length - HOVER_LINES} more lines` : '';
  return { contents: `**${shown}**\n\n\`\`\`markdown\n${head}\n\`\`\`${more}`, range: found.range };
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function memoryDefinition(path: string, text: string, position: Position, ctx: MemoryContext): Location | undefined {
  const found = targetAt(path, text, position, ctx);
  if (!found || !ctx.fs.exists(found.target)) return undefined;
  const start = lineRange(0, 0, 0);
  const fragment = found.link?.target.includes('#') ? decodeSafely(found.link.target.slice(found.link.target.indexOf('#') + 1)) : '';
  if (fragment === '' || !/\.mdc?$/i.test(found.target)) return { path: found.target, range: start };
  const targetText = ctx.fs.readText(found.target) ?? '';
  const heading = scanMarkdown(targetText).headings.find((each) => headingSlug(each.text) === fragment.toLowerCase());
  return { path: found.target, range: heading ? lineRange(heading.line, heading.textStart, heading.textEnd) : start };
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Markdown sections nested by heading level; each range runs to the line before the next heading of its level or higher. */
export function memorySymbols(path: string, text: string): DocumentSymbol[] {
  void path; // Symbols depend on the text alone; the path keeps the signature uniform with the other features.
  const scan = scanOf(text);
  const lastLine = scan.lines.length - 1;
  const roots: DocumentSymbol[] = [];
  const open: { heading: Heading; symbol: DocumentSymbol }[] = [];
  const close = (entry: { symbol: DocumentSymbol }, endLine: number) => {
    entry.symbol.range = { start: entry.symbol.range.start, end: { line: endLine, character: (scan.lines[endLine] ?? '').length } };
  };
  for (const heading of scan.headings) {
    while (open.length > 0 && (open[open.length - 1]?.heading.level ?? 0) >= heading.level) close(open.pop()!, heading.line - 1);
    const symbol: DocumentSymbol = {
      name: heading.text === '' ? '(untitled)' : heading.text,
      detail: '#'.repeat(heading.level),
      kind: 'section',
      range: lineRange(heading.line, 0, (scan.lines[heading.line] ?? '').length),
      selectionRange: lineRange(heading.line, heading.textStart, heading.textEnd),
    };
    const parent = open[open.length - 1];
    if (parent) (parent.symbol.children ??= []).push(symbol);
    else roots.push(symbol);
    open.push({ heading, symbol });
  }
  while (open.length > 0) close(open.pop()!, lastLine);
  return roots;
}
