// Entry point of dist/cli.js, the `pinsight` command.
import { commands } from './cli/commands.js';
import { runCli } from './cli/main.js';

const io = {
  out: (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text: string) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  cwd: process.cwd(),
};

runCli(commands, process.argv.slice(2), io).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    process.stderr.write(`pinsight: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenFlushed(2);
  },
);

/**
 * Exits once stdout and stderr have taken everything written: a one-shot run has nothing left to
 * clean up, and tearing the heap down took 10-15 ms after a whole-tree scan.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
