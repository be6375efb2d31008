// `pinsight scan [--format text|json|sarif] [--kernel V] [--fix] PATH...`
// Lists every GUP/PUP call with its flag sets and reports the findings, for a file, a driver or a
// whole kernel tree. Exit codes: 0 no findings at or above --fail-on (warning), 1 such findings, 2 bad
// usage or internal error.
import { resolve } from 'node:path';
import { findingTouched } from './diff-lines.js';
import { touchedUnder } from './scan-diff.js';
import { kernelOfBuild, macrosUnder } from './scan-build-facts.js';
import { analyzeFile, applyEdits, FINDING_RULES } from '../engine/index.js';
import { findKernelMakefile, normalizeKernel } from '../engine/kernel-version.js';
import { loadCParser, type CParser } from '../engine/parser.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import { BuildFactsLookup } from '../project/file-facts.js';
import type { FileAnalysis, Finding, KernelRange, TextEdit } from '../engine/types.js';
import { failsRun } from '../project/policy.js';
import { includeDirsOf, ProjectFiles, type ProjectConfig } from '../project/project-file.js';
import type { ProjectIndex } from '../index/project-index.js';
import { indexTree, recordCallerCalls } from '../index/tree-sources.js';
import { indexAnalysis } from '../index/analyse.js';
import { classifyRoots } from '../scan/walk.js';
import type { CliIO, Command } from './command.js';
import { listSourceFiles } from './scan-files.js';
import { checkPaths, scanFast } from './scan-fast.js';
import { fastScanWanted, parseScanOptions, type Format } from './scan-options.js';
import { displayPath, formatText, jsonReport, toJson, type FileResult, type ScanResult } from './scan-report.js';
import { escapeRawInJson, printable, printableJson } from './printable.js';
import { jsonParts } from './json-stream.js';
import { toSarif } from './sarif.js';
import { applyScanPolicy, cliPolicy, keptFindings, type PolicyContext } from './scan-policy.js';
import { readForFix, writeFixed, type ReadForFix } from './safe-write.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { isDirectory } from './file-kind.js';

const MAX_FIX_PASSES = 5;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'list GUP/PUP calls with their FOLL_* flag sets and report findings',
  usage: [
    'usage: pinsight scan [--format text|json|sarif] [--kernel V] [--fix] [--fail-on LEVEL] [--disable CODE]... [--severity CODE=LEVEL]...',
    '                     [--baseline FILE] [--write-baseline FILE] [--diff REV|-] [-v] PATH...',
    '',
    'Scans C files (directories: every .c and .h file below) for get_user_pages*/pin_user_pages*/access_process_vm',
    'calls, resolves the FOLL_* flags each can receive, and reports findings.',
    '',
    'options:',
    '  --format F   text (gcc style, default), json, or sarif (SARIF 2.1.0)',
    '  --kernel V   target kernel (e.g. 6.1, 6.12); default: VERSION/PATCHLEVEL of the tree\'s top Makefile',
    '  --fix        apply the preferred fix of every finding, in place, then report what remains',
    '  --fail-on L  error, warning (default), note or never: findings at or above L make the exit status 1',
    '  --disable C  do not report finding code C (repeatable, or a comma list)',
    '  --severity C=L  report code C as error, warning, note or hint',
    '  --baseline F    findings whose fingerprints F lists are reported as suppressed and do not fail the run',
    '  --write-baseline F  write the fingerprints of every finding to F (then they do not fail this run)',
    '  -v, --verbose  text: list every call with its flag sets, marking what could not be resolved',
    '  -I, --include-dir D  also read D\'s headers for wrappers of entry points (e.g. KDIR/include); never reported',
    '  --diff REV   patch mode: only findings on lines `git diff REV` touches (with `-`: a unified diff on stdin,',
    '               paths relative to the current directory); the files must be as the patch leaves them. PATH: default .',
    '',
    `finding codes: ${FINDING_RULES.map((r) => r.code).join(', ')}`,
    'A `.pinsight.json` at or above the scanned paths sets kernel, disable, severity and ignore; options win over it.',
    'A compile_commands.json at or above the scanned paths (or named by .pinsight.json\'s compileCommands) gives each',
    'file the build\'s -D/-U/-include facts: CONFIG_* and LINUX_VERSION_CODE decide its #ifdef/#if arms.',
    'A comment `/* pinsight: ignore[CODE] reason */` on a finding\'s line or the line before silences it.',
    '',
    'exit status: 0 no findings at or above --fail-on, 1 such findings, 2 bad usage or internal error',
  ].join('\n'),
  async run(argv, io) {
    const options = parseScanOptions(argv);
    const codes = FINDING_RULES.map((r) => r.code);
    const policy: PolicyContext = {
      cli: cliPolicy(options, codes),
      projects: new ProjectFiles(codes, (w) => io.err(`pinsight scan: warning: ${w}`)),
      cwd: io.cwd,
    };
    const fast = fastScanWanted(options.fix); // server/scan, same result (issue 6)
    if (fast) checkPaths(options.paths, io.cwd);
    // Patch mode: only the source files the diff touches under the PATHs are analysed.
    const patch = options.diff !== undefined ? await touchedUnder(options.diff, options.paths, io) : undefined;
    const scanPaths = patch ? [...patch.keys()] : options.paths;
    const files = fast ? [] : scanPaths.length > 0 ? listSourceFiles(scanPaths, io.cwd) : [];
    const roots = options.paths.map((p) => projectOf(policy.projects, resolve(io.cwd, p)));
    const build = new BuildFactsLookup((p, isDirectory) => policy.projects.forPath(p, isDirectory), (w) => io.err(`pinsight scan: warning: ${printable(w)}`));
    const { kernel, source } = resolveKernel(options.kernel, options.paths, io, roots, build);
    const macros = macrosUnder(scanPaths, io.cwd, kernel, build);
    const kernels = roots.find((r) => r?.kernels)?.kernels;
    const keep = (path: string, findings: readonly Finding[]) => keptFindings(path, findings, policy).filter((f) => !f.suppressed);
    const given = options.includeDirs.map((d) => resolve(io.cwd, d));
    checkIncludeDirs(given);
    // A project file's include directory that is not there is said once and left out.
    const fromProjects = [...new Set(roots.flatMap((r) => includeDirsOf(r)))].filter((d) => isDirectory(d) || (io.err(`pinsight scan: warning: include directory ${printable(d)} (.pinsight.json) is not a directory; left out`), false));
    const includeDirs = [...given, ...fromProjects];
    let scanned = fast
      ? scanPaths.length > 0
        ? await scanFast(scanPaths, io.cwd, kernel, source, includeDirs, kernels, macros)
        : scan(await loadCParser(), [], kernel, source)
      : await scanPlain(files, options.paths, io.cwd, kernel, source, options.fix, keep, includeDirs, kernels, macros);
    // Patch mode: the findings on the lines the change touches (or whose related locations it touches).
    if (patch) scanned = { ...scanned, files: scanned.files.map((f) => ({ ...f, findings: f.findings.filter((x) => findingTouched(x, patch.get(f.path) ?? new Set())) })) };
    const result = { ...applyScanPolicy(scanned, policy, { read: options.baseline, write: options.writeBaseline }), ...(kernels ? { kernels } : {}) };
    // A huge JSON report is written as it is made (json-stream.ts), never held whole (issue 14).
    if (options.format === 'json' && io.write) {
      for (const part of jsonParts(jsonReport(result, io.cwd), 2, { escape: escapeRawInJson })) await io.write(part);
      await io.write('\n');
    } else io.out(render(result, options.format, io, options.verbose));
    for (const file of result.files) {
      for (const f of file.findings) if (f.ignoredSuppression) io.err(`pinsight scan: warning: ${printable(displayPath(file.path, io.cwd))}:${f.ignoredSuppression.line}: ${printable(f.ignoredSuppression.message)}`);
    }
    for (const w of result.warnings ?? []) io.err(`pinsight scan: ${w}`);
    for (const e of result.errors) io.err(`pinsight scan: internal error: ${e}`);
    if (result.errors.length > 0) return EXIT_USAGE;
    return result.files.some((f) => f.findings.some((x) => failsRun(x, options.failOn))) ? EXIT_FINDINGS : EXIT_OK;
  },
};

/** The project file that governs a PATH (a file or a directory; a missing one is reported by the scan). */
function projectOf(projects: ProjectFiles, path: string): ProjectConfig | undefined {
  return projects.forPath(path, isDirectory(path));
}

/**
 * --kernel, else each PATH's project file's `kernel`, its tree's top Makefile, the KDIR its module
 * Makefile names, or the version.h of its compile_commands.json; all PATHs must agree.
 */
function resolveKernel(given: string | undefined, paths: string[], io: CliIO, projects: readonly (ProjectConfig | undefined)[], build: BuildFactsLookup): { kernel: string; source: string } {
  if (given) return { kernel: given, source: '--kernel' };
  const cwd = io.cwd;
  const noted = new Set<string>();
  // A Makefile that is a FIFO, a device or oversized is skipped with one line (several PATHs may pass it).
  const note = (line: string) => noted.has(line) || (noted.add(line), io.err(`pinsight scan: ${line}`));
  const found = paths.map((p, i) => {
    const project = projects[i];
    if (project?.kernel) return { path: p, version: project.kernel, source: displayPath(project.path, cwd) };
    // A project that declares only the range it supports is analysed as its oldest kernel, and for the rest of the range.
    if (project?.kernels) return { path: p, version: project.kernels.from, source: `${displayPath(project.path, cwd)} "kernels": ${project.kernels.from}..${project.kernels.to}` };
    const tree = findKernelMakefile(resolve(cwd, p), note);
    if (tree) return { path: p, version: tree.version, source: tree.how ?? displayPath(tree.makefile, cwd) };
    const built = kernelOfBuild(resolve(cwd, p), build, cwd);
    return { path: p, version: built?.version, source: built?.source ?? '' };
  });
  const missing = found.find((f) => !f.version);
  if (missing) throw new UsageError(`cannot tell the kernel version of '${missing.path}': no top Makefile with VERSION and PATCHLEVEL above it, no KDIR in a module Makefile, no version.h in a compile_commands.json and no "kernel" in a .pinsight.json; pass --kernel V`);
  const versions = new Set(found.map((f) => f.version));
  if (versions.size > 1) throw new UsageError(`the PATHs are in trees of different kernels (${[...versions].join(', ')}); scan them separately or pass --kernel V`);
  const first = found[0]!;
  try {
    return { kernel: normalizeKernel(first.version!), source: first.source };
  } catch (error) {
    throw new UsageError(`${first.source}: ${error instanceof Error ? error.message : String(error)}; pass --kernel V`);
  }
}

/** An include directory given with -I that is not a directory is a usage error, as a PATH is. */
function checkIncludeDirs(dirs: readonly string[]): void {
  for (const dir of dirs) if (!isDirectory(dir)) throw new UsageError(`-I: '${dir}' is not a directory`);
}


/** The plain path: the project index of the PATHs (and include directories) first, then every file. */
export async function scanPlain(
  files: string[],
  paths: readonly string[],
  cwd: string,
  kernel: string,
  kernelSource: string,
  fix = false,
  fixable?: (path: string, findings: readonly Finding[]) => Finding[],
  includeDirs: readonly string[] = [],
  kernels?: KernelRange,
  /** The build's macro facts by absolute path (compile_commands.json). */
  macros?: Readonly<Record<string, MacroFacts>>,
): Promise<ScanResult> {
  const parser = await loadCParser();
  const { index, callers } = await indexTree(classifyRoots(paths, cwd), includeDirs, indexAnalysis(parser, () => kernel, kernels));
  // The calls through wrappers first, so a wrapper's parameter is followed into them.
  await recordCallerCalls(index, callers, (path, text, wrappers) => analyzeFile(parser, path, text, { kernel, macros: macros?.[resolve(path)], wrappers }));
  return scan(parser, files, kernel, kernelSource, fix, fixable, index, kernels, macros);
}

/** Scans files (and fixes them in place with `fix`); exported for tests and benchmarks. */
export function scan(
  parser: CParser,
  files: string[],
  kernel: string,
  kernelSource: string,
  fix = false,
  /** The findings --fix may fix (the policy's, not suppressed); all when absent. */
  fixable: (path: string, findings: readonly Finding[]) => Finding[] = (_, f) => [...f],
  /** The project index (server/index/): calls through wrappers, parameters followed across files. */
  project?: ProjectIndex,
  /** The project's supported kernels: findings for each (server/engine/kernel-range.ts). */
  kernels?: KernelRange,
  /** The build's macro facts by absolute path (compile_commands.json). */
  macros?: Readonly<Record<string, MacroFacts>>,
): ScanResult {
  const wrappers = project?.table;
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
      analysis = analyzeFile(parser, path, text, { kernel, kernels, macros: macros?.[resolve(path)], wrappers, crossFileCallers: project && ((name) => project.callersOf(name, path)) });
    } catch (error) {
      // One file the engine cannot handle must not hide the others' results.
      errors.push(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    if (fix && fixable(path, analysis.findings).length > 0) {
      const before = { text, analysis };
      let fixedHere = 0;
      for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
        const { edits, count } = preferredEdits({ ...analysis, findings: fixable(path, analysis.findings) });
        if (count === 0) break;
        text = applyEdits(text, edits);
        fixedHere += count;
        analysis = analyzeFile(parser, path, text, { kernel, kernels, macros: macros?.[resolve(path)], wrappers, crossFileCallers: project && ((name) => project.callersOf(name, path)) });
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

function render(result: ScanResult, format: Format, io: CliIO, verbose: boolean): string {
  if (format === 'json') return printableJson(toJson(result, io.cwd), 2);
  if (format === 'sarif') return printableJson(toSarif(result, io.cwd), 2);
  return formatText(result, io.cwd, verbose);
}
