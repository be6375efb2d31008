// Compares the recorded runs of the kernel's own selftests (test/kernel-truth/*.tap) with sim-core:
// cow.c rows with cowTable(), gup_longterm.c rows with simulate(), and the rows of pinsight's own
// scripts/kernel-truth/scenarios.c with simulate() of the same pin and --then steps. Used by the comparison that
// `npm run test:kernel` prints (scripts/kernel-truth/compare.ts) and by agreement.test.ts.
//
// Scoring: a kernel row is scored unless it is a SKIP (the selftest could not set the case up on
// that machine: a refused MADV_COLLAPSE, missing huge pages, ...); SKIP rows are shown, not scored.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTap, type TapResult, type TapRow, type TapRun } from './tap.js';

export const RECORDINGS_DIR = new URL('../../test/kernel-truth/', import.meta.url).pathname;

// ---- the part of sim-core's API this comparison uses (sim-core/index.ts) ----
export type KernelSpec = { version: string; with?: string[]; without?: string[] };
export interface CowTableRow {
  test: string;
  memory: string;
  result: TapResult;
  trace?: unknown;
}
export interface SimCore {
  cowTable(args: { kernel: KernelSpec; thpSizesKb?: number[]; hugetlbSizesKb?: number[] }): {
    kernel: unknown;
    rows: CowTableRow[];
  };
  simulate(args: {
    kernel: KernelSpec;
    memory: string;
    mapping: 'private' | 'shared';
    flags: string[];
    path?: 'slow' | 'fast';
    /** the GUP entry point (overrides path) */
    api?: string;
    then?: string[];
  }): { verdict: 'coherent' | 'incoherent' | 'refused' | 'error'; errno?: string; summary: string };
}

// ---- recordings ----
export interface Recording {
  file: string;
  selftest: 'cow' | 'gup_longterm' | 'scenarios';
  /** the kernel release the run was recorded on ("6.12.117"), from the header */
  kernel: string;
  run: TapRun;
}

const NAME = /^(cow|gup_longterm|scenarios)-(\d+\.\d+)(-huge-1g)?\.tap$/;

/** Every recorded TAP file in `dir`, parsed. */
export function loadRecordings(dir = RECORDINGS_DIR): Recording[] {
  const out: Recording[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = NAME.exec(file);
    if (!m) continue;
    const run = parseTap(readFileSync(join(dir, file), 'utf8'));
    const kernel = run.header['kernel'];
    if (!kernel) throw new Error(`${file}: no "# kernel:" header line`);
    out.push({ file, selftest: m[1] as Recording['selftest'], kernel, run });
  }
  return out;
}

// ---- comparison ----
export interface Difference {
  row: TapRow;
  model: TapResult;
  /** why the model says so (gup_longterm: the simulate() summary) */
  note?: string;
}
export interface Agreement {
  file: string;
  kernel: string;
  scored: number;
  equal: TapRow[];
  different: Difference[];
  /** scored kernel rows the model has no row for */
  lacking: TapRow[];
  /** SKIP rows: shown with what the model says, not scored */
  unscored: { row: TapRow; model?: TapResult }[];
}

const key = (test: string, memory: string): string => `${test}\u0000${memory}`;

function tally(rec: Recording, predict: (row: TapRow) => Difference | TapResult | undefined): Agreement {
  const a: Agreement = { file: rec.file, kernel: rec.kernel, scored: 0, equal: [], different: [], lacking: [], unscored: [] };
  for (const row of rec.run.rows) {
    const p = predict(row);
    if (row.result === 'skip') {
      const model = typeof p === 'string' ? p : p?.model;
      a.unscored.push(model === undefined ? { row } : { row, model });
      continue;
    }
    a.scored++;
    if (p === undefined) a.lacking.push(row);
    else if (typeof p === 'string') (p === row.result ? a.equal.push(row) : a.different.push({ row, model: p }));
    else (p.model === row.result ? a.equal.push(row) : a.different.push(p));
  }
  return a;
}

/** cow.c: each row against cowTable() for the same kernel, THP sizes and hugetlb sizes. */
export function compareCow(rec: Recording, sim: SimCore, kernel: KernelSpec = { version: rec.kernel }): Agreement {
  const table = sim.cowTable({ kernel, thpSizesKb: rec.run.thpSizesKb, hugetlbSizesKb: rec.run.hugetlbSizesKb });
  const model = new Map<string, TapResult>();
  for (const r of table.rows) model.set(key(r.test, r.memory), r.result);
  return tally(rec, (row) => model.get(key(row.test, row.memory)));
}

// gup_longterm.c (6.12) test names: "<R/W|R/O> longterm <GUP|GUP-fast> pin in <MAP_SHARED|MAP_PRIVATE>
// file mapping" and "io_uring fixed buffer with <MAP_SHARED|MAP_PRIVATE> file mapping".
const PIN_TEST = /^(R\/W|R\/O) longterm (GUP|GUP-fast) pin in (MAP_SHARED|MAP_PRIVATE) file mapping$/;
const IOURING_TEST = /^io_uring fixed buffer with (MAP_SHARED|MAP_PRIVATE) file mapping$/;

export interface GupLongtermCase {
  mapping: 'private' | 'shared';
  write: boolean;
  path: 'slow' | 'fast';
  /** io_uring_register_buffers() instead of the gup_test ioctl */
  iouring: boolean;
}

export function gupLongtermCase(test: string): GupLongtermCase | undefined {
  const pin = PIN_TEST.exec(test);
  if (pin) {
    return {
      write: pin[1] === 'R/W',
      path: pin[2] === 'GUP-fast' ? 'fast' : 'slow',
      mapping: pin[3] === 'MAP_SHARED' ? 'shared' : 'private',
      iouring: false,
    };
  }
  const io = IOURING_TEST.exec(test);
  // io_uring registers buffers with FOLL_WRITE | FOLL_PIN | FOLL_LONGTERM (io_uring/rsrc.c io_pin_pages():
  // pin_user_pages() in 6.1, pin_user_pages_fast() in 6.12).
  if (io) return { write: true, path: 'slow', mapping: io[1] === 'MAP_SHARED' ? 'shared' : 'private', iouring: true };
  return undefined;
}

/**
 * The filesystem behind each gup_longterm memory name, from the recording's "# filesystems:"
 * header (run.mjs writes it from what the guest measured with statfs).
 */
export function filesystemOf(run: TapRun, memory: string): 'tmpfs' | 'ext4' | 'hugetlbfs' | undefined {
  if (memory === 'memfd') return 'tmpfs'; // memfd_create() without MFD_HUGETLB is shmem
  if (/^memfd hugetlb \(\d+ kB\)$/.test(memory)) return 'hugetlbfs';
  const fs = run.header['filesystems'] ?? '';
  for (const part of fs.split(';')) {
    const m = /^\s*(tmpfile|local tmpfile) = [^,]*, (\w+) \(/.exec(part);
    if (m && m[1] === memory && (m[2] === 'tmpfs' || m[2] === 'ext4')) return m[2];
  }
  return undefined;
}

/**
 * sim-core's memory kind for a gup_longterm row. gup_longterm.c names its memory by how it was
 * made (memfd, tmpfile, local tmpfile), the kernel decides by the filesystem behind it.
 */
export function simMemoryFor(memory: string, fs: 'tmpfs' | 'ext4' | 'hugetlbfs'): string {
  if (fs === 'hugetlbfs') return memory; // "memfd hugetlb (N kB)", as cow.c names it
  return fs === 'tmpfs' ? 'memfd' : 'pagecache'; // shmem, or a regular file on ext4
}

/**
 * What gup_longterm.c expects (do_test(): `should_work = !shared || !rw ||
 * fs_supports_writable_longterm_pinning(fs)`, true only for tmpfs and hugetlbfs). The selftest's
 * own expectation, encoded here to turn the model's pinned/refused into the row's ok/not ok.
 */
export function gupLongtermShouldWork(c: GupLongtermCase, fs: 'tmpfs' | 'ext4' | 'hugetlbfs'): boolean {
  return c.mapping === 'private' || !c.write || fs === 'tmpfs' || fs === 'hugetlbfs';
}

/** gup_longterm.c: each row against simulate() of the same pin. */
export function compareGupLongterm(rec: Recording, sim: SimCore, kernel: KernelSpec = { version: rec.kernel }): Agreement {
  return tally(rec, (row) => {
    const c = gupLongtermCase(row.test);
    const fs = filesystemOf(rec.run, row.memory);
    if (!c || !fs) return undefined;
    const flags = ['FOLL_LONGTERM', ...(c.write ? ['FOLL_WRITE'] : [])];
    // io_uring rows go through sim-core's io_uring_register_buffers() (its own flags, and 6.1's
    // refusal of file-backed buffers other than shmem and hugetlbfs, io_uring/rsrc.c io_pin_pages()).
    const how = c.iouring ? { api: 'io_uring_register_buffers' } : { path: c.path };
    let verdict;
    try {
      verdict = sim.simulate({ kernel, memory: simMemoryFor(row.memory, fs), mapping: c.mapping, flags, ...how });
    } catch {
      return undefined; // the model does not know this kind: it lacks the row
    }
    if (verdict.verdict === 'error') return undefined;
    const pinned = verdict.verdict !== 'refused';
    const model: TapResult = pinned === gupLongtermShouldWork(c, fs) ? 'ok' : 'not ok';
    return { row, model, note: verdict.summary };
  });
}

// scenarios.c names each row "<R/W|R/O> longterm <GUP|GUP-fast> pin, then <step>, <step>..." with
// memory "<sim-core memory kind> (<private|shared>)": the steps are simulate()'s --then steps.
const SCENARIO_TEST = /^(R\/W|R\/O) longterm (GUP|GUP-fast) pin, then (.+)$/;
const SCENARIO_MEMORY = /^(\S+) \((private|shared)\)$/;

export interface ScenarioCase {
  write: boolean;
  path: 'slow' | 'fast';
  then: string[];
  memory: string;
  mapping: 'private' | 'shared';
}

export function scenarioCase(test: string, memory: string): ScenarioCase | undefined {
  const t = SCENARIO_TEST.exec(test);
  const m = SCENARIO_MEMORY.exec(memory);
  if (!t || !m) return undefined;
  return { write: t[1] === 'R/W', path: t[2] === 'GUP-fast' ? 'fast' : 'slow', then: t[3]!.split(', '), memory: m[1]!, mapping: m[2] as 'private' | 'shared' };
}

/**
 * scenarios.c: `ok` when the pin reads what the process sees after the steps (sim-core
 * "coherent"), `not ok` when it does not ("incoherent", or a pin the model refuses).
 */
export function compareScenarios(rec: Recording, sim: SimCore, kernel: KernelSpec = { version: rec.kernel }): Agreement {
  return tally(rec, (row) => {
    const c = scenarioCase(row.test, row.memory);
    if (!c) return undefined;
    let r;
    try {
      r = sim.simulate({ kernel, memory: c.memory, mapping: c.mapping, flags: ['FOLL_LONGTERM', ...(c.write ? ['FOLL_WRITE'] : [])], path: c.path, then: c.then });
    } catch {
      return undefined; // a step or memory kind the model does not know: it lacks the row
    }
    if (r.verdict === 'error') return undefined;
    return { row, model: r.verdict === 'coherent' ? 'ok' : 'not ok', note: r.summary };
  });
}

export function compare(rec: Recording, sim: SimCore, kernel?: KernelSpec): Agreement {
  if (rec.selftest === 'scenarios') return compareScenarios(rec, sim, kernel);
  return rec.selftest === 'cow' ? compareCow(rec, sim, kernel) : compareGupLongterm(rec, sim, kernel);
}

/**
 * sim-core, loaded at run time (it is written in parallel; without it there is nothing to compare).
 * Returns undefined when sim-core/index.ts does not exist yet.
 */
export async function loadSimCore(): Promise<SimCore | undefined> {
  const index = new URL('../../sim-core/index.ts', import.meta.url);
  if (!existsSync(index)) return undefined;
  const spec = '../../sim-core/index.js';
  const mod = (await import(spec)) as Partial<SimCore>;
  if (typeof mod.cowTable !== 'function' || typeof mod.simulate !== 'function') {
    throw new Error('sim-core/index.ts exports no cowTable() / simulate()');
  }
  return mod as SimCore;
}
