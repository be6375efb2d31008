// The result of a scan, and its text and JSON forms. Lines and columns are 1-based here.
import { relative, isAbsolute } from 'node:path';
import type { CallSite, Finding } from '../engine/types.js';
import { kernelFor } from '../../sim-core/index.js';
import { printable } from './printable.js';

/** How the model answers for a kernel when not as itself (outside the known trees, below sim-core's baseline). */
export function kernelNotes(kernel: string): string[] {
  return kernelFor({ version: kernel }).notes();
}

export interface FileResult {
  /** Absolute path. */
  path: string;
  calls: CallSite[];
  findings: Finding[];
}

export interface ScanResult {
  kernel: string;
  /** Where the version came from: "--kernel" or the Makefile's path. */
  kernelSource: string;
  files: FileResult[];
  /** How many files were read (before the prefilter). */
  filesScanned: number;
  fixed?: { findings: number; files: number };
  /** Files the engine failed on (an internal error each); the scan goes on without them. */
  errors: string[];
  /** One line each: files --fix did not rewrite and why (changed on disk, not UTF-8, not writable), a cache that is off and why. */
  warnings?: string[];
}

/** Relative to the current directory when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const GCC_SEVERITY: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatText(result: ScanResult, cwd: string): string {
  // Paths and messages come from the tree (file names, identifiers, text): escaped (printable.ts).
  const lines = [`pinsight: Linux ${result.kernel} (${printable(result.kernelSource)})`, ...kernelNotes(result.kernel).map((n) => `pinsight: note: ${n}`)];
  let calls = 0;
  let findings = 0;
  for (const file of result.files) {
    calls += file.calls.length;
    for (const f of file.findings) {
      findings++;
      const at = `${printable(displayPath(file.path, cwd))}:${f.range.start.row + 1}:${f.range.start.column + 1}`;
      lines.push(`${at}: ${GCC_SEVERITY[f.severity]}: ${printable(f.message)} [${f.code}]`);
    }
  }
  if (result.fixed) lines.push(`pinsight: fixed ${result.fixed.findings} finding(s) in ${result.fixed.files} file(s)`);
  lines.push(`pinsight: ${result.filesScanned} file(s), ${calls} GUP/PUP call(s), ${findings} finding(s)`);
  return lines.join('\n');
}

export function toJson(result: ScanResult, cwd: string): unknown {
  const notes = kernelNotes(result.kernel);
  return {
    kernel: result.kernel,
    ...(notes.length ? { kernelNotes: notes } : {}),
    calls: result.files.flatMap((file) =>
      file.calls.map((c) => ({
        file: displayPath(file.path, cwd),
        line: c.range.start.row + 1,
        column: c.range.start.column + 1,
        callee: c.callee,
        family: c.family,
        function: c.function ?? null,
        flagSets: c.flagSets.map((s) => s.flags),
        impliedFlags: c.impliedFlags,
        // Beside flagSets, one entry per set: what could not be resolved, and on which path.
        flagSetDetails: c.flagSets.map((s) => ({ flags: s.flags, unknown: s.unknown, path: s.path ?? null })),
      })),
    ),
    findings: result.files.flatMap((file) =>
      file.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        file: displayPath(file.path, cwd),
        line: f.range.start.row + 1,
        column: f.range.start.column + 1,
        endLine: f.range.end.row + 1,
        endColumn: f.range.end.column + 1,
        message: f.message,
        link: f.link,
        fixable: f.fixes.some((x) => x.preferred),
      })),
    ),
  };
}
