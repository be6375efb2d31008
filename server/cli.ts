// Entry point of dist/cli.js, the `pinsight` command.
import { commands } from './cli/commands.js';
import { runCli } from './cli/main.js';

const io = {
  out: (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text: string) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  cwd: process.cwd(),
};

runCli(commands, process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pinsight: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
