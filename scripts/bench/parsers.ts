// In-process figures on the files a scan parses: web-tree-sitter against the native binding
// (when installed), whole files against slices, and the engine's own time; and how fast Node reads
// and byte-searches the whole tree on one thread.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { analyzeTree, mentionsEntryPoint } from '../../server/engine/index.js';
import { loadCParser } from '../../server/engine/parser.js';
import { ENGINE_REACH } from '../../server/scan/engine-reach.js';
import { NeedleSearch } from '../../server/scan/needles.js';
import { sliceForAnalysis } from '../../server/scan/slice.js';
import { walkDirectories } from '../../server/scan/walk.js';
import { summarize, type Summary } from './measure.js';

export interface Rate {
  label: string;
  ms: Summary;
  /** MB of source per second, at the median. */
  mbPerS: number;
}

const rate = (label: string, times: number[], bytes: number): Rate => {
  const ms = summarize(times);
  return { label, ms, mbPerS: bytes / 1e6 / (ms.median / 1000) };
};

/** `body`'s time over `runs` runs after a warm-up; `setup` (untimed) makes each run's input afresh. */
function timeRuns<T = void>(runs: number, body: (input: T) => void, setup: () => T = () => undefined as T, teardown: (input: T) => void = () => {}): number[] {
  const once = (): number => {
    const input = setup();
    const t = performance.now();
    body(input);
    const ms = performance.now() - t;
    teardown(input);
    return ms;
  };
  once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(once());
  return times;
}

/** The files the scan parses: they name an entry point (bytes), then call one (the engine's test). */
export async function parsedFiles(tree: string): Promise<{ path: string; text: string }[]> {
  const search = new NeedleSearch();
  const found: { path: string; text: string }[] = [];
  await walkDirectories([tree], (batch) => {
    for (const path of batch) {
      const bytes = readFileSync(path);
      if (!search.matches(bytes)) continue;
      const text = bytes.toString('utf8');
      if (mentionsEntryPoint(text)) found.push({ path, text });
    }
  });
  return found;
}

interface NativeParser {
  parse(text: string): unknown;
}

/** The native `tree-sitter` binding with tree-sitter-c, if installed (or under PINSIGHT_NATIVE_TREE_SITTER). */
function nativeParser(root: string): { parser: NativeParser; version: string } | string {
  const base = process.env.PINSIGHT_NATIVE_TREE_SITTER ?? join(root, 'node_modules');
  try {
    const require = createRequire(join(base, 'x.js'));
    const Parser = require('tree-sitter');
    const C = require('tree-sitter-c');
    const parser = new Parser();
    parser.setLanguage(C);
    const version = (require('tree-sitter/package.json') as { version: string }).version;
    return { parser: { parse: (text: string) => parser.parse(text) }, version };
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}

export interface ParserFigures {
  files: number;
  megabytes: number;
  lines: number;
  keptLines: number;
  rates: Rate[];
  native: string;
}

export async function measureParsers(root: string, tree: string, kernel: string, runs: number): Promise<ParserFigures> {
  const files = await parsedFiles(tree);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const web = await loadCParser();
  const slices = files.map((f) => sliceForAnalysis(f.text, ENGINE_REACH));
  const rates: Rate[] = [];
  rates.push(rate('slice (find what to parse)', timeRuns(runs, () => files.forEach((f) => sliceForAnalysis(f.text, ENGINE_REACH))), bytes));
  rates.push(rate('web-tree-sitter, whole files', timeRuns(runs, () => files.forEach((f) => web.parse(f.text).delete())), bytes));
  rates.push(rate('web-tree-sitter, slices', timeRuns(runs, () => slices.forEach((s) => web.parse(s.text).delete())), bytes));
  const native = nativeParser(root);
  if (typeof native !== 'string') {
    rates.push(rate(`native tree-sitter ${native.version}, whole files`, timeRuns(runs, () => files.forEach((f) => native.parser.parse(f.text))), bytes));
    rates.push(rate(`native tree-sitter ${native.version}, slices`, timeRuns(runs, () => slices.forEach((s) => native.parser.parse(s.text))), bytes));
  }
  // Fresh trees for every run: the engine memoises per tree, as it does in a real scan (one parse, one analysis).
  const engineTimes = timeRuns(
    runs,
    (trees) => trees.forEach((t, i) => analyzeTree(slices[i]!.text, t, { kernel, path: files[i]!.path })),
    () => slices.map((s) => web.parse(s.text)),
    (trees) => trees.forEach((t) => t.delete()),
  );
  rates.push(rate('engine analyzeTree on the slices', engineTimes, bytes));
  return {
    files: files.length,
    megabytes: bytes / 1e6,
    lines: slices.reduce((n, s) => n + s.lines, 0),
    keptLines: slices.reduce((n, s) => n + s.keptLines, 0),
    rates,
    native: typeof native === 'string' ? `not installed (${native})` : `tree-sitter ${native.version}`,
  };
}

/** Walk + read every source file on one thread, then the same with the byte search, warm cache. */
export async function measureRead(tree: string, runs: number): Promise<Rate[]> {
  const files: string[] = [];
  const walkTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    files.length = 0;
    const t = performance.now();
    await walkDirectories([tree], (batch) => files.push(...batch));
    walkTimes.push(performance.now() - t);
  }
  let buffer = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  const readAll = (visit?: (b: Buffer) => void) => {
    bytes = 0;
    for (const path of files) {
      const fd = openSync(path, 'r');
      let n = 0;
      for (;;) {
        if (n === buffer.length) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger);
          buffer = bigger;
        }
        const got = readSync(fd, buffer, n, buffer.length - n, null);
        if (got === 0) break;
        n += got;
      }
      closeSync(fd);
      bytes += n;
      visit?.(buffer.subarray(0, n));
    }
  };
  const read = timeRuns(runs, () => readAll());
  const search = new NeedleSearch();
  const searched = timeRuns(runs, () => readAll((b) => search.matches(b)));
  return [rate(`walk (${files.length} files)`, walkTimes, bytes), rate('read every file, one thread', read, bytes), rate('read + byte search, one thread', searched, bytes)];
}
