/**
 * `search {pattern, path}`: the executor's grep, confined to its worktree.
 *
 * The pattern is a JavaScript regular expression (or, with `literal`, the
 * text as written); `path` is a folder or file of the worktree resolved by
 * worktreePath.ts, so `..`, absolute paths outside, links that lead out and
 * `.git` are refused before anything is read. Inside, the walk never enters
 * `.git`, never follows a symbolic link (links are skipped, whether they lead
 * in or out: a link out would carry an outside file to the model), and skips
 * binary files and files over MAX_FILE_BYTES.
 *
 * ripgrep does the work when it is installed (fast, .gitignore honoured,
 * linear-time regexes), started by absolute path with an argument array and
 * stopped at a timeout or an output cap. Without it, or for a pattern its
 * engine cannot run (look-around, back-references), a JS walk does the same,
 * bounded in files and time; each file's matching runs in a `vm` call with a
 * timeout, because a backtracking pattern like `(a+)+$` would otherwise hang
 * the extension host on one line. The model reads at most MAX_MATCHES lines
 * and MAX_OUTPUT_CHARS characters, and a note says how many more there were.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vm from 'node:vm';
import picomatch from 'picomatch/posix';
import * as z from 'zod/mini';
import '../../core/zodLocale';
import { resolveExecutable } from '../../platform/executables';
import { killTree } from '../../platform/processTree';
import { ToolInputError, type AgentTool } from '../loop/tools';
import { resolveWorktreePath, WorktreePathError } from './worktreePath';

export const MAX_MATCHES = 200;
export const MAX_OUTPUT_CHARS = 20_000;
export const MAX_LINE_CHARS = 300;
export const MAX_FILE_BYTES = 1024 * 1024;
export const SEARCH_TIMEOUT_MS = 20_000;
/** JS search: files read per call, so a huge tree ends with a note instead of running to the timeout. */
export const MAX_FILES_VISITED = 20_000;
/** JS search: how long the pattern may take on one file before it counts as runaway backtracking. */
export const FILE_MATCH_TIMEOUT_MS = 1000;
/** ripgrep output read before it is stopped: enough to count well past what is shown. */
const MAX_RG_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface SearchToolOptions {
  worktree: string;
  /** The operation's signal: a running search stops with it. */
  signal?: AbortSignal;
  /** ripgrep's absolute path; null: never use it (the JS search); unset: looked up on PATH. */
  ripgrep?: string | null;
}

export interface SearchInput {
  pattern: string;
  path?: string;
  glob?: string;
  literal?: boolean;
  ignoreCase?: boolean;
}

/** The lines the model will read, and how many matching lines there were in all. */
class Matches {
  readonly shown: string[] = [];
  total = 0;
  private chars = 0;
  private full = false;

  add(file: string, line: number, text: string): void {
    this.total++;
    if (this.full) return;
    const cut = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} […]` : text;
    const entry = `${file}:${line}: ${cut}`;
    // Once one line does not fit, none after it is shown either, so the output stays in file order.
    if (this.shown.length >= MAX_MATCHES || this.chars + entry.length + 1 > MAX_OUTPUT_CHARS) this.full = true;
    else {
      this.shown.push(entry);
      this.chars += entry.length + 1;
    }
  }

  render(stopped: string | undefined, warning: string | undefined): string {
    const more = this.total - this.shown.length;
    const lines = this.total === 0 ? [stopped ? 'No matches so far.' : 'No matches.'] : [...this.shown];
    if (more > 0) {
      const count = stopped ? `at least ${more}` : String(more);
      lines.push(`[… ${count} more matching lines not shown (at most ${MAX_MATCHES} lines, ${MAX_OUTPUT_CHARS} characters); narrow "path", "glob" or the pattern]`);
    }
    if (stopped) lines.push(`[The search stopped early: ${stopped}; there may be more matches.]`);
    if (warning) lines.push(`[${warning}]`);
    return lines.join('\n');
  }
}

/** The pattern as a JS RegExp, or words for the model naming it. */
function compile({ pattern, literal, ignoreCase }: SearchInput): RegExp {
  const source = literal ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern;
  const flags = ignoreCase ? 'i' : '';
  try {
    // `u` first, for \p{…} and astral characters; without it for escapes like `\-` that `u` refuses.
    return new RegExp(source, `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ToolInputError([`"pattern" ${JSON.stringify(pattern.slice(0, 200))} is not a valid JavaScript regular expression (${why}); fix it, or pass "literal": true to search for the text as written`]);
    }
  }
}

interface Search {
  input: SearchInput;
  realRoot: string;
  /** Where to start, relative to the real root ('.' for the root), and its real path. */
  start: string;
  startReal: string;
  matches: Matches;
  deadline: number;
  aborted(): boolean;
  onAbort(listener: () => void): () => void;
}

type RipgrepOutcome = { kind: 'done'; stopped?: string; warning?: string } | { kind: 'unsupported' };

/** Runs ripgrep; 'unsupported' when its regex engine refuses a pattern JS accepts, or it cannot start. */
function runRipgrep(rg: string, search: Search): Promise<RipgrepOutcome> {
  const { input, matches } = search;
  const args = [
    '--no-config', // RIPGREP_CONFIG_PATH could add --follow or --no-ignore-dot
    '--null', // path, NUL, then line:text — file names may hold ':' or spaces
    '--line-number',
    '--no-heading',
    '--with-filename',
    '--color=never',
    '--hidden', // .github, .eslintrc… are the project's; .git is excluded below
    '--no-follow',
    '--no-ignore-parent', // a worktree under the repository's ignored folder would otherwise find nothing
    '--no-require-git',
    '--max-filesize=1M',
    `--max-columns=${MAX_LINE_CHARS}`,
    '--max-columns-preview',
    '--sort=path', // the same order as the JS search, and the same answer twice
    '--crlf', // `$` before a \r\n too, as the JS search (which drops the \r) sees it
    ...(input.ignoreCase ? ['--ignore-case'] : []),
    ...(input.literal ? ['--fixed-strings'] : []),
    ...(input.glob !== undefined ? [`--glob=${input.glob}`] : []),
    '--iglob=!.git', // after the model's glob: the later glob wins in ripgrep
    `--regexp=${input.pattern}`,
    '--',
    search.start,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd: search.realRoot, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let bytes = 0;
    let stderr = '';
    let stopped: string | undefined;
    let settled = false;
    const stop = (reason: string) => {
      stopped ??= reason;
      killTree(child);
    };
    const timer = setTimeout(() => stop(`it ran for ${SEARCH_TIMEOUT_MS / 1000} s`), Math.max(0, search.deadline - Date.now()));
    const offAbort = search.onAbort(() => stop('it was stopped'));
    const finish = (outcome: RipgrepOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      offAbort();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const takeLine = (line: string) => {
      const nul = line.indexOf('\0');
      const number = /^(\d+):/.exec(line.slice(nul + 1));
      if (nul < 0 || !number) return; // not a match line (a warning ripgrep printed)
      const file = line.slice(0, nul).replace(/^\.\//, '');
      matches.add(file, Number(number[1]), line.slice(nul + 1 + number[0].length).replace(/\r$/, ''));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      bytes += chunk.length;
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) takeLine(line);
      if (bytes > MAX_RG_OUTPUT_BYTES) stop(`its output passed ${MAX_RG_OUTPUT_BYTES / (1024 * 1024)} MB`);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', () => finish({ kind: 'unsupported' }));
    child.on('close', (code) => {
      if (!stopped && pending !== '') takeLine(pending);
      if (code === 2 && matches.total === 0 && /regex parse error|error parsing regex|is not allowed in a regex|size limit/i.test(stderr)) {
        finish({ kind: 'unsupported' });
      } else if (code === 2 && matches.total === 0 && /glob/i.test(stderr)) {
        finish(new ToolInputError([`"glob" ${JSON.stringify(input.glob ?? '')}: ${firstLine(stderr)}`]));
      } else {
        // Exit 2 with matches: some files could not be read (a permission refused); the rest stands.
        const warning = code === 2 && stderr.trim() !== '' ? `Some files could not be searched: ${firstLine(stderr)}` : undefined;
        finish({ kind: 'done', ...(stopped ? { stopped } : {}), ...(warning ? { warning } : {}) });
      }
    });
  });
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').replace(/^rg: /, '').slice(0, 300);
}

/** `.gitignore` at the worktree root, read as ripgrep would for the common cases (no `!` re-includes). */
async function rootIgnores(realRoot: string): Promise<(relative: string, isDir: boolean) => boolean> {
  let text = '';
  try {
    const { real } = await resolveWorktreePath(realRoot, '.gitignore');
    const stat = await fsp.stat(real);
    if (stat.isFile() && stat.size <= 64 * 1024) text = await fsp.readFile(real, 'utf8');
  } catch {
    // None, or a link that leads out: nothing ignored.
  }
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.replace(/(?<!\\)\s+$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map((line) => {
      const dirOnly = line.endsWith('/');
      const body = dirOnly ? line.slice(0, -1) : line;
      // A slash before the end anchors the pattern at the root; without one it matches at any depth.
      const glob = body.includes('/') ? body.replace(/^\//, '') : `**/${body}`;
      return { dirOnly, match: picomatch(glob, { dot: true }) };
    });
  return (relative, isDir) => rules.some((rule) => (!rule.dirOnly || isDir) && rule.match(relative));
}

// One file's matching, run with a timeout: returns the 1-based numbers of the matching lines.
const MATCH_LINES = new vm.Script(`(() => {
  const found = [];
  const lines = text.split('\\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i].endsWith('\\r') ? lines[i].slice(0, -1) : lines[i])) found.push(i + 1);
  return found;
})()`);

/** The JS search; returns why it stopped early, if it did. */
async function searchInJs(search: Search, re: RegExp): Promise<string | undefined> {
  const { input, realRoot, matches } = search;
  const ignored = await rootIgnores(realRoot);
  const globMatch = input.glob === undefined ? undefined : picomatch(input.glob.includes('/') ? input.glob : `**/${input.glob}`, { dot: true });
  const context = vm.createContext({ re, text: '' });
  let visited = 0;

  // Checked per folder as well as per file: a tree of empty folders is bounded too.
  const outOfTime = () => (search.aborted() ? 'it was stopped' : Date.now() > search.deadline ? `it ran for ${SEARCH_TIMEOUT_MS / 1000} s` : undefined);

  const searchFile = async (real: string, relative: string): Promise<string | undefined> => {
    const late = outOfTime();
    if (late) return late;
    if (++visited > MAX_FILES_VISITED) return `${MAX_FILES_VISITED} files were searched`;
    let bytes: Buffer;
    try {
      if ((await fsp.lstat(real)).size > MAX_FILE_BYTES) return undefined;
      bytes = await fsp.readFile(real);
    } catch {
      return undefined; // unreadable, or gone since the listing
    }
    if (bytes.subarray(0, 8192).includes(0)) return undefined;
    context.text = bytes.toString('utf8');
    let found: number[];
    try {
      const timeout = Math.max(1, Math.min(FILE_MATCH_TIMEOUT_MS, search.deadline - Date.now()));
      found = MATCH_LINES.runInContext(context, { timeout }) as number[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      if (Date.now() >= search.deadline) return `it ran for ${SEARCH_TIMEOUT_MS / 1000} s`;
      throw new ToolInputError([
        `"pattern" ${JSON.stringify(input.pattern.slice(0, 200))} took more than ${FILE_MATCH_TIMEOUT_MS / 1000} s on ${relative} alone: it backtracks without end (nested repetition like (a+)+); simplify it, or pass "literal": true`,
      ]);
    }
    if (found.length === 0) return undefined;
    const lines = (context.text as string).split('\n');
    for (const n of found) matches.add(relative, n, (lines[n - 1] ?? '').replace(/\r$/, ''));
    return undefined;
  };

  const walk = async (real: string, relative: string): Promise<string | undefined> => {
    const late = outOfTime();
    if (late) return late;
    let entries;
    try {
      entries = await fsp.readdir(real, { withFileTypes: true });
    } catch {
      return undefined; // a folder that cannot be read is skipped, as ripgrep does
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Links are never followed; `.git` (a folder, or a worktree's file) is not the project.
      if (entry.isSymbolicLink() || entry.name.toLowerCase() === '.git') continue;
      const childRelative = relative === '.' ? entry.name : `${relative}/${entry.name}`;
      const isDir = entry.isDirectory();
      if (ignored(childRelative, isDir)) continue;
      const childReal = path.join(real, entry.name);
      let stopped: string | undefined;
      if (isDir) stopped = await walk(childReal, childRelative);
      else if (entry.isFile() && (!globMatch || globMatch(childRelative))) stopped = await searchFile(childReal, childRelative);
      if (stopped) return stopped;
    }
    return undefined;
  };

  const real = search.startReal;
  return (await fsp.stat(real)).isDirectory() ? walk(real, search.start) : searchFile(real, search.start);
}

function findRipgrep(option: string | null | undefined): string | null {
  if (option !== undefined) return option;
  try {
    return resolveExecutable('rg');
  } catch {
    return null; // not installed: the JS search
  }
}

export function searchTool(options: SearchToolOptions): AgentTool<SearchInput> {
  return {
    name: 'search',
    description:
      'Searches the text files of the worktree for lines matching "pattern", a JavaScript regular expression ("literal": true searches for the text as written; "ignoreCase": true for any case). ' +
      '"path" (default: the root) is a folder or a file of the worktree; "glob" keeps only the files it matches ("*.ts" by name, "src/**/*.test.ts" by path from the root). ' +
      `Answers "path:line: text" lines, at most ${MAX_MATCHES} of them and ${MAX_OUTPUT_CHARS} characters, lines cut at ${MAX_LINE_CHARS}. ` +
      'Skips .git, what .gitignore excludes, symbolic links, binary files and files over 1 MB.',
    input: z.strictObject({
      pattern: z.string().check(z.minLength(1), z.maxLength(1000)),
      path: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
      glob: z.optional(z.string().check(z.minLength(1), z.maxLength(500), z.regex(/^[^\0\n]*$/, 'a glob has no NUL or newline'))),
      literal: z.optional(z.boolean()),
      ignoreCase: z.optional(z.boolean()),
    }),
    effect: 'read',
    activity: 'Searching files…',
    async run(input, ctx) {
      const re = compile(input);
      const requested = input.path ?? '.';
      let realRoot: string;
      let start: { real: string; relative: string };
      try {
        realRoot = (await resolveWorktreePath(options.worktree, '.')).real;
        start = await resolveWorktreePath(realRoot, requested);
        await fsp.stat(start.real);
      } catch (error) {
        if (error instanceof WorktreePathError) throw new ToolInputError([error.message]);
        const code = (error as NodeJS.ErrnoException).code;
        throw new ToolInputError([`${JSON.stringify(requested)}: ${code === 'ENOENT' ? 'no such file or folder' : error instanceof Error ? error.message : String(error)}`]);
      }
      const signals = [ctx.signal, ...(options.signal ? [options.signal] : [])];
      const search: Search = {
        input,
        realRoot,
        start: start.relative,
        startReal: start.real,
        matches: new Matches(),
        deadline: Date.now() + SEARCH_TIMEOUT_MS,
        aborted: () => signals.some((s) => s.aborted),
        onAbort(listener) {
          if (signals.some((s) => s.aborted)) queueMicrotask(listener);
          for (const s of signals) s.addEventListener('abort', listener, { once: true });
          return () => signals.forEach((s) => s.removeEventListener('abort', listener));
        },
      };
      const rg = findRipgrep(options.ripgrep);
      const outcome: RipgrepOutcome = rg ? await runRipgrep(rg, search) : { kind: 'unsupported' };
      if (outcome.kind === 'done') return search.matches.render(outcome.stopped, outcome.warning);
      search.matches = new Matches();
      return search.matches.render(await searchInJs(search, re), undefined);
    },
  };
}
