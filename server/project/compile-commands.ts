// compile_commands.json (scripts/clang-tools/gen_compile_commands.py, `make compile_commands.json`,
// bear): the build's command line per file, read as untrusted input. Only a regular file up to
// MAX_COMPILE_COMMANDS_BYTES, through safe-read.ts; bad JSON or a bad entry is one warning line and
// those facts are missing (the analysis then keeps both arms, as without a database), never a crash.
// Found named by `.pinsight.json` (`compileCommands`), else at or above the scanned path.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readRegularFile } from '../engine/safe-read.js';
import { factsFromArgs, HeaderReader, shellWords, type BuildFacts } from './build-facts.js';

export const COMPILE_COMMANDS = 'compile_commands.json';
/** A defconfig kernel's database is ~10 MB, an allmodconfig one ~60 MB. */
export const MAX_COMPILE_COMMANDS_BYTES = 128 * 1024 * 1024;

interface Entry {
  directory: string;
  /** `arguments`, or `command` split when the file's facts are first asked for (most never are). */
  args: string[] | string;
}

export class CompileDatabase {
  private readonly facts = new Map<string, BuildFacts>();

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, Entry>,
    private readonly reader: HeaderReader,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Reads a database; undefined (and one `warn` line) when it cannot be used at all. */
  static load(path: string, warn: (line: string) => void, reader = new HeaderReader(warn)): CompileDatabase | undefined {
    const read = readRegularFile(path, { maxBytes: MAX_COMPILE_COMMANDS_BYTES });
    if (!read.bytes) {
      warn(`${path}: ${read.missing ? 'not found' : read.reason}: the build's facts are not used`);
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(read.bytes.toString('utf8'));
    } catch (error) {
      warn(`${path}: not JSON (${(error as Error).message.split('\n')[0]}): the build's facts are not used`);
      return undefined;
    }
    if (!Array.isArray(raw)) {
      warn(`${path}: expected a JSON array of {directory, file, arguments|command}: the build's facts are not used`);
      return undefined;
    }
    const entries = new Map<string, Entry>();
    let bad = 0;
    for (const e of raw as unknown[]) {
      const o = e as Record<string, unknown> | null;
      const ok = typeof o === 'object' && o !== null && typeof o.directory === 'string' && typeof o.file === 'string';
      const args = ok && Array.isArray(o.arguments) && o.arguments.every((a) => typeof a === 'string') ? (o.arguments as string[]) : ok && typeof o.command === 'string' ? o.command : undefined;
      if (!ok || !args) {
        bad++;
        continue;
      }
      const directory = isAbsolute(o.directory as string) ? (o.directory as string) : resolve(dirname(path), o.directory as string);
      // The first entry of a file wins, as clangd takes it.
      const file = resolve(directory, o.file as string);
      if (!entries.has(file)) entries.set(file, { directory, args });
    }
    if (bad > 0) warn(`${path}: ${bad} of ${raw.length} entries are not {directory, file, arguments|command}: skipped`);
    return new CompileDatabase(path, entries, reader);
  }

  /** The build's facts for one file (absolute path), or undefined when the database does not list it. */
  factsFor(file: string): BuildFacts | undefined {
    let facts = this.facts.get(file);
    if (facts) return facts;
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    const args = typeof entry.args === 'string' ? shellWords(entry.args) : entry.args;
    facts = factsFromArgs(args.slice(1), entry.directory, this.reader);
    this.facts.set(file, facts);
    return facts;
  }

  /** Every file the database lists. */
  files(): IterableIterator<string> {
    return this.entries.keys();
  }
}

/** The nearest compile_commands.json at or above `dir` (the scan root, a document's directory). */
export function findCompileCommands(dir: string): string | undefined {
  for (let d = dir; ; ) {
    const candidate = join(d, COMPILE_COMMANDS);
    try {
      if (statSync(candidate, { throwIfNoEntry: false })) return candidate;
    } catch {
      // a directory we may not search: as if absent
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}
