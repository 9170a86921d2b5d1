/**
 * `npm run X`, `pnpm X`, `yarn X` in memory files must name a script of the
 * nearest package.json — an agent will run them. Conservative on purpose:
 * no package.json means no check; built-in commands, flags that change the
 * folder (`--prefix`, `--filter`, `-C`, `cd …`), placeholders, and non-shell
 * code blocks are skipped; `pnpm X`/`yarn X` may also run a binary, so those
 * are checked only against an installed `node_modules/.bin`.
 */
import type { OrchardDiagnostic } from '../diagnostics/diagnostic';
import { closestMatch } from '../diagnostics/didYouMean';
import { lineRange } from '../diagnostics/lineIndex';
import { codeSpans, SpanCursor } from './inlineSpans';
import type { MarkdownScan } from './markdownScan';
import { binaryInstalled, nearestPackage, workspaceHasScript, type PackageInfo, type ScriptCheckContext } from './packageManifests';
import { dirnameOf, relativeTo } from './posixPaths';

const COMMAND = /(^|[\s;&|(`$"'])(npm|pnpm|yarn)[ \t]+((?:[^\s;&|)`'"]+[ \t]*){1,3})/g;

const NPM_RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const NPM_TEST = new Set(['test', 't', 'tst']);

const PNPM_BUILT_INS = new Set(
  (
    'add install i update up upgrade remove rm uninstall un link ln unlink import rebuild rb prune fetch install-test it dedupe ' +
    'patch patch-commit patch-remove audit list ls ll la outdated why licenses exec dlx create start publish pack env setup store ' +
    'server init deploy doctor config c get set bin root help cat-file cat-index find-hash self-update recursive approve-builds ' +
    'ignored-builds sbom version login logout whoami view info search owner dist-tag unpublish'
  ).split(' '),
);

const YARN_BUILT_INS = new Set(
  (
    'add audit autoclean bin cache check config create dedupe generate-lock-entry global help import info init install licenses ' +
    'link list login logout node outdated owner pack policies publish remove tag team unlink unplug upgrade upgrade-interactive ' +
    'version versions why workspace workspaces set plugin dlx explain npm rebuild search patch patch-commit constraints stage up ' +
    'exec sdks start'
  ).split(' '),
);

const SHELL_INFO = /^(?:|sh|bash|zsh|fish|shell|console|terminal|powershell|ps1?|pwsh|cmd|bat|text|txt)$/i;
const CHANGES_FOLDER = /(?:^|\s)(?:--prefix|--filter|-F|-C|--dir|-w|--workspace|--workspaces|-ws|-r|--recursive|--cwd|-g|--global)(?:[=\s]|$)/;

/** What the command asks for: a script name that must exist, and whether a binary would do too. */
function requestedScript(manager: string, words: string[]): { name: string; index: number; binaryOk: boolean } | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  if (manager === 'npm') {
    if (NPM_RUN.has(first)) return second === undefined ? undefined : { name: second, index: 1, binaryOk: false };
    if (NPM_TEST.has(first)) return { name: 'test', index: 0, binaryOk: false };
    return undefined;
  }
  if (first === 'run' || first === 'run-script') {
    return second === undefined ? undefined : { name: second, index: 1, binaryOk: manager === 'yarn' };
  }
  if (first === 'test' || first === 't') return { name: 'test', index: 0, binaryOk: false };
  const builtIns = manager === 'pnpm' ? PNPM_BUILT_INS : YARN_BUILT_INS;
  if (builtIns.has(first)) return undefined;
  return { name: first, index: 0, binaryOk: true };
}

/**
 * Where a `cd`/`pushd` starts a command on the line, in increasing order (a
 * `cd` before `npm run x` moves the folder, so the script is not checked).
 * Found once per line: testing the text before every command again was
 * quadratic on a line of ten thousand `npm run x`.
 */
function folderChanges(line: string): Array<{ at: number; end: number }> {
  const found: Array<{ at: number; end: number }> = [];
  const CHANGE = /(?:cd|pushd)\s/g;
  for (let match = CHANGE.exec(line); match; match = CHANGE.exec(line)) found.push({ at: match.index, end: match.index + match[0].length });
  return found;
}

/** `/(?:^|[\s;&|(`])(?:cd|pushd)\s/.test(line.slice(from, to))`, without the slice: a binary search in the line's `cd`s. */
function changesFolderBetween(line: string, changes: ReadonlyArray<{ at: number; end: number }>, from: number, to: number): boolean {
  let low = 0;
  let high = changes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (changes[mid]!.at < from) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < changes.length && changes[i]!.end <= to; i++) {
    const at = changes[i]!.at;
    if (at === from || /[\s;&|(`]/.test(line[at - 1] ?? '')) return true;
  }
  return false;
}

function isPlainName(name: string): boolean {
  return /^[A-Za-z0-9@][\w:.@/-]*$/.test(name) && !/[<>{}$*]/.test(name);
}

/** Lines where a command may be checked: code blocks must be shell, and a `cd` earlier in the block moves the folder. */
function checkableLines(scan: MarkdownScan): boolean[] {
  const checkable = scan.lines.map((_, line) => !scan.isCode[line]);
  for (const block of scan.codeBlocks) {
    const info = block.fenced ? (scan.lines[block.startLine] ?? '').trim().replace(/^[`~]+/, '').trim().split(/\s+/)[0] ?? '' : '';
    if (!SHELL_INFO.test(info)) continue;
    const first = block.fenced ? block.startLine + 1 : block.startLine;
    const last = block.fenced ? block.endLine - 1 : block.endLine;
    for (let line = first; line <= last; line++) {
      if (/(?:^|[\s;&|(])(?:cd|pushd)\s/.test(scan.lines[line] ?? '')) break;
      checkable[line] = true;
    }
  }
  return checkable;
}

export function scriptDiagnostics(path: string, scan: MarkdownScan, ctx: ScriptCheckContext): OrchardDiagnostic[] {
  const diagnostics: OrchardDiagnostic[] = [];
  const checkable = checkableLines(scan);
  let pkg: PackageInfo | undefined | null = null;
  const verdicts = new Map<string, boolean>();
  let scriptNames: string[] | undefined;
  const suggestions = new Map<string, string | undefined>();
  scan.lines.forEach((line, lineNumber) => {
    if (!checkable[lineNumber] || !/\b(?:npm|pnpm|yarn)\b/.test(line)) return;
    const inCodeBlock = scan.isCode[lineNumber] === true;
    const spans = new SpanCursor(inCodeBlock ? [] : codeSpans(line));
    const changes = folderChanges(line);
    COMMAND.lastIndex = 0;
    for (let match = COMMAND.exec(line); match; match = COMMAND.exec(line)) {
      const manager = match[2] ?? '';
      const commandStart = match.index + (match[1]?.length ?? 0);
      const span = spans.spanAt(commandStart);
      const inCode = inCodeBlock || span !== undefined;
      if (changesFolderBetween(line, changes, span ? span[0] : 0, commandStart)) continue;
      const tail = match[3] ?? '';
      if (CHANGES_FOLDER.test(' ' + tail)) continue;
      const words = tail.trim().split(/[ \t]+/);
      const request = requestedScript(manager, words);
      // In prose, `pnpm workspaces` or `yarn berry` are words, not commands: shorthand is checked only in code.
      if (!request || !isPlainName(request.name) || (request.binaryOk && request.index === 0 && !inCode)) continue;
      if (pkg === null) pkg = nearestPackage(dirnameOf(path), ctx);
      if (!pkg) continue;
      // The same name is usually run many times: ask the workspace (package files, node_modules/.bin) once per name.
      const verdictKey = `${request.binaryOk ? 'bin' : 'script'}:${request.name}`;
      let found = verdicts.get(verdictKey);
      if (found === undefined) {
        found = pkg.scripts.has(request.name) || workspaceHasScript(pkg, request.name, ctx) || (request.binaryOk && (pkg.dependencies.has(request.name) || binaryInstalled(request.name, pkg, ctx) !== false));
        verdicts.set(verdictKey, found);
      }
      if (found) continue;
      // The squiggle sits on the word that names the script (`t` in `npm t`, which means `test`).
      const wordStarts: number[] = [];
      for (let i = 0, at = match.index + match[0].length - tail.length; i < words.length; i++) {
        at = line.indexOf(words[i] ?? '', at);
        wordStarts.push(at);
        at += (words[i] ?? '').length;
      }
      const start = wordStarts[request.index] ?? commandStart;
      const range = lineRange(lineNumber, start, start + (words[request.index] ?? request.name).length);
      const known = (scriptNames ??= [...pkg.scripts.keys()].sort());
      if (!suggestions.has(request.name)) suggestions.set(request.name, closestMatch(request.name, known));
      const suggestion = suggestions.get(request.name);
      diagnostics.push({
        range,
        severity: 'warning',
        code: 'memory/unknown-script',
        message:
          `"${request.name}" is not a script of ${relativeTo(ctx.root, pkg.path)}${suggestion ? `; did you mean "${suggestion}"?` : ''}` +
          (known.length > 0 ? ` (scripts: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})` : ' (it has no scripts)'),
        ...(suggestion && words[request.index] === request.name
          ? { fixes: [{ title: `Change to "${suggestion}"`, fixes: 'memory/unknown-script', isPreferred: true, edits: [{ path, edits: [{ range, newText: suggestion }] }] }] }
          : {}),
      });
    }
  });
  return diagnostics;
}

