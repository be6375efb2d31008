// The engine as the server uses it: which kernel a file targets, and the analysis of an open
// document, computed once per document version and settings.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { KernelSource } from '../../protocol/requests.js';
import { kernelFor } from '../../sim-core/index.js';
import { analyzeFile, analyzeTree, FINDING_RULES, parseKernelVersion } from '../engine/index.js';
import { findKernelMakefile } from '../engine/kernel-version.js';
import { macroFactsFor, type BuildFacts } from '../project/build-facts.js';
import { BuildFactsLookup } from '../project/file-facts.js';
import type { Tree } from '../engine/parser.js';
import type { FileAnalysis } from '../engine/types.js';
import { applyPolicy, mergePolicies } from '../project/policy.js';
import { includeDirsOf, isIgnored, ProjectFiles, projectPolicy, type ProjectConfig } from '../project/project-file.js';
import type { CParser } from '../engine/parser.js';
import { definesEntryMacro, mentionsWrapper } from '../engine/wrappers.js';
import { ProjectIndex, type IndexChange } from '../index/project-index.js';
import { indexTree, recordCallerCalls } from '../index/tree-sources.js';
import { indexAnalysis } from '../index/analyse.js';
import { sliceForEngine } from '../scan/engine-reach.js';
import type { OpenDocument } from './document-store.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, validateSettings, type Settings, type ValidatedSettings } from './settings.js';

/**
 * The kernel assumed when `pinsight.kernel` is "auto" and no kernel Makefile is found above the
 * file (an out-of-tree module): the newest kernel the model was checked against.
 */
export const FALLBACK_KERNEL = '6.12';

export interface TargetKernel {
  kernel: string;
  source: KernelSource;
  /** The `.pinsight.json` that gave the kernel (source 'project'). */
  projectFile?: string;
  /** Where a detected kernel came from, when not the tree's own top Makefile: a module's KDIR, the build's version.h. */
  how?: string;
}

/** How long the server trusts what it read of `.pinsight.json` files (they change while it runs). */
export const PROJECT_FILE_MAX_AGE_MS = 2000;

export const FINDING_CODES: readonly string[] = FINDING_RULES.map((r) => r.code);

export class Analyzer {
  private settings: Settings = { ...DEFAULT_SETTINGS };
  /** Bumped on every settings change, so cached analyses made under old settings are dropped. */
  private generation = 0;
  private readonly kernelByDir = new Map<string, { version: string; how?: string } | undefined>();
  /** compile_commands.json's facts per file (server/project/file-facts.ts); a new lookup when a project file changes. */
  private build: BuildFactsLookup;
  private readonly cache = new WeakMap<OpenDocument, { key: string; text: string; analysis: FileAnalysis }>();

  private readonly projects: ProjectFiles;
  private projectWarnings: string[] = [];
  private readonly noted = new Set<string>();

  /**
   * The workspace's project index (server/index/): every analysis with a path reads it and records
   * in it what the file defines and calls through wrappers; a change tells onIndexChange.
   */
  index = new ProjectIndex();
  onIndexChange: (change: IndexChange) => void = () => undefined;

  /**
   * `note` gets one line for each Makefile on the way up that was not read (a FIFO, a device,
   * oversized: server/engine/safe-read.ts); the detection never blocks on one.
   */
  constructor(
    private readonly workspaceRoots: () => readonly string[],
    private readonly note: (line: string) => void = () => undefined,
  ) {
    this.projects = new ProjectFiles(FINDING_CODES, (w) => this.projectWarnings.push(w), PROJECT_FILE_MAX_AGE_MS);
    this.build = this.newBuildFacts();
  }

  private newBuildFacts(): BuildFactsLookup {
    return new BuildFactsLookup((p, isDirectory) => this.projects.forPath(p, isDirectory), (w) => this.projectWarnings.push(w));
  }

  /** The build's facts about a file (its compile_commands.json entry), if a database lists it. */
  buildFactsFor(path: string | undefined): BuildFacts | undefined {
    return path ? this.build.factsForFile(path) : undefined;
  }

  /** Warnings about `.pinsight.json` files read since the last call (each file's once). */
  takeProjectWarnings(): string[] {
    const taken = this.projectWarnings;
    this.projectWarnings = [];
    return taken;
  }

  /** Forgets what was read of `.pinsight.json` files (one was written, changed or deleted). */
  forgetProjectFiles(): void {
    this.projects.clear();
    this.build = this.newBuildFacts(); // compile_commands.json too (watched with the project files)
    this.kernelByDir.clear();
    this.generation++;
  }

  /** The project file that governs a file (or the first workspace root), if any. */
  projectFor(path?: string): ProjectConfig | undefined {
    if (path) return this.projects.forPath(path);
    const root = this.workspaceRoots()[0];
    return root ? this.projects.forPath(root, true) : undefined;
  }

  /** Validates and applies a raw `pinsight` settings section; returns the warnings. */
  updateSettings(raw: unknown): ValidatedSettings {
    const validated = validateSettings(raw, FINDING_CODES);
    this.settings = validated.settings;
    this.generation++;
    this.kernelByDir.clear();
    this.projects.clear();
    return validated;
  }

  get current(): Readonly<Settings> {
    return this.settings;
  }

  /** The kernel a file (or, without a path, the workspace) is analysed for. */
  targetKernel(path?: string): TargetKernel {
    if (this.settings.kernel !== 'auto') return { kernel: this.settings.kernel, source: 'setting' };
    const project = this.projectFor(path);
    if (project?.kernel) return { kernel: project.kernel, source: 'project', projectFile: project.path };
    // Only a range declared: its oldest kernel, the findings of the rest said on each (kernel-range.ts).
    if (project?.kernels) return { kernel: project.kernels.from, source: 'project', projectFile: project.path };
    const dirs = path ? [dirname(path)] : this.workspaceRoots();
    for (const dir of dirs) {
      const found = this.detect(dir);
      if (found) return { kernel: found.version, source: 'detected', ...(found.how ? { how: `the module's KDIR (${found.how})` } : {}) };
    }
    const built = this.buildFactsFor(path)?.kernelVersion;
    if (built && parseKernelVersion(built.version)) return { kernel: built.version, source: 'detected', how: `the build's ${built.file} (compile_commands.json)` };
    return { kernel: FALLBACK_KERNEL, source: 'fallback' };
  }

  /** Whether a code is reported: off when the settings or the project file disable it. */
  isEnabled(code: string, project?: ProjectConfig): boolean {
    return !this.settings.disabledFindings.includes(code) && !(project?.disable.includes(code) ?? false);
  }

  /**
   * The analysis of an open document, computed once per version, text and settings. A text whose
   * code calls no entry point is answered without its tree, as `pinsight scan` answers it
   * (sliceForEngine in server/scan/engine-reach.ts), so the document's lazy re-parse
   * (document-store.ts) is never paid on a keystroke in such a file (mm/gup.c, say).
   */
  analyze(doc: OpenDocument): FileAnalysis {
    const { kernel } = this.targetKernel(doc.path);
    const project = this.projectFor(doc.path);
    const key = `${doc.document.version}:${this.generation}:${kernel}:${project ? JSON.stringify(project) : ''}`;
    const text = doc.document.getText();
    const tooLarge = this.tooLarge(text.length);
    if (tooLarge) {
      // Neither parsed nor sliced (a slice reads the whole text too); a tree from when it was smaller goes.
      doc.dropTree();
      return { calls: [], findings: [], kernel, skipped: tooLarge };
    }
    const cached = this.cache.get(doc);
    // The text too: a client may send a change without a new version number (out of order, or a repeat).
    if (cached?.key === key && cached.text === text) return cached.analysis;
    // A file that calls only wrappers, or defines a macro one, is analysed too (its code may name no entry point).
    const mayMatter = sliceForEngine(text) || mentionsWrapper(text, this.index.table) || definesEntryMacro(text);
    const analysis = !mayMatter ? { calls: [], findings: [], kernel } : this.analyzeText(text, doc.tree, doc.path);
    this.cache.set(doc, { key, text, analysis });
    return analysis;
  }

  /** Why a text of `length` characters is not analysed in the editor, or undefined when it is. */
  tooLarge(length: number): string | undefined {
    const limit = this.settings.maxFileSizeMB;
    if (length <= limit * 1e6) return undefined;
    return `${(length / 1e6).toFixed(1)} MB, above ${SETTING_KEYS.maxFileSizeMB} (${limit} MB): not analysed in the editor (\`pinsight scan\` analyses it)`;
  }

  /** The analysis of any text with its tree (a file on disk, for the workspace scan). */
  /**
   * The analysis of any text with its tree (a file on disk, for the workspace scan), under the
   * project file's policy and the settings (which win): codes off, severities, `ignore` globs.
   */
  analyzeText(text: string, tree: Tree, path: string | undefined): FileAnalysis {
    const project = this.projectFor(path);
    const kernel = this.targetKernel(path).kernel;
    const facts = this.buildFactsFor(path);
    const analysis = analyzeTree(text, tree, {
      kernel,
      path,
      ...(facts ? { macros: macroFactsFor(facts, kernel) } : {}),
      kernels: project?.kernels,
      enabled: (code: string) => this.isEnabled(code, project),
      wrappers: this.index.table,
      collectWrappers: path !== undefined,
      crossFileCallers: path === undefined ? undefined : (name) => this.index.callersOf(name, path),
    });
    if (path !== undefined) this.record(path, analysis);
    if (path && isIgnored(project, path)) return { ...analysis, findings: [] };
    const policy = mergePolicies(projectPolicy(project), { disabled: new Set(this.settings.disabledFindings), severity: this.settings.severity });
    return { ...analysis, findings: applyPolicy(analysis.findings, policy) };
  }

  /** What an analysis tells the index; a change re-analyses what depends on it. */
  private record(path: string, analysis: FileAnalysis): void {
    const defined = this.index.set(path, analysis.wrappers);
    const called = this.index.setCalls(path, analysis.calls);
    if (defined.length === 0 && called.length === 0) return;
    this.generation++;
    this.onIndexChange({ defined, called, origin: path });
  }

  /** The include directories of the index: the setting's (relative to the first root) and the project file's. */
  includeDirs(): string[] {
    const root = this.workspaceRoots()[0] ?? process.cwd();
    const fromSetting = this.settings.includeDirs.map((d) => (isAbsolute(d) ? d : resolve(root, d)));
    return [...new Set([...fromSetting, ...includeDirsOf(this.projectFor())])];
  }

  /**
   * Builds the index from the workspace on disk (open documents re-analysed afterwards record their
   * own text over it): the files that name an entry point, the wrappers they define, the callers of
   * those. Yields between files.
   */
  async buildIndex(parser: CParser): Promise<{ wrappers: number; callers: number }> {
    const kernelOf = (path: string) => this.targetKernel(path).kernel;
    const index = new ProjectIndex();
    const { callers } = await indexTree({ dirs: this.workspaceRoots(), files: [] }, this.includeDirs(), indexAnalysis(parser, kernelOf), index);
    await recordCallerCalls(index, callers, (path, text, wrappers) => {
      const kernel = kernelOf(path);
      const facts = this.buildFactsFor(path);
      return analyzeFile(parser, path, text, { kernel, wrappers, ...(facts ? { macros: macroFactsFor(facts, kernel) } : {}) });
    });
    const change = index.changesFrom(this.index);
    this.index = index;
    if (change.defined.length > 0 || change.called.length > 0) {
      this.generation++;
      this.onIndexChange(change);
    }
    return { wrappers: index.size, callers: callers.size };
  }

  private detect(dir: string): { version: string; how?: string } | undefined {
    if (!this.kernelByDir.has(dir)) {
      const note = (line: string) => this.noted.has(line) || (this.noted.add(line), this.note(line));
      // A tree whose Makefile names a kernel pinsight does not answer for (4.19, say) counts as no tree.
      const found = findKernelMakefile(dir, note);
      this.kernelByDir.set(dir, found !== undefined && parseKernelVersion(found.version) ? { version: found.version, ...(found.how ? { how: found.how } : {}) } : undefined);
    }
    return this.kernelByDir.get(dir);
  }
}

/** Where the target kernel came from, in words, for hovers and the status bar. */
export function kernelNote(target: TargetKernel): string {
  // How the model answers for the kernel when not as itself (outside the known trees): said wherever the kernel is.
  const answered = kernelFor({ version: target.kernel }).notes().map((n) => `; ${n}`).join('');
  switch (target.source) {
    case 'setting':
      return `kernel ${target.kernel} from the pinsight.kernel setting${answered}`;
    case 'project':
      return `kernel ${target.kernel} from ${target.projectFile ?? '.pinsight.json'}${answered}`;
    case 'detected':
      return `kernel ${target.kernel} from ${target.how ?? "the kernel tree's top Makefile"}${answered}`;
    case 'fallback':
      return `no kernel Makefile above this file: assuming ${target.kernel} (set pinsight.kernel, or "kernel" in a .pinsight.json at the module's root)${answered}`;
  }
}
