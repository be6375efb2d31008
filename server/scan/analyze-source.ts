// One file of a whole-tree scan, read once: the bytes are searched for an entry point's name, and
// only a file that names one is decoded, sliced (slice.ts) and parsed. The answer is the one
// analyzeFile() (server/engine/analyze-file.ts) gives on the whole file; test/scan checks it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { NONBLOCKING_READ } from '../engine/safe-read.js';
import { analyzeTree, mentionsEntryPoint } from '../engine/index.js';
import type { CParser } from '../engine/parser.js';
import type { CallSite, Finding, KernelRange, Position, WrapperDef } from '../engine/types.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import { renumberFingerprints } from '../engine/fingerprint.js';
import { mentionsWrapper } from '../engine/wrappers.js';
import { macroDefinitions } from '../index/define-lines.js';
import { planForEngine } from './engine-reach.js';
import type { PreprocessorLine } from '../engine/c-lexer.js';
import { keepHeapClose } from './v8-flags.js';
import type { Piece, SlicePlan } from './slice.js';
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

/**
 * Code per piece of a huge file: its tree-sitter tree (about 40 bytes of wasm memory per byte of
 * code, and wasm memory never shrinks) and its analysis are freed before the next piece is parsed.
 * No kernel file comes near it: those are analysed whole, as before.
 */
export const PIECE_BYTES = 1 << 20;

/** One piece's analysis, and each finding's fingerprint key (fingerprint.ts). */
interface PieceAnalysis {
  calls: CallSite[];
  findings: Finding[];
  /** The wrappers of entry points the piece defines (for the project index). */
  wrappers: WrapperDef[];
  /** The engine declined the piece (a parse out of budget, nesting): it declines the whole file. */
  skipped: boolean;
  keys: Map<Finding, string>;
}

/**
 * The file's result from its pieces', as one analysis of the whole slice gives it: calls in source
 * order, findings sorted as analyzeTree sorts them (a stable sort on the start), fingerprints
 * numbered across the file. A piece the engine declined declines the file, as it would have whole.
 */
function mergePieces(path: string, pieces: readonly PieceAnalysis[]): FileResult | undefined {
  if (pieces.some((p) => p.skipped)) return undefined;
  if (pieces.length === 1) {
    const { calls, findings, wrappers } = pieces[0]!;
    return calls.length > 0 || findings.length > 0 || wrappers.length > 0 ? { path, calls, findings, ...(wrappers.length ? { wrappers } : {}) } : undefined;
  }
  const before = (a: Position, b: Position) => a.row - b.row || a.column - b.column;
  const calls = pieces.flatMap((p) => p.calls).sort((a, b) => before(a.callRange.start, b.callRange.start));
  const findings = pieces.flatMap((p) => p.findings).sort((a, b) => before(a.range.start, b.range.start));
  const keys = new Map<Finding, string>();
  for (const p of pieces) for (const [f, k] of p.keys) keys.set(f, k);
  renumberFingerprints(findings, keys);
  // Each piece keeps the file's #defines, so a macro wrapper can come from several pieces.
  const wrappers = uniqueWrappers(pieces.flatMap((p) => p.wrappers));
  return calls.length > 0 || findings.length > 0 || wrappers.length > 0 ? { path, calls, findings, ...(wrappers.length ? { wrappers } : {}) } : undefined;
}

/** The read buffer: its first size, and the largest kept from file to file. */
const BUFFER_START = 1 << 20;
const BUFFER_KEPT = 8 << 20;
/** Results of a larger file are not cached (the 20 MB file of issue 14 has 230 MB of them). */
const MAX_CACHED_TEXT = 4 << 20;

export class SourceAnalyzer {
  readonly counters = emptyCounters();
  private buffer = Buffer.allocUnsafe(BUFFER_START);
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
    /** A slice with more code than this is analysed in pieces of about this size (slice.ts). */
    private readonly pieceBytes = PIECE_BYTES,
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
    const candidate = this.readCandidate(path, searched);
    if (!candidate) return undefined;
    if ('hit' in candidate) return candidate.hit;
    const result = this.analyzeText(path, candidate.text);
    // A huge file's results would be ten times its size in the cache file, past what the cache
    // reads (result-cache.ts): it is analysed again next time.
    if (candidate.digest !== undefined && candidate.text.length <= MAX_CACHED_TEXT) this.seen[path] = { digest: candidate.digest, result: result ?? null };
    return result;
  }

  /**
   * The file's text when it is a candidate (and its digest when results are cached), or the cached
   * result. Apart from analyzePath so that the bytes are not held while the text is analysed.
   */
  private readCandidate(path: string, searched: boolean): { text: string; digest?: string } | { hit: FileResult | undefined } | undefined {
    const bytes = this.read(path);
    if (!bytes) return undefined;
    this.counters.files++;
    this.counters.bytes += bytes.length;
    // Skipping it never changes an answer: the analysis finds calls by the same names.
    if (!searched && !this.needles.matches(bytes)) return undefined;
    this.counters.candidates++;
    let digest: string | undefined;
    if (this.cached) {
      digest = digestOf(bytes);
      const hit = this.cached[path];
      if (hit?.digest === digest) {
        this.counters.cached++;
        this.seen[path] = hit;
        return { hit: hit.result ?? undefined };
      }
    }
    const text = bytes.toString('utf8');
    // A huge file grew the buffer: give it back rather than keep it for the files that follow.
    if (this.buffer.length > BUFFER_KEPT) this.buffer = Buffer.allocUnsafe(BUFFER_START);
    return { text, digest };
  }

  analyzeText(path: string, text: string): FileResult | undefined {
    if (!this.slice) {
      // as analyzeFile() answers it, without a parse
      if (!mentionsEntryPoint(text) && !mentionsWrapper(text, undefined, true)) return undefined;
      return this.analyzeSource(path, text);
    }
    // One lexing of the file for both: the slicer's directives are the macros' too.
    const plan = planForEngine(text);
    return withWrappers(plan && this.analyzeSliced(path, plan), path, this.macroWrappers(path, text, plan?.directiveLines));
  }

  private analyzeSliced(path: string, plan: SlicePlan): FileResult | undefined {
    // The calls' own functions first. When the flag flow follows a parameter into the callers of a
    // function, they are missing from the slice: slice again with them and analyse again, until it
    // asks for no new function (the engine follows parameters one level deep: one more pass).
    const wanted = new Set<string>();
    let pieces = this.piecesOf(plan, wanted);
    this.counters.lines += pieces[0]!.lines;
    // The same text is the same answer (analyzeTree is pure): a piece (or the slice) that did not
    // change when callers were added is not parsed and analysed a second time.
    let done = new Map<string, PieceAnalysis>();
    for (;;) {
      const asked = new Set<string>();
      const results: PieceAnalysis[] = [];
      const next = new Map<string, PieceAnalysis>();
      for (const piece of pieces) {
        let result = done.get(piece.text);
        if (result) this.counters.keptLines += piece.keptLines;
        else {
          result = this.analyzePiece(path, piece.text, asked);
          this.counters.keptLines += piece.keptLines;
          if (pieces.length > 1) keepHeapClose();
        }
        next.set(piece.text, result);
        results.push(result);
      }
      const before = wanted.size;
      for (const name of asked) wanted.add(name);
      if (wanted.size === before) return mergePieces(path, results);
      const texts = pieces.map((p) => p.text);
      pieces = this.piecesOf(plan, wanted);
      done = next;
      if (pieces.length === texts.length && pieces.every((p, i) => p.text === texts[i])) {
        for (const piece of pieces) this.counters.keptLines += piece.keptLines;
        return mergePieces(path, results);
      }
    }
  }

  /** The macros of the file that wrap an entry point (a slice keeps only those its calls use). */
  private macroWrappers(path: string, text: string, directives?: readonly PreprocessorLine[]): WrapperDef[] {
    const defines = macroDefinitions(text, (d) => mentionsEntryPoint(d) || mentionsWrapper(d, undefined, true), directives);
    if (defines === undefined) return [];
    this.counters.parsed++;
    const tree = this.parser.parse(defines);
    try {
      return analyzeTree(defines, tree, { kernel: this.kernel, path, collectWrappers: true }).wrappers ?? [];
    } finally {
      tree.delete();
    }
  }

  /** The slice, or for a huge one (issue 14) its pieces (slice.ts), with the callers of `wanted`. */
  private piecesOf(plan: SlicePlan, wanted: ReadonlySet<string>): Piece[] {
    return plan.pieces(wanted, this.pieceBytes) ?? [plan.slice(wanted)];
  }

  /** Parses and analyses one piece; `asked` collects onCallersWanted's names. */
  private analyzePiece(path: string, source: string, asked: Set<string>): PieceAnalysis {
    this.counters.parsed++;
    const tree = this.parser.parse(source);
    try {
      const keys = new Map<Finding, string>();
      const { calls, findings, skipped, wrappers } = analyzeTree(source, tree, {
        kernel: this.kernel,
        kernels: this.kernels,
        path,
        macros: this.macros?.[path],
        collectWrappers: true,
        onCallersWanted: (name) => void asked.add(name),
        onFingerprintKey: (finding, key) => void keys.set(finding, key),
      });
      return { calls, findings, wrappers: wrappers ?? [], skipped: skipped !== undefined, keys };
    } finally {
      tree.delete();
    }
  }

  /** Parses and analyses `source` (a whole file: the plain path). */
  private analyzeSource(path: string, source: string): FileResult | undefined {
    this.counters.parsed++;
    const tree = this.parser.parse(source);
    try {
      const { calls, findings, wrappers } = analyzeTree(source, tree, { kernel: this.kernel, kernels: this.kernels, path, macros: this.macros?.[path], collectWrappers: true });
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
  return { ...base, wrappers: uniqueWrappers([...(base.wrappers ?? []), ...macros]) };
}

/** Each definition once, in first-seen order. */
function uniqueWrappers(list: readonly WrapperDef[]): WrapperDef[] {
  const seen = new Set<string>();
  return list.filter((w) => {
    const key = `${w.name}:${w.kind}:${w.line}:${w.entry}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}
