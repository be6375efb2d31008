// What `pinsight scan` does with the engine's findings before it reports them: the project file's
// and the command line's policy (codes off, severities), `ignore` globs, baselines, and which
// findings fail the run. The command line wins over `.pinsight.json`.
import { resolve } from 'node:path';
import type { Finding } from '../engine/types.js';
import { baselinePath, findingFingerprint, readBaseline, writeBaseline, type BaselineEntry } from '../project/baseline.js';
import { applyPolicy, mergePolicies, parseSeverity, SEVERITY_WORDS, type FindingPolicy } from '../project/policy.js';
import { isIgnored, projectPolicy, type ProjectFiles } from '../project/project-file.js';
import type { ScanOptions } from './scan-options.js';
import type { FileResult, ScanResult } from './scan-report.js';
import { UsageError } from './usage-error.js';

/** `--disable` and `--severity` checked against the engine's codes; a usage error names the known ones. */
export function cliPolicy(options: Pick<ScanOptions, 'disable' | 'severity'>, codes: readonly string[]): FindingPolicy {
  const known = `known codes: ${codes.join(', ')}`;
  for (const code of options.disable) if (!codes.includes(code)) throw new UsageError(`--disable: unknown finding code '${code}' (${known})`);
  const severity: FindingPolicy['severity'] = {};
  for (const pair of options.severity) {
    const eq = pair.indexOf('=');
    const code = eq < 0 ? pair : pair.slice(0, eq).trim();
    if (eq < 0) throw new UsageError(`--severity: expected CODE=LEVEL, got '${pair}'`);
    if (!codes.includes(code)) throw new UsageError(`--severity: unknown finding code '${code}' (${known})`);
    const level = parseSeverity(pair.slice(eq + 1).trim());
    if (!level) throw new UsageError(`--severity: '${pair.slice(eq + 1)}' is not one of ${SEVERITY_WORDS.join(', ')}`);
    (severity as Record<string, Finding['severity']>)[code] = level;
  }
  return { disabled: new Set(options.disable), severity };
}

export interface PolicyContext {
  projects: ProjectFiles;
  cli: FindingPolicy;
  cwd: string;
}

/** The findings of one file that the policy keeps (for --fix: what it may fix). */
export function keptFindings(path: string, findings: readonly Finding[], context: PolicyContext): Finding[] {
  const project = context.projects.forPath(path);
  if (isIgnored(project, path)) return [];
  return applyPolicy(findings, mergePolicies(projectPolicy(project), context.cli));
}

/** The scan's result after the policy, `ignore` globs and the baseline (read, then written if asked). */
export function applyScanPolicy(result: ScanResult, context: PolicyContext, baseline: { read?: string; write?: string }): ScanResult {
  const at = (path: string) => resolve(context.cwd, path);
  const files: FileResult[] = [];
  for (const file of result.files) {
    if (isIgnored(context.projects.forPath(file.path), file.path)) continue;
    files.push({ ...file, findings: keptFindings(file.path, file.findings, context) });
  }
  if (baseline.read) {
    let fingerprints: Set<string>;
    try {
      fingerprints = readBaseline(at(baseline.read));
    } catch (error) {
      throw new UsageError(`--baseline ${baseline.read}: ${error instanceof Error ? error.message : String(error)}`);
    }
    markBaselined(files, context.cwd, baseline.read, (fp) => fingerprints.has(fp));
  }
  if (baseline.write) {
    const entries: BaselineEntry[] = [];
    for (const file of files) {
      for (const f of file.findings) {
        if (f.suppressed?.kind === 'inline') continue;
        entries.push({ fingerprint: findingFingerprint(file.path, f, context.cwd), code: f.code, file: baselinePath(file.path, context.cwd), line: f.range.start.row + 1 });
      }
    }
    try {
      writeBaseline(at(baseline.write), entries);
    } catch (error) {
      throw new UsageError(`--write-baseline ${baseline.write}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    markBaselined(files, context.cwd, baseline.write, () => true);
  }
  return { ...result, files };
}

function markBaselined(files: FileResult[], cwd: string, path: string, has: (fingerprint: string) => boolean): void {
  for (const file of files) {
    file.findings = file.findings.map((f) =>
      f.suppressed || !has(findingFingerprint(file.path, f, cwd)) ? f : { ...f, suppressed: { kind: 'baseline', reason: `in the baseline ${path}` } },
    );
  }
}
