import type { Command } from './command.js';
import { behavioursCommand } from './behaviours.js';
import { checkCommand } from './check.js';
import { cowTableCommand } from './cow-table.js';
import { scanCommand } from './scan.js';
import { simulateCommand } from './simulate.js';

/** Every `pinsight` subcommand, in the order `pinsight --help` lists them. Add new ones here. */
export const commands: Command[] = [scanCommand, checkCommand, simulateCommand, cowTableCommand, behavioursCommand];
