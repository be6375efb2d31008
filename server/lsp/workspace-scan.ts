// The workspace scan: every C file under the workspace folders that names an entry point is analysed,
// so the Problems panel covers the whole tree, not only the open files. It reports work-done progress, can be
// cancelled (from the client's progress UI, by a new scan, or by shutdown), and yields to the event
// loop between files so hovers and edits are served while it runs.
import { readRegularFile } from '../engine/safe-read.js';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { NeedleSearch } from '../scan/needles.js';
import { ripgrepCandidates } from '../scan/ripgrep.js';
import { walkDirectories } from '../scan/walk.js';

/** What the scan needs from the server, so it can be driven without a connection. */
export interface ScanHost {
  roots(): readonly string[];
  /** ripgrep to list candidate files (the CLI scan's pre-filter), or undefined to walk in Node. */
  ripgrep?: string;
  isOpen(uri: string): boolean;
  /** Diagnostics for one file on disk. */
  analyzeFile(path: string, text: string): Diagnostic[];
  /** A cheap test that a file can hold a finding at all (names an entry point or a wrapper of one). */
  mayMatter(text: string): boolean;
  /** Files to read besides those naming an entry point: the project index's callers of wrappers. */
  moreFiles?(): readonly string[];
  publish(uri: string, diagnostics: Diagnostic[]): void;
}

export interface ScanProgress {
  begin(title: string, message?: string): void;
  report(percentage: number, message: string): void;
  done(): void;
  /** True once the user pressed cancel in the client's progress UI. */
  readonly cancelled: boolean;
}

export interface ScanSummary {
  files: number;
  analysed: number;
  withFindings: number;
  cancelled: boolean;
}

export class WorkspaceScanner {
  private generation = 0;
  /** URIs the last scan published diagnostics for, so a rescan can clear stale ones. */
  private published = new Set<string>();

  constructor(private readonly host: ScanHost) {}

  /** Cancels a running scan (its loop stops at the next file). */
  cancel(): void {
    this.generation++;
  }

  /** URIs with diagnostics from the scan (files not open in the editor). */
  get publishedUris(): ReadonlySet<string> {
    return this.published;
  }

  /** Re-analyses one file from disk (after the editor closed it) and republishes its diagnostics. */
  async rescanFile(path: string): Promise<void> {
    const uri = pathToFileURL(path).href;
    let diagnostics: Diagnostic[] = [];
    try {
      const text = readSourceText(path);
      if (this.host.mayMatter(text)) diagnostics = this.host.analyzeFile(path, text);
    } catch {
      // deleted or unreadable: nothing to show
    }
    if (this.host.isOpen(uri)) return;
    if (diagnostics.length > 0) this.published.add(uri);
    else this.published.delete(uri);
    this.host.publish(uri, diagnostics);
  }

  async run(progress: ScanProgress): Promise<ScanSummary> {
    const generation = ++this.generation;
    const stopped = () => generation !== this.generation || progress.cancelled;
    progress.begin('pinsight: scanning the workspace', 'listing C files');
    const summary: ScanSummary = { files: 0, analysed: 0, withFindings: 0, cancelled: false };
    const listed = await this.candidates();
    const files = [...new Set([...listed.files, ...(this.host.moreFiles?.() ?? [])])].sort();
    summary.files = listed.searched;
    const published = new Set<string>();
    let lastPercent = -1;
    for (let i = 0; i < files.length; i++) {
      if (stopped()) break;
      const path = files[i]!;
      const uri = pathToFileURL(path).href;
      const percent = Math.floor((i * 100) / files.length);
      if (percent !== lastPercent) {
        lastPercent = percent;
        progress.report(percent, `${i}/${files.length} files, ${summary.withFindings} with findings`);
      }
      if (this.host.isOpen(uri)) continue;
      let text: string;
      try {
        text = readSourceText(path);
      } catch {
        continue; // vanished or unreadable: nothing to report
      }
      if (!this.host.mayMatter(text)) continue;
      summary.analysed++;
      const diagnostics = this.host.analyzeFile(path, text);
      if (diagnostics.length > 0) {
        summary.withFindings++;
        published.add(uri);
        this.host.publish(uri, diagnostics);
      }
      // Let queued requests (hover, didChange, cancel) run between files.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    summary.cancelled = stopped();
    if (!summary.cancelled) {
      // Files that had findings in the previous scan and have none now.
      for (const uri of this.published) if (!published.has(uri) && !this.host.isOpen(uri)) this.host.publish(uri, []);
      this.published = published;
    } else {
      for (const uri of published) this.published.add(uri);
    }
    progress.done();
    return summary;
  }

  /**
   * The files worth reading: those ripgrep finds naming an entry point (as `pinsight scan` does),
   * or, without ripgrep or if it fails, every C file under the roots.
   */
  private async candidates(): Promise<{ files: string[]; searched: number }> {
    const roots = this.host.roots();
    if (this.host.ripgrep && roots.length > 0) {
      try {
        const files: string[] = [];
        const run = await ripgrepCandidates(this.host.ripgrep, roots, new NeedleSearch().exact, (path) => files.push(path));
        return { files: [...new Set(files)].sort(), searched: run.searched };
      } catch {
        // fall back to the walk
      }
    }
    // The CLI scan's walk: *.c and *.h, no hidden entries, no symbolic links.
    const files: string[] = [];
    await walkDirectories(roots, (batch) => files.push(...batch));
    return { files, searched: files.length };
  }
}

/**
 * A workspace file's text, if it is a regular file: listed as one, it may have become a FIFO or a
 * link to a device since, and the server must never wait on one (server/engine/safe-read.ts).
 */
function readSourceText(path: string): string {
  const read = readRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (!read.bytes) throw new Error(read.reason);
  return read.bytes.toString('utf8');
}
