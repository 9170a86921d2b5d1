/**
 * Every `orchard` command. A new command (e.g. `orchard validate`) is a module
 * exporting a CliCommand, added here.
 */
import { blueprintCommand } from './blueprintCommand';
import type { CliCommand } from './registry';

export const COMMANDS: readonly CliCommand[] = [blueprintCommand];
