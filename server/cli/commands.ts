import type { Command } from './command.js';
import { scanCommand } from './scan.js';

/** Every `pinsight` subcommand, in the order `pinsight --help` lists them. Add new ones here. */
export const commands: Command[] = [scanCommand];
