/**
 * The executor as Claude Code: `claude -p --output-format stream-json` in the
 * worktree, with the same first message and system prompt as Orchard's own
 * loop (executor.ts) and its stream mapped onto the same operation events
 * (claudeCodeEvents.ts). One process for the whole build; no shell, the
 * program by absolute path, the prompt on stdin.
 *
 * What fences it (each flag checked against Claude Code 2.1.328):
 * - `--tools Read,Write,Edit,Glob,Grep,Bash`: no web, agents, MCP or notebook tools;
 * - `--restricted`: file tools confined to the working folder (the worktree),
 *   user/project/local settings files ignored, bypassPermissions refused;
 * - `--setting-sources ""`, `--safe-mode`, `--strict-mcp-config`: nothing of
 *   ~/.claude or the repository's `.claude/`, hooks, plugins, skills, MCP
 *   servers or CLAUDE.md is loaded (the project memory comes in our system prompt);
 * - `--permission-mode dontAsk`, `--permission-prompts none` and `--settings`
 *   with `denyInsteadOfPrompting`, `blockWritesOutsideWorkingDirectories`,
 *   `disableAllHooks`: only the allow rules run — Write/Edit, and Bash for the
 *   project's detected commands (with any arguments); anything else is refused
 *   to the model, never asked (`ask` is not used: a refusal is final);
 * - its sandbox for Bash (worktree and the temp folder writable) where the
 *   system has one (bubblewrap and socat on Linux); secrets out of its
 *   environment, and out of its commands' (`CLAUDE_CODE_SUBPROCESS_ENV_SCRUB`).
 * The `system/init` line is checked: another permission mode or tool stops it.
 * Stop and the idle timeout kill the whole process tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BUILD_BUDGET, budgetExceededMessage, budgetTokensUsed } from '../loop/agentLoop';
import { ExecutableNotFoundError, resolveExecutable } from '../../platform/executables';
import { killTree } from '../../platform/processTree';
import { availableSandbox, commandEnvironment } from '../../platform/sandboxedCommand';
import type { Usage } from '../providers/modelProvider';
import { CLAUDE_CODE_TOOLS, ClaudeCodeStream } from './claudeCodeEvents';
import { EXECUTOR_MAX_ITERATIONS, firstMessage, systemBlocks, type ExecutorInput, type ExecutorResult } from './executor';

/** ExecutorInput without a provider: Claude Code talks to the model itself (its sign-in, or the key in `env`). */
export interface ClaudeCodeExecutorInput extends Omit<ExecutorInput, 'provider'> {
  /** `claude` (looked up on PATH) or an absolute path. */
  executable: string;
  /** Added to its environment after the secrets are removed: ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN / ANTHROPIC_BASE_URL, HOME, CLAUDE_CONFIG_DIR. */
  env?: Record<string, string>;
  /** No output line for this long stops it; default 11 min (a Bash command may run 10). */
  idleTimeoutMs?: number;
}

export const CLAUDE_CODE_IDLE_TIMEOUT_MS = 660_000;
/** Above this the system prompt goes at the top of stdin instead of an argument (128 KiB per argument on Linux). */
const MAX_SYSTEM_ARGUMENT_BYTES = process.platform === 'win32' ? 24_000 : 100_000;
/**
 * The permission modes it may report at start: `dontAsk` as asked, or `default`, which it
 * switches to when CLAUDE_CODE_SUBPROCESS_ENV_SCRUB is on. Both run only what the allow rules
 * allow, since nobody is asked (`denyInsteadOfPrompting`); any other mode would run more.
 */
const QUIET_MODES = new Set(['dontAsk', 'default']);
const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

const TOOL_NOTE = [
  '# Tools in this session',
  'You run inside Claude Code, whose tools stand for the ones named above: `Read` is read_file, `Write` write_file, `Edit` edit_file,',
  '`Glob` and `Grep` list and search files, `Bash` is run_command. They work only inside the worktree, the current directory.',
  "Only the project's commands listed in the first message run (with any further arguments); any other command is refused. Do not try to work around a refusal.",
].join('\n');

/** Permission rules for Bash: each project command alone and with further arguments. */
export function bashRules(projectCommands: readonly string[]): string[] {
  const rules: string[] = [];
  for (const raw of projectCommands) {
    const command = raw.replace(/\s+/g, ' ').trim();
    // A rule's own syntax (parentheses, wildcards) in a detected command would widen it: such a command is left out.
    if (command === '' || /[()*\n]/.test(command)) continue;
    rules.push(`Bash(${command})`, `Bash(${command} *)`);
  }
  return rules;
}

/** The settings given with `--settings` (the only settings source besides managed ones). */
export function claudeCodeSettings(input: Pick<ExecutorInput, 'projectCommands' | 'tempDir'>): Record<string, unknown> {
  return {
    permissions: {
      defaultMode: 'dontAsk',
      allow: ['Read', 'Glob', 'Grep', 'Write', 'Edit', ...bashRules(input.projectCommands)],
      deny: ['WebFetch', 'WebSearch', 'NotebookEdit', 'Agent', 'Task'],
      blockWritesOutsideWorkingDirectories: true,
      denyInsteadOfPrompting: true,
      disableBypassPermissionsMode: 'disable',
    },
    disableAllHooks: true,
    sandbox: { enabled: true, allowUnsandboxedCommands: false, filesystem: { allowWrite: [input.tempDir] } },
  };
}

/** The command line and what goes on stdin. */
export function claudeCodeInvocation(input: ClaudeCodeExecutorInput, system: string): { args: string[]; stdin: string } {
  const prompt = firstMessage(input);
  const systemFits = Buffer.byteLength(system) <= MAX_SYSTEM_ARGUMENT_BYTES;
  return {
    args: [
      '-p',
      '--output-format', 'stream-json',
      '--verbose',
      '--tools', CLAUDE_CODE_TOOLS.join(','),
      '--permission-mode', 'dontAsk',
      '--permission-prompts', 'none',
      '--setting-sources', '',
      '--settings', JSON.stringify(claudeCodeSettings(input)),
      '--restricted',
      '--safe-mode',
      '--strict-mcp-config',
      '--disable-slash-commands',
      '--no-session-persistence',
      '--max-turns', String(input.maxIterations ?? EXECUTOR_MAX_ITERATIONS),
      ...(input.model ? ['--model', input.model] : []),
      ...(systemFits ? ['--system-prompt', system] : []),
    ],
    stdin: systemFits ? prompt : `<instructions>\n${system}\n</instructions>\n\n${prompt}`,
  };
}

/** Its environment: ours without secrets or GIT_*, its background traffic off, then what the caller gives. */
export function claudeCodeEnvironment(input: Pick<ClaudeCodeExecutorInput, 'env' | 'tempDir'>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ...commandEnvironment(base),
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
    TMPDIR: input.tempDir,
    // Keeps the key out of the commands it runs; it needs bubblewrap on Linux.
    ...(availableSandbox() ? { CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: '1' } : {}),
    ...input.env,
  };
}

/** Whether its Bash sandbox can start here: macOS has one built in; Linux needs bubblewrap and socat. */
function sandboxAvailable(): boolean {
  if (process.platform === 'darwin') return true;
  if (process.platform !== 'linux' || !availableSandbox()) return false;
  try {
    resolveExecutable('socat');
    return true;
  } catch {
    return false;
  }
}

function failed(message: string, usage: Usage = ZERO, retryable = false): ExecutorResult {
  return { outcome: 'failed', summary: '', usage, error: { message, retryable } };
}

export async function runClaudeCodeExecutor(input: ClaudeCodeExecutorInput): Promise<ExecutorResult> {
  if (input.signal.aborted) return { outcome: 'stopped', summary: '', usage: ZERO };
  let system: string;
  let program: string;
  try {
    system = [...(await systemBlocks(input)).map((block) => block.text.trim()), TOOL_NOTE].filter((text) => text !== '').join('\n\n');
  } catch (error) {
    return failed(`The executor could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    // By absolute path: the working folder is the worktree, and a `claude` committed there must never be what runs.
    program = resolveExecutable(input.executable);
  } catch (error) {
    if (!(error instanceof ExecutableNotFoundError)) throw error;
    return failed(`Claude Code not found ('${input.executable}': ${error.message.slice(error.program.length + 2)}). Install it or set its path.`);
  }
  if (!sandboxAvailable()) {
    input.emit({ type: 'error', message: "Claude Code's commands run without a sandbox on this system (it needs bubblewrap and socat): they can write outside the worktree." });
  }
  const { args, stdin } = claudeCodeInvocation(input, system);
  let child: ChildProcess;
  try {
    child = spawn(program, args, { cwd: input.worktree, env: claudeCodeEnvironment(input), stdio: ['pipe', 'pipe', 'pipe'], shell: false, detached: process.platform !== 'win32', windowsHide: true });
  } catch (error) {
    return failed(`Could not start Claude Code at '${program}': ${error instanceof Error ? error.message : String(error)}`);
  }
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.stdin?.on('error', () => undefined); // it may exit before reading stdin; the exit says why
  child.stdin?.end(stdin);

  let stop: { kind: 'stopped' } | { kind: 'failed'; message: string } | undefined;
  const kill = (reason: NonNullable<typeof stop>) => {
    stop ??= reason;
    killTree(child);
  };
  const onAbort = () => kill({ kind: 'stopped' });
  input.signal.addEventListener('abort', onAbort, { once: true });
  const idleMs = input.idleTimeoutMs ?? CLAUDE_CODE_IDLE_TIMEOUT_MS;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => kill({ kind: 'failed', message: `Claude Code gave no output for ${Math.round(idleMs / 1000)} s and was stopped.` }), idleMs);
  };

  const stream = new ClaudeCodeStream({
    emit: (event) => {
      if (!stop) input.emit(event);
    },
    onUsage: (total) => {
      input.onUsage?.(total);
      const used = budgetTokensUsed(total);
      if (used > input.budgetTokens) kill({ kind: 'failed', message: budgetExceededMessage(used, input.budgetTokens, BUILD_BUDGET) });
    },
  });
  try {
    armIdle();
    if (child.stdout) {
      for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
        armIdle();
        if (stop) continue; // drain until it exits
        const hadInit = stream.init !== undefined;
        stream.accept(line);
        if (!hadInit && stream.init) {
          const extra = stream.init.tools.filter((tool) => !(CLAUDE_CODE_TOOLS as readonly string[]).includes(tool));
          if (!QUIET_MODES.has(stream.init.permissionMode) || extra.length > 0) {
            kill({ kind: 'failed', message: `Claude Code did not start as asked (permission mode ${stream.init.permissionMode || 'unknown'}${extra.length > 0 ? `, extra tools ${extra.join(', ')}` : ''}); it was stopped before it did anything.` });
          }
        }
      }
    }
    const exit = await exited;
    if (stop?.kind === 'stopped' || input.signal.aborted) return { outcome: 'stopped', summary: '', usage: stream.usage };
    if (stop) return failed(stop.message, stream.usage);
    if (exit.error) return failed(`Could not start Claude Code at '${program}': ${exit.error.message}`, stream.usage);
    const end = stream.end;
    if (end && !end.ok) return failed(end.message, stream.usage, end.retryable);
    if (!end || exit.code !== 0) {
      const detail = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 1000) || `exit code ${exit.code}`;
      return failed(`Claude Code failed: ${detail}`, stream.usage, true);
    }
    return { outcome: 'done', summary: end.summary || stream.text, usage: stream.usage };
  } finally {
    clearTimeout(idle);
    input.signal.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) killTree(child);
  }
}
