/**
 * The Orchard log as the use cases see it: the VS Code layer passes its
 * LogOutputChannel, the CLI and tests anything with these three methods.
 * Secrets never go here.
 */
export interface Log {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}
