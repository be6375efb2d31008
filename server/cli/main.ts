import type { CliIO, Command } from './command.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: pinsight <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "Run 'pinsight <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs one CLI invocation; never throws: every failure becomes a message and an exit code. */
export async function runCli(commands: readonly Command[], argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(PINSIGHT_VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pinsight: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`pinsight ${name}: ${error.message}`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`pinsight ${name}: internal error: ${message.split('\n')[0]}`);
    // The stack is for pinsight's developers, never for users' CI logs.
    if (process.env.PINSIGHT_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT_USAGE;
  }
}

declare const __PINSIGHT_VERSION__: string | undefined;
export const PINSIGHT_VERSION: string =
  typeof __PINSIGHT_VERSION__ === 'string' ? __PINSIGHT_VERSION__ : '0.0.0-dev';
