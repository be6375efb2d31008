// Entry point of dist/cli.js, the `pinsight` command; small on purpose. V8 compiles a script whole
// before it runs a line of it, ~15 ms for the CLI's ~450 KB (dist/cli-main.js). A scan starts
// ripgrep first (cli/early-start.ts), so the tree is read while the rest is compiled and loaded.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as CliMain from './cli-main.js';
import { startScanEarly } from './cli/early-start.js';

const argv = process.argv.slice(2);
const ripgrep = startScanEarly(argv, process.cwd());
const main = loadMain();
if (ripgrep) main.offerRipgrepRun(ripgrep);

const io = {
  out: (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text: string) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  cwd: process.cwd(),
};

main.runCli(main.commands, argv, io).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    process.stderr.write(`pinsight: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenFlushed(2);
  },
);

/** dist/cli-main.js beside this bundle; from the sources (tsx), cli-main.ts. */
function loadMain(): typeof CliMain {
  const bundled = join(__dirname, 'cli-main.js');
  return require(existsSync(bundled) ? bundled : join(__dirname, 'cli-main.ts')) as typeof CliMain;
}

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
