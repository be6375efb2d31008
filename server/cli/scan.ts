// `pinsight scan [--format text|json|sarif] [--kernel V] [--fix] PATH...`
// Lists every GUP/PUP call with its flag sets and reports the findings, for a file, a driver or a
// whole kernel tree. Exit codes: 0 no findings, 1 findings, 2 bad usage or internal error.
import { resolve } from 'node:path';
import { analyzeFile, applyEdits } from '../engine/index.js';
import { findKernelMakefile, normalizeKernel } from '../engine/kernel-version.js';
import { loadCParser, type CParser } from '../engine/parser.js';
import type { FileAnalysis, TextEdit } from '../engine/types.js';
import type { CliIO, Command } from './command.js';
import { listSourceFiles } from './scan-files.js';
import { checkPaths, scanFast } from './scan-fast.js';
import { fastScanWanted, parseScanOptions, type Format } from './scan-options.js';
import { displayPath, formatText, toJson, type FileResult, type ScanResult } from './scan-report.js';
import { printableJson } from './printable.js';
import { toSarif } from './sarif.js';
import { readForFix, writeFixed, type ReadForFix } from './safe-write.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

const MAX_FIX_PASSES = 5;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'list GUP/PUP calls with their FOLL_* flag sets and report findings',
  usage: [
    'usage: pinsight scan [--format text|json|sarif] [--kernel V] [--fix] PATH...',
    '',
    'Scans C files (directories: every .c and .h file below) for get_user_pages*/pin_user_pages*/access_process_vm',
    'calls, resolves the FOLL_* flags each can receive, and reports findings.',
    '',
    'options:',
    '  --format F   text (gcc style, default), json, or sarif (SARIF 2.1.0)',
    '  --kernel V   target kernel (e.g. 6.1, 6.12); default: VERSION/PATCHLEVEL of the tree\'s top Makefile',
    '  --fix        apply the preferred fix of every finding, in place, then report what remains',
    '',
    'exit status: 0 no findings, 1 findings, 2 bad usage or internal error',
  ].join('\n'),
  async run(argv, io) {
    const options = parseScanOptions(argv);
    const fast = fastScanWanted(options.fix); // server/scan, same result (issue 6)
    if (fast) checkPaths(options.paths, io.cwd);
    const files = fast ? [] : listSourceFiles(options.paths, io.cwd);
    const { kernel, source } = resolveKernel(options.kernel, options.paths, io);
    const result = fast ? await scanFast(options.paths, io.cwd, kernel, source) : scan(await loadCParser(), files, kernel, source, options.fix);
    io.out(render(result, options.format, io));
    for (const w of result.warnings ?? []) io.err(`pinsight scan: ${w}`);
    for (const e of result.errors) io.err(`pinsight scan: internal error: ${e}`);
    if (result.errors.length > 0) return EXIT_USAGE;
    return result.files.some((f) => f.findings.length > 0) ? EXIT_FINDINGS : EXIT_OK;
  },
};

function resolveKernel(given: string | undefined, paths: string[], io: CliIO): { kernel: string; source: string } {
  if (given) return { kernel: given, source: '--kernel' };
  const cwd = io.cwd;
  const noted = new Set<string>();
  // A Makefile that is a FIFO, a device or oversized is skipped with one line (several PATHs may pass it).
  const note = (line: string) => noted.has(line) || (noted.add(line), io.err(`pinsight scan: ${line}`));
  const found = paths.map((p) => ({ path: p, tree: findKernelMakefile(resolve(cwd, p), note) }));
  const missing = found.find((f) => !f.tree);
  if (missing) throw new UsageError(`cannot tell the kernel version of '${missing.path}': no top Makefile with VERSION and PATCHLEVEL above it; pass --kernel V`);
  const versions = new Set(found.map((f) => f.tree!.version));
  if (versions.size > 1) throw new UsageError(`the PATHs are in trees of different kernels (${[...versions].join(', ')}); scan them separately or pass --kernel V`);
  const first = found[0]!.tree!;
  try {
    return { kernel: normalizeKernel(first.version), source: `${displayPath(first.makefile, cwd)}` };
  } catch (error) {
    throw new UsageError(`${displayPath(first.makefile, cwd)}: ${error instanceof Error ? error.message : String(error)}; pass --kernel V`);
  }
}

/** Scans files (and fixes them in place with `fix`); exported for tests and benchmarks. */
export function scan(parser: CParser, files: string[], kernel: string, kernelSource: string, fix = false): ScanResult {
  const results: FileResult[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  let fixedFindings = 0;
  let fixedFiles = 0;
  for (const path of files) {
    let read: ReadForFix;
    try {
      read = readForFix(path);
    } catch {
      continue; // unreadable (permissions, vanished): nothing to report
    }
    let text = read.text;
    let analysis: FileAnalysis;
    try {
      analysis = analyzeFile(parser, path, text, { kernel });
    } catch (error) {
      // One file the engine cannot handle must not hide the others' results.
      errors.push(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    if (fix && analysis.findings.length > 0) {
      const before = { text, analysis };
      let fixedHere = 0;
      for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
        const { edits, count } = preferredEdits(analysis);
        if (count === 0) break;
        text = applyEdits(text, edits);
        fixedHere += count;
        analysis = analyzeFile(parser, path, text, { kernel });
      }
      if (text !== before.text) {
        // Atomic, and never over a file that changed since it was read (safe-write.ts).
        const outcome = writeFixed(read, text);
        if (outcome.written) {
          fixedFiles++;
          fixedFindings += fixedHere;
        } else {
          warnings.push(`${path}: ${outcome.reason}`);
          analysis = before.analysis;
        }
      }
    }
    if (analysis.calls.length > 0 || analysis.findings.length > 0) results.push({ path, calls: analysis.calls, findings: analysis.findings });
  }
  return { kernel, kernelSource, files: results, filesScanned: files.length, fixed: fix ? { findings: fixedFindings, files: fixedFiles } : undefined, errors, warnings };
}

/** The preferred fixes of a file's findings that do not overlap one another (identical edits merge). */
export function preferredEdits(analysis: FileAnalysis): { edits: TextEdit[]; count: number } {
  const chosen: TextEdit[] = [];
  let count = 0;
  const key = (e: TextEdit) => `${e.range.start.row}:${e.range.start.column}-${e.range.end.row}:${e.range.end.column}=${e.newText}`;
  const before = (a: TextEdit['range']['start'], b: TextEdit['range']['start']) => a.row < b.row || (a.row === b.row && a.column < b.column);
  const overlaps = (x: TextEdit, y: TextEdit) => before(x.range.start, y.range.end) && before(y.range.start, x.range.end);
  for (const finding of analysis.findings) {
    const fix = finding.fixes.find((f) => f.preferred);
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !chosen.some((c) => key(c) === key(e)));
    if (fresh.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    chosen.push(...fresh);
    count++;
  }
  return { edits: chosen, count };
}

function render(result: ScanResult, format: Format, io: CliIO): string {
  if (format === 'json') return printableJson(toJson(result, io.cwd), 2);
  if (format === 'sarif') return printableJson(toSarif(result, io.cwd), 2);
  return formatText(result, io.cwd);
}
