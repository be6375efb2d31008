// The kernel build's own facts about one file: what its compiler command line (Kbuild's CHECK
// arguments, a compile_commands.json entry) says, and what the headers it forces in define.
//   -D/-U in order (the last one wins), -I/-isystem/-iquote/-idirafter (include paths, kept for the
//   project index), -include/-imacros (forced headers: their top-level #defines are facts),
//   include/generated/autoconf.h (directly, or through Kbuild's `-include include/linux/kconfig.h`,
//   which includes <generated/autoconf.h>): every CONFIG_* the build sets, and LINUX_VERSION_CODE from
//   the <linux/version.h> the include paths reach (include/generated/uapi/linux/version.h).
// Everything else a compiler takes (-std=, -m*, -f*, -W*, -Wp,..., sparse's --arch=, -Wbitwise) is
// skipped, never an error. Files are read through safe-read.ts with a size cap; what cannot be read
// is one note, and its facts stay unknown.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { seriesOfCode, versionCodeOf } from '../engine/build-tree.js';
import { forEachCommentOrLiteral, preprocessorLines, spanKind } from '../engine/c-lexer.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import { readRegularFile } from '../engine/safe-read.js';

/** What a compiler command line says, before any file is read. */
export interface CompilerArgs {
  /** -D and -U in the order given: [name, value] for -D (value "1" for `-DX`), [name, undefined] for -U. */
  macros: [string, string | undefined][];
  includes: string[];
  forcedIncludes: string[];
  /** The arguments that are not options (the source files). */
  files: string[];
}

/** One file's build facts, for the engine (macroFactsFor) and the project index. */
export interface BuildFacts {
  /** Macros defined, after the forced headers and the command line (the command line's -D/-U apply first, as cpp does). */
  defines: Map<string, string>;
  undefines: Set<string>;
  /** Include directories, absolute, in search order. */
  includes: string[];
  /** Forced headers (-include, -imacros), absolute. */
  forcedIncludes: string[];
  /** autoconf.h's CONFIG_* when the build forces it in: then an unset option is known unset. */
  config?: Record<string, string>;
  /** The kernel this file is built against, and the file that says so. */
  kernelVersion?: { version: string; code?: number; file: string };
  /** The command line's non-option arguments, as given (the source files). */
  sourceFiles: string[];
}

// Options whose value may come as the next argument (`-D X`, `-include f.h`); all others are one word.
const WITH_VALUE = new Set(['-D', '-U', '-I', '-include', '-imacros', '-isystem', '-iquote', '-idirafter', '-iprefix', '-iwithprefix', '-iwithprefixbefore', '-isysroot', '-o', '-x', '-MF', '-MT', '-MQ', '-Xassembler', '-Xpreprocessor', '-Xlinker', '-Xclang', '-aux-info', '--param', '-T', '-L', '-l', '-z', '-target', '--target']);
const INCLUDE_DIR = ['-I', '-isystem', '-iquote', '-idirafter'];
const FORCED = ['-include', '-imacros'];
const PREFIXES = [...FORCED, ...INCLUDE_DIR, '-D', '-U'];

/** Reads a compiler command line as cpp would; unknown options are skipped. */
export function parseCompilerArgs(args: readonly string[]): CompilerArgs {
  const out: CompilerArgs = { macros: [], includes: [], forcedIncludes: [], files: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (arg !== '-') out.files.push(arg);
      continue;
    }
    // -include and -isystem before -I and -i*: the longest option name wins.
    const option = PREFIXES.find((o) => arg.startsWith(o));
    if (!option) {
      if (WITH_VALUE.has(arg)) i++; // -o FILE, -x c, -MF FILE: skip the value too
      continue;
    }
    let value = arg.slice(option.length);
    if (value === '') {
      if (i + 1 >= args.length) break;
      value = args[++i]!;
    }
    if (option === '-D') {
      const eq = value.indexOf('=');
      const name = eq < 0 ? value : value.slice(0, eq);
      if (/^[A-Za-z_]\w*$/.test(name)) out.macros.push([name, eq < 0 ? '1' : value.slice(eq + 1)]);
    } else if (option === '-U') {
      if (/^[A-Za-z_]\w*$/.test(value)) out.macros.push([value, undefined]);
    } else if (INCLUDE_DIR.includes(option)) out.includes.push(value);
    else out.forcedIncludes.push(value);
  }
  return out;
}

// A word: unquoted runs, '...', "..." and backslash escapes, side by side (no blank between).
const WORD = /(?:[^\s'"\\]+|'[^']*'?|"(?:[^"\\]|\\[\s\S])*"?|\\[\s\S]?)+/g;
const PIECE = /[^'"\\]+|'([^']*)'?|"((?:[^"\\]|\\[\s\S])*)"?|\\([\s\S]?)/g;

/** Splits a compile_commands.json `command` as a POSIX shell would split words (quotes, backslashes). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const [word] of command.matchAll(WORD)) {
    if (!/['"\\]/.test(word)) {
      words.push(word);
      continue;
    }
    let out = '';
    for (const m of word.matchAll(PIECE)) {
      if (m[1] !== undefined) out += m[1];
      // Inside double quotes a backslash escapes only " \ $ ` and a newline.
      else if (m[2] !== undefined) out += m[2].replace(/\\(["\\$`\n])/g, '$1');
      else if (m[3] !== undefined) out += m[3];
      else out += m[0];
    }
    words.push(out);
  }
  return words;
}

/** autoconf.h is ~50 KB for defconfig, ~400 KB for allyesconfig. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** The top-level `#define NAME VALUE` and `#undef NAME` of a header, in order; names set under an #if are unknown. */
export interface HeaderMacros {
  macros: [string, string | undefined][];
  /** Names defined or undefined under a condition (not a fact). */
  conditional: Set<string>;
}

export function headerMacros(text: string): HeaderMacros {
  const out: HeaderMacros = { macros: [], conditional: new Set() };
  // Read through the C lexer (server/engine/c-lexer.ts): a `#define` inside a comment is none.
  const directives = preprocessorLines(text).map((d) => ({ directive: d.directive, name: d.name, rest: directiveRest(d.text) }));
  // An include guard (`#ifndef G` / `#define G` ... final `#endif`) is not a condition.
  let guard: string | undefined;
  const first = directives[0];
  const last = directives[directives.length - 1];
  if (first?.directive === 'ifndef' && directives[1]?.directive === 'define' && first.name !== undefined && directives[1].name === first.name && last?.directive === 'endif') guard = first.name;
  let depth = guard ? -1 : 0;
  for (const { directive, rest } of directives) {
    if (directive.startsWith('if')) depth++;
    else if (directive === 'endif') depth--;
    else if (directive === 'define' || directive === 'undef') {
      const d = /^([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(rest);
      if (!d || d[2]) continue; // function-like macros are not `#if` facts
      if (depth > 0) out.conditional.add(d[1]!);
      else if (d[1] !== guard) out.macros.push([d[1]!, directive === 'define' ? d[3]! : undefined]);
    }
  }
  return out;
}

/** What follows a directive's keyword, its comments blanked (as cpp does) and its lines spliced. */
function directiveRest(line: string): string {
  let out = '';
  let from = 0;
  forEachCommentOrLiteral(line, (start, end) => {
    const kind = spanKind(line, start);
    if (kind !== 'block-comment' && kind !== 'line-comment') return;
    out += line.slice(from, start) + ' ';
    from = end;
  });
  out += line.slice(from);
  return out.replace(/\\\r?\n/g, ' ').replace(/^#\s*\w*/, '').trim();
}

/** Reads headers once per path (a compile_commands.json names the same autoconf.h thousands of times). */
export class HeaderReader {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly note: (line: string) => void = () => {}) {}

  read(path: string): string | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const got = readRegularFile(path, { maxBytes: MAX_HEADER_BYTES });
    if (!got.bytes && !got.missing) this.note(`${path}: ${got.reason}: not read for the build's macros`);
    const text = got.bytes?.toString('utf8');
    this.cache.set(path, text);
    return text;
  }

  exists(path: string): boolean {
    return this.read(path) !== undefined;
  }

  private readonly resolved = new Map<string, HeaderFacts>();
  /** What a file's forced headers and include paths say, once per distinct set (a build has a few). */
  headersOf(cwd: string, includes: readonly string[], forcedIncludes: readonly string[]): HeaderFacts {
    const key = `${cwd}\0${includes.join('\0')}\0\0${forcedIncludes.join('\0')}`;
    let facts = this.resolved.get(key);
    if (!facts) this.resolved.set(key, (facts = headerFacts(cwd, includes, forcedIncludes, this)));
    return facts;
  }

  private readonly parsed = new Map<string, HeaderMacros | undefined>();
  macros(path: string): HeaderMacros | undefined {
    if (!this.parsed.has(path)) {
      const text = this.read(path);
      this.parsed.set(path, text === undefined ? undefined : headerMacros(text));
    }
    return this.parsed.get(path);
  }

  private readonly configs = new Map<string, Record<string, string> | undefined>();
  /** autoconf.h's CONFIG_* as one shared object per file (so a scan hands one copy to its workers). */
  config(path: string): Record<string, string> | undefined {
    if (!this.configs.has(path)) {
      const m = this.macros(path);
      let config: Record<string, string> | undefined;
      if (m) {
        config = {};
        for (const [name, value] of m.macros) if (name.startsWith('CONFIG_') && value !== undefined) config[name] = value;
      }
      this.configs.set(path, config);
    }
    return this.configs.get(path);
  }
}

/** The first `rel` under the include directories that exists. */
function inIncludePath(rel: string, includes: readonly string[], reader: HeaderReader): string | undefined {
  for (const dir of includes) {
    const path = join(dir, rel);
    if (reader.exists(path)) return path;
  }
  return undefined;
}

/**
 * One file's build facts from its compiler arguments, run in `cwd` (Kbuild runs CHECK in the
 * object tree; compile_commands.json says `directory`).
 */
export function factsFromArgs(args: readonly string[], cwd: string, reader: HeaderReader): BuildFacts {
  const parsed = parseCompilerArgs(args);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const includes = parsed.includes.map(abs);
  const forcedIncludes = parsed.forcedIncludes.map(abs);
  const defines = new Map<string, string>();
  const undefines = new Set<string>();
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) {
      defines.delete(name);
      undefines.add(name);
    } else {
      undefines.delete(name);
      defines.set(name, value);
    }
  };
  // cpp: the command line's -D/-U first, then each forced header in order.
  for (const [name, value] of parsed.macros) set(name, value);
  const headers = reader.headersOf(cwd, includes, forcedIncludes);
  for (const [name, value] of headers.macros) set(name, value);
  for (const name of headers.unknown) {
    defines.delete(name);
    undefines.delete(name);
  }
  const { config, kernelVersion } = headers;
  return { defines, undefines, includes, forcedIncludes, sourceFiles: parsed.files, ...(config ? { config } : {}), ...(kernelVersion ? { kernelVersion } : {}) };
}

/** What the forced headers and the include paths say: the same for most files of a build. */
interface HeaderFacts {
  macros: [string, string | undefined][];
  unknown: Set<string>;
  config?: Record<string, string>;
  kernelVersion?: BuildFacts['kernelVersion'];
}

function headerFacts(cwd: string, includes: readonly string[], forcedIncludes: readonly string[], reader: HeaderReader): HeaderFacts {
  const out: HeaderFacts = { macros: [], unknown: new Set() };
  for (const header of forcedIncludes) {
    // include/linux/kconfig.h starts with #include <generated/autoconf.h>; its own macros are function-like.
    const autoconf = /(^|\/)linux\/kconfig\.h$/.test(header) ? inIncludePath('generated/autoconf.h', includes, reader) : /(^|\/)autoconf\.h$/.test(header) ? header : undefined;
    if (autoconf) {
      out.config = reader.config(autoconf) ?? out.config;
      continue;
    }
    const m = reader.macros(header);
    if (!m) continue; // unreadable: what it defines stays unknown (a name it sets is not in the facts anyway)
    out.macros.push(...m.macros);
    for (const name of m.conditional) out.unknown.add(name);
  }
  // LINUX_VERSION_CODE from the <linux/version.h> the file would include; else the tree's kernel.release.
  const versionH = inIncludePath('linux/version.h', includes, reader) ?? inIncludePath('generated/uapi/linux/version.h', includes, reader);
  const code = versionH ? versionCodeOf(reader.read(versionH) ?? '') : undefined;
  if (versionH && code !== undefined) out.kernelVersion = { version: seriesOfCode(code), code, file: versionH };
  else {
    for (const dir of new Set([cwd, ...includes.map((d) => dirname(d))])) {
      const file = join(dir, 'include/config/kernel.release');
      const m = /^(\d+)\.(\d+)/.exec(reader.read(file)?.trim() ?? '');
      if (m) {
        out.kernelVersion = { version: `${m[1]}.${m[2]}`, file };
        break;
      }
    }
  }
  return out;
}

/**
 * The engine's view of a file's facts for an analysis on `kernel`: LINUX_VERSION_CODE only when the
 * build's version.h is of that series (a `--kernel` that differs asks about another kernel).
 */
export function macroFactsFor(facts: BuildFacts, kernel: string): MacroFacts {
  const defined: Record<string, string> = Object.fromEntries(facts.defines);
  const code = facts.kernelVersion?.code;
  if (code !== undefined && seriesOfCode(code) === kernel && !facts.undefines.has('LINUX_VERSION_CODE')) defined.LINUX_VERSION_CODE ??= String(code);
  return { defined, ...(facts.undefines.size > 0 ? { undefined: [...facts.undefines] } : {}), ...(facts.config ? { config: facts.config } : {}) };
}
