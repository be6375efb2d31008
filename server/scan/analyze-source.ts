// One file of a whole-tree scan, read once: the bytes are searched for an entry point's name, and
// only a file that names one is decoded, sliced (slice.ts) and parsed. The answer is the one
// analyzeFile() (server/engine/analyze-file.ts) gives on the whole file; test/scan checks it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { NONBLOCKING_READ } from '../engine/safe-read.js';
import { analyzeTree, mentionsEntryPoint } from '../engine/index.js';
import type { CParser } from '../engine/parser.js';
import type { KernelRange, WrapperDef } from '../engine/types.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import { mentionsWrapper } from '../engine/wrappers.js';
import { macroDefinitions } from '../index/define-lines.js';
import { sliceForEngine } from './engine-reach.js';
import { NeedleSearch } from './needles.js';
import { digestOf, type CacheEntries, type FileResult } from './file-result.js';

/** What the scan did, for `PINSIGHT_SCAN_STATS` and the benchmark. */
export interface ScanCounters {
  /** Files read. */
  files: number;
  bytes: number;
  /** Files that name an entry point (byte search) and were decoded. */
  candidates: number;
  /** Parses: one per file whose text names an entry point followed by `(`, and a second for a file whose callers the engine asked for. */
  parsed: number;
  /** Lines of the parsed files, and those the slices kept (summed over the parses). */
  lines: number;
  keptLines: number;
  /** Candidates answered from the result cache. */
  cached: number;
}

export function emptyCounters(): ScanCounters {
  return { files: 0, bytes: 0, candidates: 0, parsed: 0, lines: 0, keptLines: 0, cached: 0 };
}

export function addCounters(into: ScanCounters, from: ScanCounters): void {
  for (const key of Object.keys(into) as (keyof ScanCounters)[]) into[key] += from[key];
}

export class SourceAnalyzer {
  readonly counters = emptyCounters();
  private buffer = Buffer.allocUnsafe(1 << 20);
  private readonly needles = new NeedleSearch();

  /** The cache entries of the candidates this analyser saw: hits and new results. */
  readonly seen: CacheEntries = {};

  constructor(
    private readonly parser: CParser,
    private readonly kernel: string,
    /** false: parse whole files (the plain path, for comparisons). */
    private readonly slice = true,
    /** Earlier results (result-cache.ts), by path; none when absent. */
    private readonly cached?: CacheEntries,
    /** The project's supported kernels: findings for each (server/engine/kernel-range.ts). */
    private readonly kernels?: KernelRange,
    /** The build's macro facts by absolute path (compile_commands.json, server/project/build-facts.ts). */
    private readonly macros?: Readonly<Record<string, MacroFacts>>,
  ) {}

  /**
   * Analyses each file; a file the engine fails on becomes an error line ("PATH: message", as the
   * plain scan words it) and the others go on. `searched`: the files are known to hold an entry
   * point's name (ripgrep listed them), so the byte search is skipped.
   */
  analyzePaths(paths: readonly string[], searched = false): { results: FileResult[]; errors: string[] } {
    const results: FileResult[] = [];
    const errors: string[] = [];
    for (const path of paths) {
      try {
        const result = this.analyzePath(path, searched);
        if (result) results.push(result);
      } catch (error) {
        errors.push(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    return { results, errors };
  }

  /** The file's calls and findings, or undefined when it has none (or cannot be read). */
  analyzePath(path: string, searched = false): FileResult | undefined {
    const bytes = this.read(path);
    if (!bytes) return undefined;
    this.counters.files++;
    this.counters.bytes += bytes.length;
    // Skipping it never changes an answer: the analysis finds calls by the same names.
    if (!searched && !this.needles.matches(bytes)) return undefined;
    this.counters.candidates++;
    if (!this.cached) return this.analyzeText(path, bytes.toString('utf8'));
    const digest = digestOf(bytes);
    const hit = this.cached[path];
    if (hit?.digest === digest) {
      this.counters.cached++;
      this.seen[path] = hit;
      return hit.result ?? undefined;
    }
    const result = this.analyzeText(path, bytes.toString('utf8'));
    this.seen[path] = { digest, result: result ?? null };
    return result;
  }

  analyzeText(path: string, text: string): FileResult | undefined {
    if (!this.slice) {
      // as analyzeFile() answers it, without a parse
      if (!mentionsEntryPoint(text) && !mentionsWrapper(text, undefined, true)) return undefined;
      return this.analyzeSource(path, text);
    }
    return withWrappers(this.analyzeSliced(path, text), path, this.macroWrappers(path, text));
  }

  private analyzeSliced(path: string, text: string): FileResult | undefined {
    // The calls' own functions first. When the flag flow follows a parameter into the callers of a
    // function, they are missing from the slice: slice again with them and analyse again, until it
    // asks for no new function (the engine follows parameters one level deep: one more pass).
    const wanted = new Set<string>();
    let slice = sliceForEngine(text);
    if (!slice) return undefined;
    this.counters.lines += slice.lines;
    for (;;) {
      const asked = new Set<string>();
      const result = this.analyzeSource(path, slice.text, asked);
      this.counters.keptLines += slice.keptLines;
      const before = wanted.size;
      for (const name of asked) wanted.add(name);
      if (wanted.size === before) return result;
      const previous = slice.text;
      slice = sliceForEngine(text, wanted)!;
      // The callers were in the slice already (every chunk with a call is): the same text is the
      // same answer (analyzeTree is pure), so it is not parsed and analysed a second time.
      if (slice.text === previous) {
        this.counters.keptLines += slice.keptLines;
        return result;
      }
    }
  }

  /** The macros of the file that wrap an entry point (a slice keeps only those its calls use). */
  private macroWrappers(path: string, text: string): WrapperDef[] {
    const defines = macroDefinitions(text, (d) => mentionsEntryPoint(d) || mentionsWrapper(d, undefined, true));
    if (defines === undefined) return [];
    this.counters.parsed++;
    const tree = this.parser.parse(defines);
    try {
      return analyzeTree(defines, tree, { kernel: this.kernel, path, collectWrappers: true }).wrappers ?? [];
    } finally {
      tree.delete();
    }
  }

  /** Parses and analyses `source` (a file or its slice); `asked` collects onCallersWanted's names. */
  private analyzeSource(path: string, source: string, asked?: Set<string>): FileResult | undefined {
    this.counters.parsed++;
    const tree = this.parser.parse(source);
    try {
      const onCallersWanted = asked && ((name: string) => void asked.add(name));
      const { calls, findings, wrappers } = analyzeTree(source, tree, { kernel: this.kernel, kernels: this.kernels, path, macros: this.macros?.[path], onCallersWanted, collectWrappers: true });
      return calls.length > 0 || findings.length > 0 || wrappers ? { path, calls, findings, ...(wrappers ? { wrappers } : {}) } : undefined;
    } finally {
      tree.delete();
    }
  }

  /** The whole file into a buffer reused from file to file; undefined when it cannot be read. */
  private read(path: string): Buffer | undefined {
    let fd: number;
    try {
      // Listed as a regular file, but it may have been swapped for a FIFO or a device since: the
      // open never waits (O_NONBLOCK), and fstat declines what is not a regular file.
      fd = openSync(path, NONBLOCKING_READ);
    } catch {
      return undefined; // vanished or no permission: the plain scan skips it too
    }
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
          this.buffer.copy(bigger, 0, 0, length);
          this.buffer = bigger;
        }
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return this.buffer.subarray(0, length);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }
}

/** A result with the file's macro wrappers added (one definition listed once). */
function withWrappers(result: FileResult | undefined, path: string, macros: WrapperDef[]): FileResult | undefined {
  if (macros.length === 0) return result;
  const base = result ?? { path, calls: [], findings: [] };
  const seen = new Set((base.wrappers ?? []).map(wrapperKey));
  const wrappers = [...(base.wrappers ?? []), ...macros.filter((w) => !seen.has(wrapperKey(w)))];
  return { ...base, wrappers };
}

function wrapperKey(w: WrapperDef): string {
  return `${w.name}:${w.kind}:${w.line}:${w.entry}`;
}
