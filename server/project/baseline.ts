// Baselines: the fingerprints of a tree's findings at one point, so a team adopts pinsight on an
// existing tree and CI fails only on new findings. A finding's fingerprint in a baseline (and in
// SARIF's partialFingerprints) is the engine's line-independent one (server/engine/fingerprint.ts)
// with the file's path relative to the directory pinsight runs in: run it from the same place
// (the tree's root, say) when writing and when checking.
import { createHash } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Finding } from '../engine/types.js';
import { readSmallFile } from './safe-read.js';

export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  code: string;
  file: string;
  /** For people reading the file; matching ignores it. */
  line: number;
}

/** The fingerprint of a finding in a file, as baselines and SARIF give it. */
export function findingFingerprint(path: string, finding: Finding, cwd: string): string {
  const file = baselinePath(path, cwd);
  return createHash('sha256').update(`${file}\0${finding.fingerprint ?? `${finding.code}@${finding.range.start.row}`}`).digest('hex').slice(0, 32);
}

/** A file's path in fingerprints: relative to where pinsight runs, '/'-separated. */
export function baselinePath(path: string, cwd: string): string {
  return relative(cwd, path).split(sep).join('/');
}

/** Reads a baseline's fingerprints; throws an Error with a one-line message when it is not one. */
export function readBaseline(path: string): Set<string> {
  const raw: unknown = JSON.parse(readSmallFile(path, MAX_BASELINE_BYTES));
  const findings = (raw as { findings?: unknown })?.findings;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(findings)) throw new Error('not a pinsight baseline (expected { "findings": [ { "fingerprint": ... } ] })');
  const fingerprints = new Set<string>();
  for (const entry of findings) {
    const fp = (entry as { fingerprint?: unknown })?.fingerprint;
    if (typeof fp !== 'string') throw new Error('not a pinsight baseline: an entry has no "fingerprint" string');
    fingerprints.add(fp);
  }
  return fingerprints;
}

/** Writes a baseline atomically (a temporary file, then a rename), sorted so it diffs well. */
export function writeBaseline(path: string, entries: BaselineEntry[]): void {
  const sorted = [...entries].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.code.localeCompare(b.code));
  const text = `${JSON.stringify({ version: BASELINE_VERSION, tool: 'pinsight', findings: sorted }, null, 2)}\n`;
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
    throw error;
  }
}
