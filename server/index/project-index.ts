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

  /** Records the wrappers `path` defines; returns the names whose definitions that changes (none: no change). */
  set(path: string, defs: readonly WrapperDef[] | undefined): string[] {
    // In line order, however the file was read (whole, or sliced with its macros apart).
    const list = defs ? [...defs].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)) : [];
    const key = JSON.stringify(list);
    const before = this.byFile.get(path);
    if ((before?.key ?? '[]') === key) return [];
    if (list.length === 0) this.byFile.delete(path);
    else this.byFile.set(path, { key, defs: list });
    this.built = undefined;
    return changedNames(before?.defs ?? [], list, (d) => d.name);
  }

  delete(path: string): string[] {
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

  /** Whether a file other than `path` defines a wrapper. */
  definedOutside(path: string): boolean {
    for (const file of this.byFile.keys()) if (file !== path) return true;
    return false;
  }

  /** The files that define wrappers. */
  files(): string[] {
    return [...this.byFile.keys()].sort();
  }

  /**
   * Records the calls `path` makes through wrappers (its analysis with the table); a function
   * wrapper's analysis then follows its flags parameter into them (AnalyzeOptions.crossFileCallers).
   * Returns the wrappers whose callers that changes (none: no change).
   */
  setCalls(path: string, calls: readonly CallSite[]): string[] {
    const through = calls.filter((c) => c.via).map((c) => ({ names: c.via!, caller: { path, function: c.function, line: c.range.start.row + 1, flagSets: c.flagSets } }));
    const before = this.viaByFile.get(path) ?? [];
    if (JSON.stringify(before) === JSON.stringify(through)) return [];
    if (through.length > 0) this.viaByFile.set(path, through);
    else this.viaByFile.delete(path);
    return changedNames(before, through, (c) => c.names);
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

  /**
   * What differs between this index and `other` (a rebuilt index against the one the open documents
   * were analysed with): the wrappers defined differently, and the wrappers whose callers differ.
   */
  changesFrom(other: ProjectIndex): IndexChange {
    const all = (i: ProjectIndex) => [...i.byFile.values()].flatMap((f) => f.defs);
    const calls = (i: ProjectIndex) => [...i.viaByFile].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([, c]) => c);
    return {
      defined: changedNames(all(other), all(this), (d) => d.name),
      called: changedNames(calls(other), calls(this), (c) => c.names),
    };
  }

  /** The files on record that a change concerns: callers of the wrappers redefined, definers of those with new callers. */
  dependents(change: IndexChange): string[] {
    const defined = new Set(change.defined);
    const called = new Set(change.called);
    const callers = [...this.viaByFile].filter(([, calls]) => calls.some((c) => c.names.some((n) => defined.has(n)))).map(([file]) => file);
    const definers = [...this.byFile].filter(([, f]) => f.defs.some((d) => called.has(d.name))).map(([file]) => file);
    return [...new Set([...callers, ...definers])].filter((f) => f !== change.origin).sort();
  }

  /** A digest of the table, for keys of results that depend on it. */
  key(): string {
    return [...this.byFile.keys()].sort().map((p) => `${p}\0${this.byFile.get(p)!.key}`).join('\n');
  }
}

/** What changed in an index: wrappers defined differently, wrappers whose cross-file callers changed. */
export interface IndexChange {
  defined: string[];
  called: string[];
  /** The file whose analysis made the change (already analysed with it). */
  origin?: string;
}

const changePatterns = new WeakMap<IndexChange, RegExp | null>();

/** Whether a text names a wrapper of the change: it calls, defines or aliases one (one pattern per change). */
export function concernsText(change: IndexChange, text: string): boolean {
  let pattern = changePatterns.get(change);
  if (pattern === undefined) {
    const names = [...new Set([...change.defined, ...change.called])].map((n) => n.replace(/[^\w]/g, '')).filter(Boolean);
    pattern = names.length > 0 ? new RegExp(`\\b(?:${names.join('|')})\\b`) : null;
    changePatterns.set(change, pattern);
  }
  return pattern !== null && pattern.test(text);
}

/** The names under which `before` and `after` differ (entries compared whole, grouped by name). */
function changedNames<T>(before: readonly T[], after: readonly T[], namesOf: (item: T) => string | readonly string[]): string[] {
  const group = (items: readonly T[]) => {
    const byName = new Map<string, string[]>();
    for (const item of items) {
      const key = JSON.stringify(item);
      for (const name of [namesOf(item)].flat()) byName.set(name, [...(byName.get(name) ?? []), key]);
    }
    return byName;
  };
  const a = group(before);
  const b = group(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((n) => JSON.stringify(a.get(n) ?? []) !== JSON.stringify(b.get(n) ?? [])).sort();
}
