/**
 * `orchard`, the command-line face of Orchard Studio (bundled to dist/cli.js,
 * which is `bin` in package.json and not part of the .vsix). The `#!` line is
 * added by the esbuild banner. No `vscode` import anywhere below.
 */
import { COMMANDS } from './cli/commands';
import { runCli } from './cli/registry';

runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  },
  COMMANDS,
).then(
  (code) => {
    // exitCode rather than exit(): stdout may still be flushing into a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`orchard: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
