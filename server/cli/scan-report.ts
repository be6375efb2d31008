// The result of a scan, and its text and JSON forms. Lines and columns are 1-based here.
import { relative, isAbsolute } from 'node:path';
import { ruleDocsUrl } from '../engine/rules/index.js';
import type { CallSite, Finding, KernelRange } from '../engine/types.js';
import { findingFingerprint } from '../project/baseline.js';
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
  /** Where the version came from: "--kernel", the Makefile's path or the `.pinsight.json`'s. */
  kernelSource: string;
  /** The supported range of kernels a `.pinsight.json` gives (not yet used by the rules). */
  kernels?: KernelRange;
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

/** How many unresolved calls the text output names without -v. */
const UNRESOLVED_SHOWN = 10;

/** Whether part of a call's flags could not be resolved (a struct field, a parameter from another file). */
export function isPartlyUnresolved(call: CallSite): boolean {
  return call.flagSets.some((s) => s.unknown.length > 0);
}

function unresolvedOf(call: CallSite): string {
  return printable([...new Set(call.flagSets.flatMap((s) => s.unknown))].join(', '));
}

export function formatText(result: ScanResult, cwd: string, verbose = false): string {
  // Paths and messages come from the tree (file names, identifiers, text): escaped (printable.ts).
  const lines = [`pinsight: Linux ${result.kernel} (${printable(result.kernelSource)})`, ...kernelNotes(result.kernel).map((n) => `pinsight: note: ${n}`)];
  let calls = 0;
  let findings = 0;
  let suppressed = 0;
  const unresolved: string[] = [];
  for (const file of result.files) {
    calls += file.calls.length;
    for (const c of file.calls) {
      const at = `${printable(displayPath(file.path, cwd))}:${c.range.start.row + 1}:${c.range.start.column + 1}`;
      if (isPartlyUnresolved(c)) unresolved.push(`${at} ${c.callee}() (${unresolvedOf(c)})`);
      if (verbose) {
        const sets = printable(c.flagSets.map((s) => `{${[...s.flags, ...s.unknown.map((u) => `?${u}`)].join('|') || '0'}}`).join(' '));
        const via = c.via ? printable(` via ${c.via.join(' -> ')}()`) : '';
        lines.push(`${at}: call: ${c.callee}()${via} ${sets}${isPartlyUnresolved(c) ? ` [unresolved: ${unresolvedOf(c)}]` : ''}`);
      }
    }
    for (const f of file.findings) {
      if (f.suppressed) {
        suppressed++;
        continue;
      }
      findings++;
      const at = `${printable(displayPath(file.path, cwd))}:${f.range.start.row + 1}:${f.range.start.column + 1}`;
      lines.push(`${at}: ${GCC_SEVERITY[f.severity]}: ${printable(f.message)} [${f.code}]`);
      // The message is the verdict; with -v its related information follows as gcc's `note:` lines.
      if (verbose) for (const r of f.related) lines.push(`${printable(displayPath(file.path, cwd))}:${r.range.start.row + 1}:${r.range.start.column + 1}: note: ${printable(r.message)}`);
    }
  }
  if (!verbose && unresolved.length > 0) {
    const more = unresolved.length - UNRESOLVED_SHOWN;
    lines.push(`pinsight: flags partly unresolved at ${unresolved.slice(0, UNRESOLVED_SHOWN).join('; ')}${more > 0 ? `; and ${more} more (-v lists every call)` : ''}`);
  }
  if (result.fixed) lines.push(`pinsight: fixed ${result.fixed.findings} finding(s) in ${result.fixed.files} file(s)`);
  const extra = [unresolved.length > 0 ? `, ${unresolved.length} call(s) with flags partly unresolved` : '', suppressed > 0 ? `, ${suppressed} suppressed` : ''].join('');
  lines.push(`pinsight: ${result.filesScanned} file(s), ${calls} GUP/PUP call(s), ${findings} finding(s)${extra}`);
  return lines.join('\n');
}

export function toJson(result: ScanResult, cwd: string): unknown {
  const notes = kernelNotes(result.kernel);
  return {
    kernel: result.kernel,
    ...(notes.length ? { kernelNotes: notes } : {}),
    ...(result.kernels ? { kernels: result.kernels } : {}),
    calls: result.files.flatMap((file) =>
      file.calls.map((c) => ({
        file: displayPath(file.path, cwd),
        line: c.range.start.row + 1,
        column: c.range.start.column + 1,
        callee: c.callee,
        // The project's wrappers the call goes through, outermost first (server/engine/wrappers.ts).
        ...(c.via ? { via: c.via } : {}),
        family: c.family,
        function: c.function ?? null,
        flagSets: c.flagSets.map((s) => s.flags),
        impliedFlags: c.impliedFlags,
        // Beside flagSets, one entry per set: what could not be resolved, and on which path.
        flagSetDetails: c.flagSets.map((s) => ({ flags: s.flags, unknown: s.unknown, path: s.path ?? null })),
        partlyUnresolved: isPartlyUnresolved(c),
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
        docs: ruleDocsUrl(f.code),
        fingerprint: findingFingerprint(file.path, f, cwd),
        // { kind: "inline" | "baseline", reason, line? } when a comment or a baseline silences it.
        suppressed: f.suppressed ?? null,
        // With a declared range of kernels (.pinsight.json "kernels"): on which of them it holds.
        ...(f.onKernels ? { onKernels: f.onKernels } : {}),
        ...(f.ignoredSuppression ? { ignoredSuppression: f.ignoredSuppression } : {}),
      })),
    ),
  };
}
