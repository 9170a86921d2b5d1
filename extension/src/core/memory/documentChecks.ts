/**
 * Checks of one memory file on its own, plus its links: Markdown links to
 * workspace files, required sections and line budgets from the workspace
 * schema, duplicate headings, and the `Last Updated` date of CURRENT_STATUS.md.
 */
import type { ResolvedMemoryRule } from '../projectSchema/projectSchema';
import type { OrchardDiagnostic, ValidationFs } from '../diagnostics/diagnostic';
import { lineRange } from '../diagnostics/lineIndex';
import type { Steps } from '../diagnostics/steps';
import { normalizeHeading, type Heading, type LinkRef, type MarkdownScan } from './markdownScan';
import type { MemoryKind } from '../memoryKinds';
import { MEMORY_KIND_LABELS } from '../memoryKinds';
import { dirnameOf, isInside, joinPath, normalizePath, relativeTo } from './posixPaths';
import { titleForNewFile } from './importGraph';

const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The file a link points to, or undefined when it is not a workspace file
 * (a URL, `mailto:`, an `#anchor`, a placeholder). Cursor's `mdc:` links are
 * workspace-relative.
 */
export function resolveLinkTarget(link: LinkRef, fromFile: string, root: string): string | undefined {
  let target = link.target.trim();
  let base = dirnameOf(fromFile);
  if (target.startsWith('mdc:')) {
    target = target.slice(4);
    base = root;
  } else if (target === '' || target.startsWith('#') || target.startsWith('//') || URL_SCHEME.test(target)) {
    return undefined;
  }
  if (/[{}<>$]|\[|\]/.test(target)) return undefined; // A template or placeholder, not a path.
  const path = target.replace(/[?#].*$/, '');
  if (path === '') return undefined;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A stray `%` is taken literally, as a browser would.
  }
  if (decoded.startsWith('/')) return normalizePath(`${root}/${decoded}`);
  return joinPath(base, decoded);
}

/** Links checked between two yields: a file with a hundred thousand links is checked in slices. */
const LINKS_PER_STEP = 2000;

export function* linkDiagnostics(scan: MarkdownScan, path: string, root: string, fs: ValidationFs, consulted: Set<string>): Steps<OrchardDiagnostic[]> {
  const diagnostics: OrchardDiagnostic[] = [];
  for (const [index, link] of scan.links.entries()) {
    if (index % LINKS_PER_STEP === LINKS_PER_STEP - 1) yield;
    const target = resolveLinkTarget(link, path, root);
    // A link that climbs out of the workspace is usually relative to a web page (`../../issues` on GitHub).
    if (target === undefined || !isInside(target, root)) continue;
    consulted.add(target);
    // A root-relative `/x` may also be an absolute path on this machine.
    const raw = link.target.replace(/^mdc:/, '').replace(/[?#].*$/, '');
    if (fs.exists(target) || (raw.startsWith('/') && fs.exists(normalizePath(raw)))) continue;
    // The squiggle covers the path, not a `#fragment` or `?query` after it.
    const cut = link.target.search(/[?#]/);
    diagnostics.push({
      range: lineRange(link.line, link.start, link.start + (cut < 0 ? link.target.length : cut)),
      severity: 'warning',
      code: 'memory/link-not-found',
      message: `link target "${relativeTo(root, target)}" does not exist`,
      ...(target.endsWith('.md')
        ? { fixes: [{ title: `Create ${relativeTo(root, target)}`, fixes: 'memory/link-not-found', createFiles: [{ path: target, content: `# ${titleForNewFile(target)}\n` }] }] }
        : {}),
    });
  }
  return diagnostics;
}

/** Lines of the file as an editor counts them (a final line break does not start another line). */
export function countLines(text: string, lines: string[]): number {
  return text.endsWith('\n') || text.endsWith('\r') ? lines.length - 1 : lines.length;
}

function firstLineRange(scan: MarkdownScan): ReturnType<typeof lineRange> {
  return lineRange(0, 0, (scan.lines[0] ?? '').length);
}

export function ruleDiagnostics(scan: MarkdownScan, text: string, kind: MemoryKind, rule: ResolvedMemoryRule): OrchardDiagnostic[] {
  const diagnostics: OrchardDiagnostic[] = [];
  const present = new Set(scan.headings.map((heading) => normalizeHeading(heading.text)));
  for (const section of rule.requiredSections) {
    if (present.has(normalizeHeading(section))) continue;
    diagnostics.push({
      range: firstLineRange(scan),
      severity: 'warning',
      code: 'memory/missing-section',
      message: `missing required section "${section}": add a heading with this text (${rule.requiredSectionsFrom})`,
    });
  }
  const lineCount = countLines(text, scan.lines);
  if (lineCount > rule.maxLines) {
    diagnostics.push({
      range: lineRange(rule.maxLines, 0, (scan.lines[rule.maxLines] ?? '').length),
      severity: 'warning',
      code: 'memory/too-long',
      message: `this ${MEMORY_KIND_LABELS[kind]} has ${lineCount} lines, over its budget of ${rule.maxLines} (${rule.maxLinesFrom}); move detail into files it links or imports`,
    });
  }
  return diagnostics;
}

/**
 * Levels past this are captions more than sections ("#### Example:" under each
 * API entry): repeating them is a style, not a mistake.
 */
const DEEPEST_CHECKED_HEADING = 3;

/** The same heading text at the same level under the same parent: the second one is reported. */
export function duplicateHeadingDiagnostics(scan: MarkdownScan, path: string): OrchardDiagnostic[] {
  const diagnostics: OrchardDiagnostic[] = [];
  const seen = new Map<string, Heading>();
  const parents: Heading[] = [];
  for (const heading of scan.headings) {
    while (parents.length > 0 && (parents[parents.length - 1]?.level ?? 0) >= heading.level) parents.pop();
    const parent = parents[parents.length - 1];
    parents.push(heading);
    const text = normalizeHeading(heading.text);
    if (text === '' || heading.level > DEEPEST_CHECKED_HEADING) continue;
    const key = `${parent ? parent.line : -1}\u0000${heading.level}\u0000${text}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, heading);
      continue;
    }
    diagnostics.push({
      range: lineRange(heading.line, heading.textStart, heading.textEnd),
      severity: 'warning',
      code: 'memory/duplicate-heading',
      message: `duplicate heading "${heading.text}" (also on line ${first.line + 1}${parent ? `, both under "${parent.text}"` : ''})`,
      related: [{ location: { path, range: lineRange(first.line, first.textStart, first.textEnd) }, message: 'first heading with this text' }],
    });
  }
  return diagnostics;
}

const LAST_UPDATED = /last[ \t_-]*updated/i;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE = new RegExp(
  `\\b(?:\\d{4}-\\d{1,2}-\\d{1,2}|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?\\s+\\d{4})\\b`,
  'i',
);

export const CURRENT_STATUS_PATH = 'context/CURRENT_STATUS.md';

/** CURRENT_STATUS.md must say when it was last updated: on the `Last Updated` line, or the line after it. */
export function statusDateDiagnostics(scan: MarkdownScan): OrchardDiagnostic[] {
  for (let line = 0; line < scan.lines.length; line++) {
    const text = scan.lines[line] ?? '';
    const match = LAST_UPDATED.exec(text);
    if (!match || (scan.isCode[line] && !(scan.frontMatter && line < (scan.frontMatter.closeLine ?? 0)))) continue;
    let next = line + 1;
    while (next < scan.lines.length && (scan.lines[next] ?? '').trim() === '') next++;
    if (DATE.test(text.slice(match.index)) || DATE.test(scan.lines[next] ?? '')) return [];
    return [
      {
        range: lineRange(line, match.index, match.index + match[0].length),
        severity: 'warning',
        code: 'memory/status-no-date',
        message: '"Last Updated" has no date; write one such as "Last Updated: 2026-01-31" on this line',
      },
    ];
  }
  return [
    {
      range: firstLineRange(scan),
      severity: 'warning',
      code: 'memory/status-no-date',
      message: `${CURRENT_STATUS_PATH} has no "Last Updated" date; add a line such as "Last Updated: 2026-01-31" so agents know how fresh it is`,
    },
  ];
}
