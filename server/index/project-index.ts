// The project index: the wrappers of entry points that the files of a project define (compat-header
// macros, `static inline` helpers, functions that pass a flags parameter on), so that a call of one
// in any other file is analysed as the entry-point call it makes (server/engine/wrappers.ts).
//
// One index per scan root (CLI) or workspace (language server). It is filled from the analyses the
// scan makes anyway (AnalyzeOptions.collectWrappers: a file's wrappers come with its calls, and are
// cached with them by content), then closed over wrappers of wrappers: a file that calls a wrapper
// may define another one. Chains are followed MAX_WRAPPER_DEPTH deep.
import { wrapperTable, type WrapperTable } from '../engine/wrappers.js';
import type { CallSite, CrossFileCaller, WrapperDef } from '../engine/types.js';

/** How many wrappers deep a call is followed to its entry point (DRV_PIN -> drv_pin_impl -> pin_user_pages). */
export const MAX_WRAPPER_DEPTH = 4;

export class ProjectIndex {
  private readonly byFile = new Map<string, { key: string; defs: WrapperDef[] }>();
  private built: Map<string, WrapperDef[]> | undefined;
  /** Calls through wrappers, by file: the callers a wrapper's parameter is followed into. */
  private readonly viaByFile = new Map<string, { names: string[]; caller: CrossFileCaller }[]>();

  /** Records the wrappers `path` defines; true when that changes the table. */
  set(path: string, defs: readonly WrapperDef[] | undefined): boolean {
    // In line order, however the file was read (whole, or sliced with its macros apart).
    const list = defs ? [...defs].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)) : [];
    const key = JSON.stringify(list);
    const before = this.byFile.get(path);
    if ((before?.key ?? '[]') === key) return false;
    if (list.length === 0) this.byFile.delete(path);
    else this.byFile.set(path, { key, defs: list });
    this.built = undefined;
    return true;
  }

  delete(path: string): boolean {
    return this.set(path, undefined);
  }

  /** Every wrapper by name (definitions from several files, or several #if arms, side by side). */
  get table(): WrapperTable {
    this.built ??= wrapperTable([...this.byFile.keys()].sort().flatMap((p) => this.byFile.get(p)!.defs));
    return this.built;
  }

  get size(): number {
    return this.table.size;
  }

  names(): string[] {
    return [...this.table.keys()].sort();
  }

  /** The files that define wrappers. */
  files(): string[] {
    return [...this.byFile.keys()].sort();
  }

  /**
   * Records the calls `path` makes through wrappers (its analysis with the table); a function
   * wrapper's analysis then follows its flags parameter into them (AnalyzeOptions.crossFileCallers).
   */
  setCalls(path: string, calls: readonly CallSite[]): boolean {
    const through = calls.filter((c) => c.via).map((c) => ({ names: c.via!, caller: { path, function: c.function, line: c.range.start.row + 1, flagSets: c.flagSets } }));
    const before = this.viaByFile.get(path);
    if (JSON.stringify(before ?? []) === JSON.stringify(through)) return false;
    if (through.length > 0) this.viaByFile.set(path, through);
    else this.viaByFile.delete(path);
    return true;
  }

  /** The files that call a wrapper. */
  callerFiles(): string[] {
    return [...this.viaByFile.keys()].sort();
  }

  /** The calls of wrapper `name` from files other than `path` (its own file's calls the flow sees itself). */
  callersOf(name: string, path: string): CrossFileCaller[] {
    const out: CrossFileCaller[] = [];
    for (const [file, calls] of [...this.viaByFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (file === path) continue;
      for (const c of calls) if (c.names.includes(name)) out.push(c.caller);
    }
    return out;
  }

  /** The files that define a function wrapper with callers elsewhere: their own calls resolve further. */
  filesWithCalledFunctions(): string[] {
    return this.files().filter((file) => this.byFile.get(file)!.defs.some((d) => d.kind === 'function' && this.callersOf(d.name, file).length > 0));
  }

  /** A digest of the table, for keys of results that depend on it. */
  key(): string {
    return [...this.byFile.keys()].sort().map((p) => `${p}\0${this.byFile.get(p)!.key}`).join('\n');
  }
}
