/**
 * The live preview of a build: which command starts the app's dev server in
 * the operation's worktree, and which address it then serves. Pure: the
 * caller reads the files (the names at the worktree's root, package.json's
 * text) and the setting; orchestration/preview/previewServer.ts runs it.
 *
 * Nothing here goes through a shell: the command becomes an argument array
 * spawned by absolute path. So a setting that only a shell could run (a pipe,
 * `&&`, a redirection, `$(…)`, another variable than `$PORT`) is refused with
 * words that say so, rather than handed to the program as literal arguments
 * it would choke on.
 */
import { packageManager, scriptCommand } from '../operations/projectCommands';

export interface PreviewCommand {
  /** The program and its arguments; `$PORT` / `${PORT}` still placeholders (see `withPort`). */
  argv: string[];
  source: 'setting' | 'script';
  /** The package.json script it runs, when `source` is `script`. */
  script?: string;
  /** The command as the user reads it (`npm run dev`, or the setting as written). */
  display: string;
}

export interface PreviewCommandInput {
  /** `orchard.preview.command`; empty or blank means not set. */
  setting: string | undefined;
  /** File names at the worktree's root (the lockfile says which package manager). */
  rootNames: ReadonlySet<string>;
  /** package.json's text, when there is one. */
  packageJson: string | undefined;
}

const SETTING = 'orchard.preview.command';
/** Scripts that start a dev server, in the order they are tried. */
const PREVIEW_SCRIPTS = ['dev', 'start'] as const;

export function previewCommand(input: PreviewCommandInput): PreviewCommand | { problem: string } {
  const setting = input.setting?.trim() ?? '';
  if (setting !== '') {
    const split = splitCommand(setting);
    if ('problem' in split) return split;
    return { argv: split.argv, source: 'setting', display: setting };
  }
  if (input.packageJson === undefined) {
    return { problem: `No app to preview: the worktree has no package.json with a dev or start script, and ${SETTING} is not set.` };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(input.packageJson);
  } catch (error) {
    return { problem: `No app to preview: package.json is not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    return { problem: 'No app to preview: package.json does not hold an object.' };
  }
  const { scripts, packageManager: declared } = manifest as { scripts?: unknown; packageManager?: unknown };
  const bodies = typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, unknown>) : {};
  const script = PREVIEW_SCRIPTS.find((name) => typeof bodies[name] === 'string' && bodies[name].trim() !== '');
  if (script === undefined) {
    return { problem: `No app to preview: package.json has no dev or start script, and ${SETTING} is not set.` };
  }
  const display = scriptCommand(packageManager(input.rootNames, declared), script);
  return { argv: display.split(' '), source: 'script', script, display };
}

/** `$PORT` and `${PORT}` in every argument replaced by the port the server was given. */
export function withPort(argv: readonly string[], port: number): string[] {
  return argv.map((arg) => arg.replace(/\$\{PORT\}|\$PORT(?![A-Za-z0-9_])/g, String(port)));
}

/** What a shell would have done with these, and this command line will not. */
function refusal(what: string): { problem: string } {
  return {
    problem:
      `${SETTING} cannot contain ${what}: the command runs without a shell, so pipes, &&, ;, redirections and command substitution do not work. ` +
      'Put the command in a package.json script or a script file and name that in the setting instead.',
  };
}

/**
 * A command line split into arguments as a POSIX shell splits words: single
 * quotes keep everything, double quotes keep everything but `\"`, `\\`, `\$`
 * and `` \` `` escapes, and outside quotes a backslash escapes only a space, a
 * quote, `$` or `` ` `` (so a Windows path `C:\tools\serve.exe` stays as written).
 */
function splitCommand(line: string): { argv: string[] } | { problem: string } {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === '`') return refusal('"`" (command substitution)');
    if (c === '$') {
      const variable = shellVariable(line, i);
      if (variable !== undefined) return variable;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && next !== undefined && '"\\$`'.includes(next)) word += line[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && next !== undefined && /[\s'"$`]/.test(next)) {
      word += line[++i];
      inWord = true;
    } else if (c === '\n' || c === '\r') {
      return refusal('a line break (a second command)');
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else if ('|&;<>'.includes(c)) {
      // Name what the user wrote: `&&` and `>>` read better than their first character.
      return refusal(`"${next === c ? c + c : c}"`);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return { problem: `${SETTING} has an unterminated ${quote === '"' ? 'double' : 'single'} quote.` };
  if (inWord) argv.push(word);
  if (argv.length === 0 || argv[0] === '') return { problem: `${SETTING} names no program to run.` };
  const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(argv[0]!);
  if (assignment) {
    return {
      problem: `${SETTING} starts with "${argv[0]}": setting a variable in front of a command needs a shell. Orchard sets PORT itself; put other variables in a package.json script or a script file.`,
    };
  }
  return { argv };
}

/**
 * At a `$` outside single quotes: a refusal for what a shell would expand
 * and this will not (`$(…)`, `$HOME`, `${NODE_ENV}`), or undefined for the
 * `$PORT` placeholder and a `$` that names nothing (`$5`, a lone `$`).
 */
function shellVariable(line: string, at: number): { problem: string } | undefined {
  const rest = line.slice(at + 1);
  if (rest.startsWith('(')) return refusal('"$(" (command substitution)');
  const name = /^\{([^}]*)\}|^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (!name) return undefined;
  const variable = name[1] ?? name[2];
  if (variable === 'PORT') return undefined;
  return { problem: `${SETTING} uses "$${name[0]}", but only $PORT is replaced: the command runs without a shell, so other variables are not expanded.` };
}

/** The last characters of a server's output that `findServedUrl` reads: bounded work on a chatty server. */
export const SCANNED_OUTPUT_CHARS = 64 * 1024;

// CSI (colours, cursor moves), OSC (titles, hyperlinks) and the two-character escapes.
const ANSI_ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/** Text without terminal escape sequences (Vite prints the port of its URL in bold). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

// Scheme, host (a bracketed IPv6 address or a name), optional port, optional path.
const URL_IN_TEXT = /\bhttps?:\/\/(\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9.-]+)(?::(\d+))?([/?#][^\s"'<>`]*)?/g;
/** Addresses that only say "every interface" or loopback, as `localhost`: what VS Code's port forwarding recognises. */
const AS_LOCALHOST = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::]', '[::1]']);

/**
 * The first loopback address a dev server printed (Vite's `Local:`, Next's
 * `- Local:`, python's `Serving HTTP on 0.0.0.0 port 8000 (http://…)`),
 * with an any-address or loopback host as `localhost`, the port and path
 * kept and the sentence's punctuation after it dropped. Addresses on other
 * hosts (Vite's `Network:` line, a link to the docs) do not count: the
 * preview opens what this machine serves to itself.
 */
export function findServedUrl(text: string): string | undefined {
  const scanned = stripAnsi(text.length > SCANNED_OUTPUT_CHARS ? text.slice(-SCANNED_OUTPUT_CHARS) : text);
  for (const match of scanned.matchAll(URL_IN_TEXT)) {
    const scheme = match[0].startsWith('https') ? 'https' : 'http';
    const host = match[1]!.toLowerCase().replace(/\.+$/, '');
    if (!AS_LOCALHOST.has(host) && !/^127(?:\.\d{1,3}){3}$/.test(host)) continue;
    const port = match[2];
    if (port !== undefined && (port.length > 5 || Number(port) < 1 || Number(port) > 65535)) continue;
    // `(http://0.0.0.0:8000/)`, `…/, press h to show help.`: the closing punctuation is the sentence's.
    const path = (match[3] ?? '/').replace(/[)\]}>.,;:!?'"]+$/, '') || '/';
    return `${scheme}://${AS_LOCALHOST.has(host) ? 'localhost' : host}${port !== undefined ? `:${Number(port)}` : ''}${path}`;
  }
  return undefined;
}
