// `pinsight check [Kbuild CHECK arguments] FILE...`: pinsight as Kbuild's CHECK program, beside or
// instead of sparse: `make C=1 CHECK="pinsight check"` runs it on every C file make recompiles
// (C=2: every C file) with `$(CHECK) $(CHECKFLAGS) $(c_flags) $<` (scripts/Makefile.build,
// cmd_checksrc). The compiler's -D/-U/-I/-include decide the file's #ifdef/#if arms
// (server/project/build-facts.ts): CONFIG_* from include/generated/autoconf.h, which Kbuild forces
// in through include/linux/kconfig.h, LINUX_VERSION_CODE from the include/generated/uapi/linux/version.h
// the include paths reach. Every other option (-std=, -m*, -f*, -W*, -Wp,..., -nostdinc, sparse's
// --arch= and -Wbitwise) is ignored, never an error. Findings are printed gcc-style on stderr, as
// sparse prints its warnings, so make shows them under the file's CHECK line.
import { resolve } from 'node:path';
import { FINDING_RULES, mentionsEntryPoint } from '../engine/index.js';
import { SourceAnalyzer } from '../scan/analyze-source.js';
import { findKernelMakefile, normalizeKernel } from '../engine/kernel-version.js';
import { loadCParser, type CParser } from '../engine/parser.js';
import { readRegularFile } from '../engine/safe-read.js';
import type { Finding } from '../engine/types.js';
import { factsFromArgs, HeaderReader, macroFactsFor, parseCompilerArgs, type BuildFacts } from '../project/build-facts.js';
import { FAIL_ON, failsRun, type FailOn } from '../project/policy.js';
import { ProjectFiles } from '../project/project-file.js';
import type { CliIO, Command } from './command.js';
import { printable } from './printable.js';
import { displayPath, kernelNotes } from './scan-report.js';
import { cliPolicy, keptFindings } from './scan-policy.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

/** A kernel C file far larger than any in the tree (the largest are ~1 MB) is not one to analyse. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

const GCC_SEVERITY: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** pinsight's own options; everything else on the line is the compiler's or sparse's. */
const OWN = ['--kernel', '--fail-on', '--disable', '--severity'] as const;

interface CheckOptions {
  kernel?: string;
  failOn: FailOn;
  disable: string[];
  severity: string[];
  verbose: boolean;
  /** The compiler's arguments, pinsight's own taken out. */
  compiler: string[];
}

export function parseCheckOptions(argv: readonly string[]): CheckOptions {
  const options: CheckOptions = { failOn: 'warning', disable: [], severity: [], verbose: false, compiler: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const own = OWN.find((o) => arg === o || arg.startsWith(`${o}=`));
    if (!own) {
      if (arg === '--pinsight-verbose') options.verbose = true;
      else options.compiler.push(arg);
      continue;
    }
    let value = arg.length > own.length ? arg.slice(own.length + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${own} needs a value`);
    value = value.trim();
    if (own === '--kernel') {
      try {
        options.kernel = normalizeKernel(value);
      } catch (error) {
        throw new UsageError(`--kernel: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else if (own === '--fail-on') {
      if (!FAIL_ON.includes(value as FailOn)) throw new UsageError(`--fail-on: '${value}' is not one of ${FAIL_ON.join(', ')}`);
      options.failOn = value as FailOn;
    } else if (own === '--disable') options.disable.push(...value.split(',').map((d) => d.trim()).filter(Boolean));
    else options.severity.push(value);
  }
  return options;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check C files with the compiler\'s flags, as Kbuild\'s CHECK program (make C=1 CHECK="pinsight check")',
  usage: [
    'usage: pinsight check [--kernel V] [--fail-on LEVEL] [--disable CODE]... [--severity CODE=LEVEL]... [--pinsight-verbose] [COMPILER ARGS] FILE...',
    '',
    'Takes what Kbuild passes a CHECK program (`$(CHECK) $(CHECKFLAGS) $(c_flags) FILE`):',
    '  make C=1 CHECK="pinsight check"            the C files make recompiles',
    '  make M=drivers/foo C=2 CHECK="pinsight check"   every C file of a module, compiled or not',
    '-D, -U, -include and -imacros decide the file\'s #if/#ifdef/#elif arms; CONFIG_* come from the',
    'include/generated/autoconf.h that -include include/linux/kconfig.h brings in, LINUX_VERSION_CODE and the',
    'target kernel from the linux/version.h the -I paths reach (else include/config/kernel.release).',
    'Every other option (-I, -isystem, -std=, -m*, -f*, -W*, -Wp,..., -nostdinc, --arch=, -Wbitwise) is ignored.',
    'Findings are printed gcc-style on stderr, as sparse prints its warnings; nothing is printed for a clean file.',
    '',
    'options:',
    '  --kernel V       target kernel (default: the build\'s version.h, else .pinsight.json\'s kernel, else the tree\'s Makefile or a module\'s KDIR)',
    '  --fail-on L      error, warning (default), note or never: findings at or above L make the exit status 1',
    '                   (make stops at the first file that fails: use never to see every file\'s findings)',
    '  --disable C      do not report finding code C;  --severity C=L  report code C as error, warning, note or hint',
    '  --pinsight-verbose  also print the target kernel and where it came from',
    'A `.pinsight.json` above the file applies (disable, severity, ignore); a `pinsight: ignore[CODE]` comment silences a finding.',
    '',
    'exit status: 0 no findings at or above --fail-on, 1 such findings, 2 bad usage, an unreadable file or an internal error',
  ].join('\n'),
  async run(argv, io) {
    const options = parseCheckOptions(argv);
    const codes = FINDING_RULES.map((r) => r.code);
    const cli = cliPolicy(options, codes);
    const files = parseCompilerArgs(options.compiler).files;
    if (files.length === 0) throw new UsageError('no source FILE given (usage: pinsight check [COMPILER ARGS] FILE...)');
    const projects = new ProjectFiles(codes, (w) => io.err(`pinsight check: warning: ${printable(w)}`));
    let facts: BuildFacts | undefined;
    let parser: CParser | undefined;
    let failed = false;
    let unreadable = false;
    for (const given of files) {
      const path = resolve(io.cwd, given);
      const read = readRegularFile(path, { maxBytes: MAX_SOURCE_BYTES });
      if (!read.bytes) {
        io.err(`pinsight check: ${printable(given)}: ${read.missing ? 'no such file' : read.reason}`);
        unreadable = true;
        continue;
      }
      const text = read.bytes.toString('utf8');
      // make C=1 runs this once per object: a file that names no entry point costs a read, nothing more.
      if (!mentionsEntryPoint(text) && !options.verbose) continue;
      facts ??= factsFromArgs(options.compiler, io.cwd, new HeaderReader((line) => io.err(`pinsight check: ${printable(line)}`)));
      parser ??= await loadCParser();
      const { kernel, source } = kernelOf(options.kernel, facts, path, io, projects);
      if (options.verbose) {
        io.err(`pinsight: ${printable(displayPath(path, io.cwd))}: Linux ${kernel} (${printable(source)})`);
        for (const n of kernelNotes(kernel)) io.err(`pinsight: note: ${n}`);
      }
      // The scan's slicing reader: the same answer as the whole file (server/scan), parsed smaller.
      const analysis = new SourceAnalyzer(parser, kernel, true, undefined, undefined, { [path]: macroFactsFor(facts, kernel) }).analyzeText(path, text);
      const kept = keptFindings(path, analysis?.findings ?? [], { projects, cli, cwd: io.cwd });
      for (const f of kept) {
        if (f.suppressed) continue;
        io.err(`${printable(displayPath(path, io.cwd))}:${f.range.start.row + 1}:${f.range.start.column + 1}: ${GCC_SEVERITY[f.severity]}: ${printable(f.message)} [${f.code}]`);
        if (failsRun(f, options.failOn)) failed = true;
      }
    }
    if (unreadable) return EXIT_USAGE;
    return failed ? EXIT_FINDINGS : EXIT_OK;
  },
};

/**
 * --kernel, else the build's version.h/kernel.release, else the `kernel` of the file's .pinsight.json,
 * else the tree's top Makefile or the module's KDIR above the file or the directory make runs in.
 */
function kernelOf(given: string | undefined, facts: BuildFacts, path: string, io: CliIO, projects: ProjectFiles): { kernel: string; source: string } {
  if (given) return { kernel: given, source: '--kernel' };
  const known = (version: string, source: string) => {
    try {
      return { kernel: normalizeKernel(version), source };
    } catch (error) {
      throw new UsageError(`${source}: ${error instanceof Error ? error.message : String(error)}; pass --kernel V`);
    }
  };
  if (facts.kernelVersion) return known(facts.kernelVersion.version, displayPath(facts.kernelVersion.file, io.cwd));
  const project = projects.forPath(path);
  if (project?.kernel) return known(project.kernel, displayPath(project.path, io.cwd));
  const note = (line: string) => io.err(`pinsight check: ${printable(line)}`);
  const tree = findKernelMakefile(path, note) ?? findKernelMakefile(io.cwd, note);
  if (!tree) throw new UsageError(`cannot tell the kernel version of '${path}': no linux/version.h in the -I paths, no include/config/kernel.release, no kernel Makefile above it; pass --kernel V`);
  return known(tree.version, tree.how ?? displayPath(tree.makefile, io.cwd));
}
