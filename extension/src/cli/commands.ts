/**
 * Every `orchard` command. A new command (e.g. `orchard validate`) is a module
 * exporting a CliCommand, added here.
 */
import { blueprintCommand } from './blueprintCommand';
import { buildCommand } from './buildCommand';
import { operationsCommand } from './operationsCommand';
import type { CliCommand } from './registry';
import { validateCommand } from './validateCommand';

export const COMMANDS: readonly CliCommand[] = [blueprintCommand, buildCommand, operationsCommand, validateCommand];
