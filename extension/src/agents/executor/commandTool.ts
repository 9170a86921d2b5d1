/**
 * `run_command`: the executor's only way to run anything. Each call is
 * decided by the command policy (core/operations/commandPolicy.ts): denied
 * ones go back to the model with the reason, asked ones are put to the user
 * once with the exact line (allow once, allow for this operation, deny;
 * headless runs deny unless `--allow-commands` said otherwise), allowed ones
 * run sandboxed in the worktree (platform/sandboxedCommand.ts) with their
 * output streamed as operation events. The model reads the exit status and
 * the start and end of the output, never an unbounded dump.
 */
import * as z from 'zod/mini';
import '../../core/zodLocale';
import { decideCommand } from '../../core/operations/commandPolicy';
import { chunkText, type NewOperationEvent } from '../../core/operations/operationEvents';
import { runSandboxed } from '../../platform/sandboxedCommand';
import { ToolResultError, type AgentTool } from '../loop/tools';

export type CommandAnswer = 'once' | 'operation' | 'deny';

export interface CommandToolOptions {
  worktree: string;
  tempDir: string;
  /** The project's detected test, lint and build commands. */
  projectCommands: readonly string[];
  /** Asks the user about a command the policy does not decide; headless callers answer for them. */
  ask(command: string, reason: string): Promise<CommandAnswer>;
  emit(event: NewOperationEvent): void;
  /** Said once, when the first command runs without a sandbox. */
  unsandboxed?(): void;
  /** Commands allowed for the whole operation so far (shared with a resumed run). */
  allowedForOperation?: string[];
  newCallId(): string;
}

export const DEFAULT_COMMAND_TIMEOUT_S = 300;
export const MAX_COMMAND_TIMEOUT_S = 1800;
/** Characters of output the model reads: the first and the last half of this. */
export const MODEL_OUTPUT_CHARS = 20_000;

/** Keeps the first and the last `max / 2` characters of a stream of text, in memory bounded by `max`. */
class HeadAndTail {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly max: number) {}

  add(text: string): void {
    // Padding at line ends (a tool's padded tables) is no use to the model and would fill its view.
    text = text.replace(/[ \t]+(?=\r?\n)/g, '');
    const half = this.max / 2;
    if (this.head.length < half) {
      const take = text.slice(0, half - this.head.length);
      this.head += take;
      text = text.slice(take.length);
    }
    this.tail += text;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(-half);
    }
  }

  toString(): string {
    return this.dropped > 0 ? `${this.head}\n[… ${this.dropped} characters of output not shown …]\n${this.tail}` : this.head + this.tail;
  }
}

export function commandTool(options: CommandToolOptions): AgentTool<{ command: string; timeoutSeconds?: number }> {
  const allowed = options.allowedForOperation ?? [];
  let toldUnsandboxed = false;
  return {
    name: 'run_command',
    description:
      "Runs a shell command in the worktree (the project's tests, lint, build, or read-only commands run at once; others are put to the user). " +
      `The worktree is writable; the rest of the disk is read-only and there is no network. Default timeout ${DEFAULT_COMMAND_TIMEOUT_S} s.`,
    input: z.strictObject({
      command: z.string().check(z.minLength(1), z.maxLength(8192)),
      timeoutSeconds: z.optional(z.int().check(z.positive(), z.maximum(MAX_COMMAND_TIMEOUT_S))),
    }),
    effect: 'run',
    activity: 'Running a command…',
    async run({ command, timeoutSeconds = DEFAULT_COMMAND_TIMEOUT_S }, ctx) {
      const decision = decideCommand({ command, projectCommands: options.projectCommands, allowedForOperation: allowed });
      if (decision.kind === 'deny') throw new ToolResultError(`Not run: ${decision.reason}. Do without it.`);
      if (decision.kind === 'ask') {
        const answer = await options.ask(command, decision.reason);
        // Headless, nobody was asked: the words do not say a person refused.
        if (answer === 'deny') throw new ToolResultError(`Not run: it was not allowed (${decision.reason}). Use the project's commands, find another way, or explain in your summary why it is needed.`);
        if (answer === 'operation') allowed.push(command.trim());
      }
      const callId = options.newCallId();
      const output = new HeadAndTail(MODEL_OUTPUT_CHARS);
      const result = await runSandboxed({
        command,
        cwd: options.worktree,
        tempDir: options.tempDir,
        timeoutMs: timeoutSeconds * 1000,
        signal: ctx.signal,
        onOutput: (stream, text) => {
          output.add(text);
          for (const piece of chunkText(text)) options.emit({ type: 'command-output', callId, stream, text: piece });
        },
      });
      if (result.sandbox === 'none' && !toldUnsandboxed) {
        toldUnsandboxed = true;
        options.unsandboxed?.();
      }
      options.emit({ type: 'command-exit', callId, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut });
      const status = result.timedOut
        ? `timed out after ${timeoutSeconds} s and was stopped`
        : result.stopped
          ? 'was stopped'
          : result.exitCode === 0
            ? 'exited with 0'
            : `failed (exit ${result.exitCode ?? result.signal})`;
      const text = output.toString();
      const said = `The command ${status}.${text === '' ? ' It printed nothing.' : `\n${text}`}`;
      // A failure is an error result: the model and the log both see that the check did not pass.
      if (result.exitCode !== 0) throw new ToolResultError(said);
      return said;
    },
  };
}
