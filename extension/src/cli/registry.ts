/**
 * The `orchard` CLI's command registry: each top-level command (`validate`,
 * `blueprint`) is one entry with its own argument parsing, so adding
 * one is a new file and a line in commands.ts. No `vscode` import.
 *
 * Exit codes: 0 done, 1 the command failed (invalid blueprint, unknown
 * revision, not a git repository...), 2 the command line itself is wrong.
 * Failures are checked before anything is written, so a non-zero exit means
 * nothing changed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The folder relative paths and the default root are resolved against. */
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One line for `orchard --help`. */
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** The command line is wrong (exit code 2); the message says what to change. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Where to read more, e.g. "orchard blueprint save --help". */
    readonly helpCommand = 'orchard --help',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(rootHelp(commands));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(rootHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return reportUsage(io, new UsageError(`unknown command "${name}"`));
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) return reportUsage(io, error);
    io.err(`orchard: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function reportUsage(io: CliIo, error: UsageError): number {
  io.err(`orchard: ${error.message}\nRun "${error.helpCommand}" for usage.\n`);
  return 2;
}

function rootHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: orchard <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "orchard <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

/**
 * node:util parseArgs in strict mode, with its errors (unknown option, missing
 * value) turned into usage errors that point at the command's help.
 */
/** An option's parsed value: boolean or string, an array of them with `multiple: true`. */
type OptionValue<O> = O extends { multiple: true } ? (O extends { type: 'boolean' } ? boolean[] : string[]) : O extends { type: 'boolean' } ? boolean : string;

export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  helpCommand: string,
): { values: { [K in keyof T]?: OptionValue<T[K]> }; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as { [K in keyof T]?: OptionValue<T[K]> }, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message, helpCommand);
  }
}
