// The engine as the server uses it: which kernel a file targets, and the analysis of an open
// document, computed once per document version and settings.
import { dirname } from 'node:path';
import { analyzeTree, detectKernelVersion, FINDING_RULES, parseKernelVersion } from '../engine/index.js';
import type { Tree } from '../engine/parser.js';
import type { FileAnalysis } from '../engine/types.js';
import { sliceForEngine } from '../scan/engine-reach.js';
import type { OpenDocument } from './document-store.js';
import { DEFAULT_SETTINGS, validateSettings, type Settings, type ValidatedSettings } from './settings.js';

/**
 * The kernel assumed when `pinsight.kernel` is "auto" and no kernel Makefile is found above the
 * file (an out-of-tree module): the newest kernel the model was checked against.
 */
export const FALLBACK_KERNEL = '6.12';

export type KernelSource = 'setting' | 'detected' | 'fallback';

export interface TargetKernel {
  kernel: string;
  source: KernelSource;
}

export const FINDING_CODES: readonly string[] = FINDING_RULES.map((r) => r.code);

export class Analyzer {
  private settings: Settings = { ...DEFAULT_SETTINGS };
  /** Bumped on every settings change, so cached analyses made under old settings are dropped. */
  private generation = 0;
  private readonly kernelByDir = new Map<string, string | undefined>();
  private readonly cache = new WeakMap<OpenDocument, { key: string; text: string; analysis: FileAnalysis }>();

  private readonly noted = new Set<string>();

  /**
   * `note` gets one line for each Makefile on the way up that was not read (a FIFO, a device,
   * oversized: server/engine/safe-read.ts); the detection never blocks on one.
   */
  constructor(
    private readonly workspaceRoots: () => readonly string[],
    private readonly note: (line: string) => void = () => undefined,
  ) {}

  /** Validates and applies a raw `pinsight` settings section; returns the warnings. */
  updateSettings(raw: unknown): ValidatedSettings {
    const validated = validateSettings(raw, FINDING_CODES);
    this.settings = validated.settings;
    this.generation++;
    this.kernelByDir.clear();
    return validated;
  }

  get current(): Readonly<Settings> {
    return this.settings;
  }

  /** The kernel a file (or, without a path, the workspace) is analysed for. */
  targetKernel(path?: string): TargetKernel {
    if (this.settings.kernel !== 'auto') return { kernel: this.settings.kernel, source: 'setting' };
    const dirs = path ? [dirname(path)] : this.workspaceRoots();
    for (const dir of dirs) {
      const found = this.detect(dir);
      if (found) return { kernel: found, source: 'detected' };
    }
    return { kernel: FALLBACK_KERNEL, source: 'fallback' };
  }

  isEnabled(code: string): boolean {
    return !this.settings.disabledFindings.includes(code);
  }

  /**
   * The analysis of an open document, computed once per version, text and settings. A text whose
   * code calls no entry point is answered without its tree, as `pinsight scan` answers it
   * (sliceForEngine in server/scan/engine-reach.ts), so the document's lazy re-parse
   * (document-store.ts) is never paid on a keystroke in such a file (mm/gup.c, say).
   */
  analyze(doc: OpenDocument): FileAnalysis {
    const { kernel } = this.targetKernel(doc.path);
    const key = `${doc.document.version}:${this.generation}:${kernel}`;
    const text = doc.document.getText();
    const cached = this.cache.get(doc);
    // The text too: a client may send a change without a new version number (out of order, or a repeat).
    if (cached?.key === key && cached.text === text) return cached.analysis;
    const analysis = !sliceForEngine(text) ? { calls: [], findings: [], kernel } : this.analyzeText(text, doc.tree, doc.path);
    this.cache.set(doc, { key, text, analysis });
    return analysis;
  }

  /** The analysis of any text with its tree (a file on disk, for the workspace scan). */
  analyzeText(text: string, tree: Tree, path: string | undefined): FileAnalysis {
    return analyzeTree(text, tree, {
      kernel: this.targetKernel(path).kernel,
      path,
      enabled: (code: string) => this.isEnabled(code),
    });
  }

  private detect(dir: string): string | undefined {
    if (!this.kernelByDir.has(dir)) {
      const note = (line: string) => this.noted.has(line) || (this.noted.add(line), this.note(line));
      // A tree whose Makefile names a kernel pinsight does not answer for (4.19, say) counts as no tree.
      const found = detectKernelVersion(dir, note);
      this.kernelByDir.set(dir, found !== undefined && parseKernelVersion(found) ? found : undefined);
    }
    return this.kernelByDir.get(dir);
  }
}

/** Where the target kernel came from, in words, for hovers and the status bar. */
export function kernelNote(target: TargetKernel): string {
  switch (target.source) {
    case 'setting':
      return `kernel ${target.kernel} from the pinsight.kernel setting`;
    case 'detected':
      return `kernel ${target.kernel} from the kernel tree's top Makefile`;
    case 'fallback':
      return `no kernel Makefile above this file: assuming ${target.kernel} (set pinsight.kernel)`;
  }
}
