/**
 * Whether an executor agent's command runs, is refused, or is put to the user
 * first. The command is a shell line as the model writes it
 * (`npm test && npm run lint`); it is split into simple commands at `&&`,
 * `||`, `;`, `|` and line ends, and every one of them must pass:
 *
 * - deny when any part matches the deny list (pushing, publishing, privilege,
 *   a download piped to a shell, removing outside the worktree, …);
 * - allow when every part is one of the project's own commands (the detected
 *   test, lint and build commands, given by the caller) or a read-only one;
 * - ask otherwise, and also when the line uses what this check cannot see
 *   through (command substitution, process substitution, here-documents,
 *   unbalanced quotes): better one question than a silent escape.
 *
 * This is a policy, not the fence: commands run in a sandbox where the
 * system has one (the worktree writable, the rest read-only, no network),
 * and the user decides for anything asked. Pure: no I/O.
 */

export type CommandDecision =
  | { kind: 'allow'; reason: string }
  | { kind: 'deny'; reason: string }
  | { kind: 'ask'; reason: string };

export interface CommandPolicyInput {
  command: string;
  /** The project's detected commands, e.g. `npm test`, `npm run lint`: allowed with any further arguments. */
  projectCommands: readonly string[];
  /** Commands the user allowed for this operation (exact lines). */
  allowedForOperation?: readonly string[];
}

/** The longest command line considered; longer ones are asked about, never parsed further. */
export const MAX_COMMAND_LENGTH = 8192;

/** Simple commands that only read (and print) and take no argument that writes. */
const READ_ONLY = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'grep', 'rg', 'pwd', 'echo', 'printf', 'which', 'true', 'false', 'tree', 'stat', 'file', 'diff', 'du', 'df', 'date', 'env', 'uname', 'sort', 'uniq', 'cut', 'tr', 'basename', 'dirname', 'realpath', 'test', '[']);
/** Read-only git subcommands. */
const GIT_READ_ONLY = new Set(['status', 'diff', 'log', 'show', 'ls-files', 'rev-parse', 'branch', 'blame', 'grep', 'describe', 'shortlog']);
const VERSION_FLAGS = new Set(['--version', '-v', '-V', 'version']);

type Deny = (words: readonly string[]) => string | undefined;

const DENY: readonly Deny[] = [
  (w) => (w[0] === 'sudo' || w[0] === 'su' || w[0] === 'doas' ? 'runs with other privileges' : undefined),
  (w) => (w[0] === 'git' && w.includes('push') ? 'pushes to a remote: the result is approved by the user first, and pushed by them' : undefined),
  (w) => (w[0] === 'git' && w.includes('config') && (w.includes('--global') || w.includes('--system')) ? "changes the user's git configuration" : undefined),
  (w) => (w[0] === 'git' && (w[1] === 'stash' || w[1] === 'worktree' || w[1] === 'remote') ? `git ${w[1]} reaches beyond this worktree (stashes and worktrees are shared with the user's checkout)` : undefined),
  (w) => (['npm', 'pnpm', 'yarn', 'cargo', 'twine', 'gem'].includes(w[0]!) && w.includes('publish') ? 'publishes a package' : undefined),
  (w) => (['ssh', 'scp', 'sftp', 'rsync', 'nc', 'ncat', 'telnet'].includes(w[0]!) ? 'connects to another machine' : undefined),
  (w) => (['shutdown', 'reboot', 'halt', 'poweroff', 'mkfs', 'mount', 'umount', 'chown', 'crontab', 'systemctl'].includes(w[0]!) ? 'changes the system' : undefined),
  (w) => (w[0] === 'dd' && w.some((a) => a.startsWith('of=/dev')) ? 'writes to a device' : undefined),
  (w) => (w[0] === 'rm' && w.slice(1).some((a) => !a.startsWith('-') && leavesWorktree(a)) ? 'removes files outside the worktree' : undefined),
  (w) => (w[0] === 'rm' && w.slice(1).some((a) => a.includes('$')) ? 'removes a path named by a variable, which is not checked' : undefined),
  (w) => (w[0] === 'chmod' && w.slice(1).some((a) => !a.startsWith('-') && leavesWorktree(a)) ? 'changes permissions outside the worktree' : undefined),
];

/** An argument naming a place outside the worktree: absolute, home-relative or climbing out. */
function leavesWorktree(arg: string): boolean {
  return arg.startsWith('/') || arg.startsWith('~') || arg === '..' || arg.startsWith('../') || arg.includes('/../') || arg.endsWith('/..');
}

export function decideCommand(input: CommandPolicyInput): CommandDecision {
  const line = input.command.trim();
  if (line === '') return { kind: 'deny', reason: 'the command is empty' };
  if (line.length > MAX_COMMAND_LENGTH) return { kind: 'ask', reason: `the command is longer than ${MAX_COMMAND_LENGTH} characters and is not checked` };
  // The user saw this exact line and allowed it; the deny list below still wins over that.
  const allowedByUser = input.allowedForOperation?.includes(line) ?? false;
  const byUser: CommandDecision = { kind: 'allow', reason: 'you allowed this command for this operation' };
  const parsed = splitCommandLine(line);
  if (!parsed.ok) return allowedByUser ? byUser : { kind: 'ask', reason: parsed.reason };
  for (let i = 0; i < parsed.commands.length; i++) {
    const words = withoutAssignments(parsed.commands[i]!.words);
    if (words.length === 0) continue;
    for (const deny of DENY) {
      const reason = deny(words);
      if (reason) return { kind: 'deny', reason: `${words.join(' ').slice(0, 200)}: ${reason}` };
    }
    // A download piped into a shell runs code nobody has read.
    const previous = parsed.commands[i - 1];
    if (previous?.pipedInto && /^(?:ba|z|da|k)?sh$|^python3?$|^node$|^perl$/.test(baseName(words[0]!)) && isDownload(withoutAssignments(previous.words))) {
      return { kind: 'deny', reason: 'pipes a download into an interpreter' };
    }
  }
  if (allowedByUser) return byUser;
  const projects = input.projectCommands.map((c) => c.trim().split(/\s+/)).filter((w) => w.length > 0);
  const unknown = parsed.commands.map((c) => withoutAssignments(c.words)).filter((w) => w.length > 0 && !isProjectCommand(w, projects) && !isReadOnly(w));
  if (unknown.length === 0) return { kind: 'allow', reason: "the project's own or read-only commands" };
  return { kind: 'ask', reason: `${unknown[0]!.join(' ').slice(0, 200)} is not one of the project's commands` };
}

function isDownload(words: readonly string[]): boolean {
  return words.length > 0 && ['curl', 'wget', 'fetch', 'iwr', 'Invoke-WebRequest'].includes(baseName(words[0]!));
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** `FOO=1 npm test` is `npm test` with an environment variable. */
function withoutAssignments(words: readonly string[]): string[] {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
  return words.slice(i);
}

function isProjectCommand(words: readonly string[], projects: readonly string[][]): boolean {
  return projects.some((p) => p.length <= words.length && p.every((w, i) => words[i] === w));
}

function isReadOnly(words: readonly string[]): boolean {
  const name = words[0]!;
  if (words.length === 2 && VERSION_FLAGS.has(words[1]!)) return true;
  if (name === 'git') return GIT_READ_ONLY.has(words[1] ?? '') && !words.some((w) => w === '-D' || w === '-d' || w === '--delete' || w === '-m' || w === '-M' || w.startsWith('--output'));
  if (name === 'sed') return !words.some((w) => w.startsWith('-i') || w === '--in-place');
  if (name === 'find') return !words.some((w) => ['-exec', '-execdir', '-delete', '-ok', '-okdir', '-fprint', '-fprintf', '-fls'].includes(w));
  return READ_ONLY.has(name);
}

export interface SimpleCommand {
  words: string[];
  /** Its output goes into the next command (`|`). */
  pipedInto: boolean;
}

export type SplitResult = { ok: true; commands: SimpleCommand[] } | { ok: false; reason: string };

/**
 * A shell line split into simple commands and their words, with quotes and
 * backslashes removed as sh would. What cannot be checked without running a
 * shell is refused with the reason: `$(…)`, backticks, `<(…)`, `<<`, `&`
 * backgrounding, subshells and unbalanced quotes. Output redirections are
 * dropped from the words (the sandbox decides where a file may be written).
 */
export function splitCommandLine(line: string): SplitResult {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let word: string | null = null;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = (pipedInto: boolean) => {
    endWord();
    commands.push({ words: dropRedirections(words), pipedInto });
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1];
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return { ok: false, reason: 'a quote is not closed' };
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '`' || (line[j] === '$' && line[j + 1] === '(')) return { ok: false, reason: 'it uses command substitution, which is not checked' };
        if (line[j] === '\\' && j + 1 < line.length) j++;
        text += line[j];
      }
      if (j >= line.length) return { ok: false, reason: 'a quote is not closed' };
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') {
      if (next === '\n') i++;
      else if (next !== undefined) {
        word = (word ?? '') + next;
        i++;
      }
    } else if (c === '`' || (c === '$' && next === '(')) {
      return { ok: false, reason: 'it uses command substitution, which is not checked' };
    } else if ((c === '<' || c === '>') && next === '(') {
      return { ok: false, reason: 'it uses process substitution, which is not checked' };
    } else if (c === '<' && next === '<') {
      return { ok: false, reason: 'it uses a here-document, which is not checked' };
    } else if (c === '(' || c === ')' || (c === '{' && word === null && (next === ' ' || next === '\n'))) {
      return { ok: false, reason: 'it uses a subshell or a group, which is not checked' };
    } else if (c === '&' && next === '&') {
      endCommand(false);
      i++;
    } else if (c === '|' && next === '|') {
      endCommand(false);
      i++;
    } else if (c === '&' && next !== '>' && line[i - 1] !== '>') {
      return { ok: false, reason: 'it starts a background process, which is not checked' };
    } else if (c === '|') {
      endCommand(true);
    } else if (c === ';' || c === '\n') {
      endCommand(false);
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand(false);
  return { ok: true, commands: commands.filter((c) => c.words.length > 0) };
}

/** `>file`, `2> err`, `>>log`, `2>&1`: where output goes is the sandbox's business, not the command's name. */
function dropRedirections(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const redirect = /^(\d*|&)(>>?|<)(&\d+|.*)$/.exec(w);
    if (!redirect) {
      out.push(w);
      continue;
    }
    // `> file` with the target as the next word.
    if (redirect[3] === '') i++;
  }
  return out;
}
