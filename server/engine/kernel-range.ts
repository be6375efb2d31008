// A project that declares the kernels it supports (`.pinsight.json`: "kernels": "6.1..6.12") gets
// its findings for all of them: the file is analysed on one kernel per stretch of releases on which
// nothing the analysis reads changes (the change points: every sim-core behaviour's since/until,
// every entry point's since/removedIn and signature/check band), and each finding says on which of
// them it holds ("holds before 6.2; not from 6.2"); a finding whose severity changes across the
// range (a warning on 6.1, a note from 6.2) is one finding per severity. A fix is kept only where
// every kernel of the range offers the same edits at that place: a fix right on 6.12 and wrong on
// 6.1 is never offered to a driver that still supports 6.1.
import { behaviours } from '../../sim-core/index.js';
import { ENTRY_POINTS } from './entry-point-table.js';
import { compareKernel } from './kernel-version.js';
import type { FileAnalysis, Finding, KernelRange } from './types.js';

/** The releases at which something the analysis reads changes. */
function changePoints(): string[] {
  const points = new Set<string>();
  for (const b of behaviours()) {
    points.add(b.since);
    if (b.until) points.add(b.until);
  }
  for (const e of ENTRY_POINTS) {
    if (e.since) points.add(e.since);
    if (e.removedIn) points.add(e.removedIn);
    for (const band of [...e.signatures, ...e.checks]) points.add(band.from);
  }
  return [...points];
}

let points: string[] | undefined;

/** One kernel per stretch of `range` on which the analysis gives one answer: its first release. */
export function representativeKernels(range: KernelRange): string[] {
  points ??= changePoints();
  const inside = points.filter((p) => compareKernel(p, range.from) > 0 && compareKernel(p, range.to) <= 0);
  return [range.from, ...new Set(inside)].sort(compareKernel);
}

/**
 * Merges the analyses of one file on each representative kernel (`byKernel`, in order, the
 * target's among them): the target's calls; every finding that holds on some kernel of the range,
 * worded for the first kernel it holds on from the target on (else the first), with where it holds.
 */
export function mergeAcrossKernels(target: string, range: KernelRange, byKernel: readonly { kernel: string; analysis: FileAnalysis }[]): FileAnalysis {
  const primary = byKernel.find((k) => k.kernel === target) ?? byKernel[0]!;
  const kernels = byKernel.map((k) => k.kernel);
  const seen = new Map<string, { finding: Finding; place: string; on: Set<string> }>();
  /** Per place (code and fingerprint): on how many kernels each fix's edits are offered. */
  const fixes = new Map<string, Map<string, Set<string>>>();
  // The target's own findings first, so theirs is the wording kept.
  const ordered = [primary, ...byKernel.filter((k) => k !== primary)];
  for (const { kernel, analysis } of ordered) {
    for (const finding of analysis.findings) {
      const place = `${finding.code}\0${finding.fingerprint ?? `${finding.range.start.row}:${finding.range.start.column}`}`;
      const key = `${place}\0${finding.severity}`;
      let entry = seen.get(key);
      if (!entry) seen.set(key, (entry = { finding, place, on: new Set() }));
      entry.on.add(kernel);
      const offered = fixes.get(place) ?? fixes.set(place, new Map()).get(place)!;
      for (const fix of finding.fixes) {
        const id = JSON.stringify(fix.edits);
        (offered.get(id) ?? offered.set(id, new Set()).get(id)!).add(kernel);
      }
    }
  }
  const everywhere = (place: string, edits: unknown) => fixes.get(place)?.get(JSON.stringify(edits))?.size === kernels.length;
  const findings: Finding[] = [];
  for (const { finding, place, on } of seen.values()) {
    const holds = describeHolds(kernels, on, range);
    findings.push({
      ...finding,
      message: `${finding.message} On this project's kernels (${range.from}..${range.to}): ${holds}.`,
      fixes: finding.fixes.filter((f) => everywhere(place, f.edits)),
      onKernels: { range, holds },
    });
  }
  findings.sort((a, b) => a.range.start.row - b.range.start.row || a.range.start.column - b.range.start.column || (a.code < b.code ? -1 : 1));
  return { ...primary.analysis, findings, kernels: range };
}

/** "holds on all of them", "holds before 6.2; not from 6.2", "not before 6.5; holds from 6.5". */
export function describeHolds(kernels: readonly string[], on: ReadonlySet<string>, range: KernelRange): string {
  if (kernels.every((k) => on.has(k))) return `holds on all of them`;
  const parts: string[] = [];
  for (let i = 0; i < kernels.length; ) {
    const holds = on.has(kernels[i]!);
    let j = i;
    while (j + 1 < kernels.length && on.has(kernels[j + 1]!) === holds) j++;
    const verb = holds ? 'holds' : 'not';
    const next = kernels[j + 1];
    if (i === 0) parts.push(next ? `${verb} before ${next}` : `${verb} on ${range.from}..${range.to}`);
    else parts.push(next ? `${verb} from ${kernels[i]} to before ${next}` : `${verb} from ${kernels[i]}`);
    i = j + 1;
  }
  return parts.join('; ');
}
