// Entry point of dist/cli.js, the `pinsight` command; small on purpose. V8 compiles a script whole
// before it runs a line of it, ~15 ms for the CLI's ~450 KB (dist/cli-main.js). A scan starts
// ripgrep first (cli/early-start.ts), so the tree is read while the rest is compiled and loaded,
// and the rest comes through V8's code cache (cli/code-cache.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as CliMain from './cli-main.js';
import { requireWithCodeCache, type LoadedModule } from './cli/code-cache.js';
import { startScanEarly } from './cli/early-start.js';
import { printableLines } from './cli/printable.js';
import { cacheRoot } from './scan/cache-files.js';
import { preferQuickWasm } from './scan/v8-flags.js';

const argv = process.argv.slice(2);
const early = startScanEarly(argv, process.cwd());
// A one-shot scan compiles its wasm quickly (scan/v8-flags.ts). V8 rejects a code cache made under
// other flags: set them before the CLI's code is compiled, and keep a cache per set of flags.
const main = loadMain(early && preferQuickWasm() ? 'liftoff' : 'default');
if (main.warning) process.stderr.write(printableLines(`pinsight: ${main.warning}\n`));
if (early?.ripgrep) main.exports.offerRipgrepRun(early.ripgrep);

const io = {
  out: (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  // A pipe takes what it can and Node queues the rest: wait for it to drain rather than queue a
  // whole report in memory.
  write: (part: string) => (process.stdout.write(part) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', resolve))),
  // Warnings and errors name paths from the tree: no terminal escapes from them (cli/printable.ts).
  err: (text: string) => process.stderr.write(printableLines(text.endsWith('\n') ? text : text + '\n')),
  cwd: process.cwd(),
};

main.exports.runCli(main.exports.commands, argv, io).then(
  (code) => {
    // A run that failed early compiled little: its cache would serve the next runs poorly.
    if (code === 0 || code === 1) main.save();
    exitWhenFlushed(code);
  },
  (error: unknown) => {
    process.stderr.write(`pinsight: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenFlushed(2);
  },
);

/** dist/cli-main.js beside this bundle, through the code cache; from the sources (tsx), cli-main.ts. */
function loadMain(tag: string): LoadedModule<typeof CliMain> {
  const bundled = join(__dirname, 'cli-main.js');
  if (existsSync(bundled)) return requireWithCodeCache<typeof CliMain>(bundled, join(cacheRoot(), 'code'), tag);
  return { exports: require(join(__dirname, 'cli-main.ts')) as typeof CliMain, cache: 'off', save: () => undefined };
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
