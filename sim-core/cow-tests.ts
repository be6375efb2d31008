// The kernel's own COW selftest, tools/testing/selftests/mm/cow.c (6.12), expressed as scenarios
// on the model: the same memory set-ups (run_with_*()), the same test procedures (test_*()), the
// same names and messages, in the same order. Every result comes from running the procedure.
import { type Kernel, type KernelSpec, kernelFor } from './behaviours.js';
import { SimError } from './errors.js';
import { fork } from './fork.js';
import { type LongtermPin, pinLongtermTestRead, pinLongtermTestStart, pinLongtermTestStop } from './gup-test.js';
import { type FixedBuffer, registerBuffer, unregisterBuffers, writeFixed } from './io-uring.js';
import { DEFAULT_MACHINE, Machine, type MachineConfig, type Mm, kbToPages, pagesToKb } from './mm.js';
import { File, PMD_NR } from './page.js';
import { clearSoftDirty, exitMm, fallocate, madvise, memset, mmap, mprotect, mremapFixed, munmap, readPages, touch } from './syscalls.js';
import { Tracer, type TraceStep } from './trace.js';
import { readPipe, vmspliceToPipe } from './vmsplice.js';

export type CowResult = 'ok' | 'not ok' | 'skip' | 'xfail';

export interface CowRow {
  /** cow.c's test description, e.g. 'R/O longterm GUP pin' */
  test: string;
  /** the memory as cow.c names it after "... with ", e.g. 'memfd hugetlb (2048 kB)'; '' for the THP collapse tests */
  memory: string;
  result: CowResult;
  /** the text cow.c prints after the result, e.g. 'Longterm R/O pin is reliable' */
  message: string;
  trace: TraceStep[];
}

export interface CowTableOptions {
  kernel: KernelSpec;
  /** THP sizes the machine offers (kB); default: 2048 without multi-size THP, 16..2048 with it */
  thpSizesKb?: number[];
  /** hugetlb sizes to test (kB); default [2048] */
  hugetlbSizesKb?: number[];
  /** record traces (default true) */
  trace?: boolean;
  /** only run rows whose test and memory match (for quick queries and tests) */
  filter?: (test: string, memory: string) => boolean;
}

type Outcome = { result: CowResult; message: string };
const pass = (message: string): Outcome => ({ result: 'ok', message });
const failed = (message: string): Outcome => ({ result: 'not ok', message });
const skip = (message: string): Outcome => ({ result: 'skip', message });

/** Where a set-up left the memory under test: `mem` in process `mm`, `size` pages. */
interface Mem {
  mm: Mm;
  mem: number;
  size: number;
  hugetlb: boolean;
  /** the second, read-only view of the non-anonymous set-ups */
  smem?: number;
}

const same = (a: number[] | string, b: number[] | string): boolean =>
  Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);

// ---- the anonymous test procedures (cow.c anon_test_cases[]) ----

type AnonTest = (m: Mem) => Outcome;

/** do_test_cow_in_parent() with child_memcmp_fn(): the parent writes, the child must still see the old data. */
function cowInParent(doMprotect: boolean): AnonTest {
  return ({ mm, mem, size }) => {
    const child = fork(mm, 'child');
    const old = readPages(child, mem, size);
    if (doMprotect) {
      mprotect(mm, mem, size, { read: true, write: false });
      mprotect(mm, mem, size, { read: true, write: true });
    }
    memset(mm, mem, size, 0xff);
    const now = readPages(child, mem, size);
    exitMm(child);
    return same(old, now) ? pass('No leak from parent into child') : failed('Leak from parent into child');
  };
}

/** do_test_cow_in_parent() with child_vmsplice_memcmp_fn(): the child vmsplices and unmaps; the parent writes. */
function vmspliceInChild(doMprotect: boolean): AnonTest {
  return ({ mm, mem, size, hugetlb }) => {
    const child = fork(mm, 'child');
    const old = readPages(child, mem, size);
    const pipe = vmspliceToPipe(child, mem, size);
    if (typeof pipe === 'string') return failed('vmsplice() failed');
    munmap(child, mem, size);
    if (doMprotect) {
      mprotect(mm, mem, size, { read: true, write: false });
      mprotect(mm, mem, size, { read: true, write: true });
    }
    memset(mm, mem, size, 0xff);
    const got = readPipe(child, pipe);
    exitMm(child);
    if (same(old, got)) return pass('No leak from parent into child');
    return hugetlb ? { result: 'xfail', message: 'Leak from parent into child' } : failed('Leak from parent into child');
  };
}

/** do_test_vmsplice_in_parent(): the parent vmsplices (before or after fork) and unmaps; the child writes. */
function vmspliceInParent(beforeFork: boolean): AnonTest {
  return ({ mm, mem, size, hugetlb }) => {
    const old = readPages(mm, mem, size);
    let pipe = beforeFork ? vmspliceToPipe(mm, mem, size) : null;
    if (typeof pipe === 'string') return failed('vmsplice() failed');
    const child = fork(mm, 'child');
    if (!beforeFork) pipe = vmspliceToPipe(mm, mem, size);
    if (typeof pipe === 'string' || pipe === null) return failed('vmsplice() failed');
    munmap(mm, mem, size);
    memset(child, mem, size, 0xff);
    exitMm(child);
    const got = readPipe(mm, pipe);
    if (same(old, got)) return pass('No leak from child into parent');
    return hugetlb ? { result: 'xfail', message: 'Leak from child into parent' } : failed('Leak from child into parent');
  };
}

/** do_test_iouring(): a R/W long-term pin (fixed buffer), then fork or R/O-map it, write, and compare what the pin sees. */
function iouring(useFork: boolean): AnonTest {
  return ({ mm, mem, size }) => {
    const buf = registerBuffer(mm, mem, size);
    if ('ret' in buf) return skip('io_uring_register_buffers() failed');
    const fixed: FixedBuffer = buf;
    let child: Mm | null = null;
    if (useFork) child = fork(mm, 'child');
    else {
      mprotect(mm, mem, size, { read: true, write: false });
      clearSoftDirty(mm);
      mprotect(mm, mem, size, { read: true, write: true });
    }
    memset(mm, mem, size, 0xff);
    const written = writeFixed(fixed);
    const seen = readPages(mm, mem, size);
    if (child) exitMm(child);
    unregisterBuffers(fixed);
    return same(seen, written) ? pass('Longterm R/W pin is reliable') : failed('Longterm R/W pin is reliable');
  };
}

type RoPinKind = 'plain' | 'shared' | 'previously-shared' | 'ro-exclusive';

/** do_test_ro_pin(): a R/O long-term pin (gup_test), then a write through the page table, then compare what the pin sees. */
function roPin(kind: RoPinKind, fast: boolean): AnonTest {
  return ({ mm, mem, size }) => {
    let child: Mm | null = null;
    if (kind === 'shared' || kind === 'previously-shared') {
      child = fork(mm, 'child');
      if (kind === 'previously-shared') {
        exitMm(child);
        child = null;
      }
    } else if (kind === 'ro-exclusive') {
      mprotect(mm, mem, size, { read: true, write: false });
      clearSoftDirty(mm);
      mprotect(mm, mem, size, { read: true, write: true });
    }
    const started = pinLongtermTestStart(mm, mem, size, { fast });
    if ('error' in started) {
      if (child) exitMm(child);
      const e = started.error;
      if (e.livelock) return failed('PIN_LONGTERM_TEST_START failed (the model found a livelock: the kernel would never return)');
      return e.errno === '-EINVAL' ? skip('PIN_LONGTERM_TEST_START failed') : failed('PIN_LONGTERM_TEST_START failed');
    }
    const pin: LongtermPin = started.pin;
    memset(mm, mem, size, 0xff);
    const viaPin = pinLongtermTestRead(pin);
    const seen = readPages(mm, mem, size);
    pinLongtermTestStop(pin);
    if (child) exitMm(child);
    return same(seen, viaPin) ? pass('Longterm R/O pin is reliable') : failed('Longterm R/O pin is reliable');
  };
}

export const ANON_TESTS: ReadonlyArray<{ desc: string; fn: AnonTest }> = [
  { desc: 'Basic COW after fork()', fn: cowInParent(false) },
  { desc: 'Basic COW after fork() with mprotect() optimization', fn: cowInParent(true) },
  { desc: 'vmsplice() + unmap in child', fn: vmspliceInChild(false) },
  { desc: 'vmsplice() + unmap in child with mprotect() optimization', fn: vmspliceInChild(true) },
  { desc: 'vmsplice() before fork(), unmap in parent after fork()', fn: vmspliceInParent(true) },
  { desc: 'vmsplice() + unmap in parent after fork()', fn: vmspliceInParent(false) },
  { desc: 'R/O-mapping a page registered as iouring fixed buffer', fn: iouring(false) },
  { desc: 'fork() with an iouring fixed buffer', fn: iouring(true) },
  { desc: 'R/O GUP pin on R/O-mapped shared page', fn: roPin('shared', false) },
  { desc: 'R/O GUP-fast pin on R/O-mapped shared page', fn: roPin('shared', true) },
  { desc: 'R/O GUP pin on R/O-mapped previously-shared page', fn: roPin('previously-shared', false) },
  { desc: 'R/O GUP-fast pin on R/O-mapped previously-shared page', fn: roPin('previously-shared', true) },
  { desc: 'R/O GUP pin on R/O-mapped exclusive page', fn: roPin('ro-exclusive', false) },
  { desc: 'R/O GUP-fast pin on R/O-mapped exclusive page', fn: roPin('ro-exclusive', true) },
];

// ---- the anonymous memory set-ups (cow.c run_with_*()) ----

type Setup = (mm: Mm) => Mem | Outcome;

/** do_run_with_base_page() */
function basePage(swapout: boolean): Setup {
  return (mm) => {
    const mem = mmap(mm, { pages: 1, prot: { read: true, write: true }, shared: false, file: null });
    madvise(mm, mem, 1, 'MADV_NOHUGEPAGE');
    memset(mm, mem, 1, 1);
    if (swapout) {
      madvise(mm, mem, 1, 'MADV_PAGEOUT');
      if (!isSwapped(mm, mem, 1)) return skip('MADV_PAGEOUT did not work, is swap enabled?');
    }
    return { mm, mem, size: 1, hugetlb: false };
  };
}

const isSwapped = (mm: Mm, start: number, n: number): boolean => {
  for (let v = start; v < start + n; v++) if (mm.pt.pte.get(v)?.type !== 'swap') return false;
  return true;
};
const isPopulated = (mm: Mm, vpn: number): boolean => mm.pt.lookup(vpn) !== undefined;

type ThpRun = 'pmd' | 'pmd-swapout' | 'pte' | 'pte-swapout' | 'single-pte' | 'single-pte-swapout' | 'partial-mremap' | 'partial-shared';

/** do_run_with_thp(): a THP of `n` pages at an `n`-aligned address, then mapped the way `run` says. */
function thp(run: ThpRun, n: number): Setup {
  return (mm) => {
    mm.machine.thpEnabled = new Set([n]); // thp_push_settings(): only this size, "always"
    const mmapMem = mmap(mm, { pages: 2 * n, prot: { read: true, write: true }, shared: false, file: null });
    const mem = Math.floor((mmapMem + n) / n) * n;
    madvise(mm, mem, n, 'MADV_HUGEPAGE');
    memset(mm, mem, 1, 1); // mem[0] = 1
    if (!isPopulated(mm, mem + n - 1)) return skip('Did not get a THP populated');
    memset(mm, mem, n, 1);
    let size = n;
    switch (run) {
      case 'pmd':
      case 'pmd-swapout':
        if (n !== PMD_NR) throw new Error('PMD runs need the PMD size');
        break;
      case 'pte':
      case 'pte-swapout':
        mprotect(mm, mem + 1, 1, { read: true, write: false });
        mprotect(mm, mem + 1, 1, { read: true, write: true });
        break;
      case 'single-pte':
      case 'single-pte-swapout':
        madvise(mm, mem + 1, n - 1, 'MADV_DONTNEED');
        size = 1;
        break;
      case 'partial-mremap': {
        const half = n / 2;
        const target = mmap(mm, { pages: half, prot: { read: false, write: false }, shared: false, file: null });
        mremapFixed(mm, mem + half, half, target);
        size = half;
        break;
      }
      case 'partial-shared': {
        madvise(mm, mem + 1, n - 1, 'MADV_DONTFORK');
        const child = fork(mm, 'child');
        exitMm(child);
        madvise(mm, mem + 1, n - 1, 'MADV_DOFORK');
        break;
      }
    }
    if (run.endsWith('swapout')) {
      madvise(mm, mem, size, 'MADV_PAGEOUT');
      if (!isSwapped(mm, mem, size)) return skip('MADV_PAGEOUT did not work, is swap enabled?');
    }
    return { mm, mem, size, hugetlb: false };
  };
}

/** run_with_hugetlb(): MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, and a second free huge page for COW/unsharing. */
function hugetlbAnon(n: number): Setup {
  return (mm) => {
    if ((mm.machine.hugetlbFree.get(n) ?? 0) < 1) return skip('need more free huge pages');
    const mem = mmap(mm, { pages: n, prot: { read: true, write: true }, shared: false, file: null, hugeNr: n });
    memset(mm, mem, n, 1);
    if ((mm.machine.hugetlbFree.get(n) ?? 0) < 1) return skip('need more free huge pages');
    return { mm, mem, size: n, hugetlb: true };
  };
}

// ---- the anonymous THP collapse tests (cow.c anon_thp_test_cases[]) ----

type CollapseKind = 'unshared' | 'fully-shared' | 'lower-shared' | 'upper-shared';

/** do_test_anon_thp_collapse() */
function thpCollapse(kind: CollapseKind): AnonTest {
  return ({ mm, mem, size }) => {
    mprotect(mm, mem + 1, 1, { read: true, write: false });
    mprotect(mm, mem + 1, 1, { read: true, write: true });
    const half = size / 2;
    if (kind === 'unshared') {
      const r = madvise(mm, mem, size, 'MADV_COLLAPSE');
      if (r !== 0) return skip(`MADV_COLLAPSE failed: ${strerror(r)}`);
    }
    if (kind === 'lower-shared') madvise(mm, mem + half, half, 'MADV_DONTFORK');
    if (kind === 'upper-shared') madvise(mm, mem, half, 'MADV_DONTFORK');
    const child = fork(mm, 'child');
    const [cStart, cSize] = kind === 'lower-shared' ? [mem, half] : kind === 'upper-shared' ? [mem + half, half] : [mem, size];
    const old = readPages(child, cStart, cSize);
    if (kind !== 'unshared') {
      if (kind !== 'fully-shared') madvise(mm, mem, size, 'MADV_DOFORK');
      const r = madvise(mm, mem, size, 'MADV_COLLAPSE');
      if (r !== 0) {
        exitMm(child);
        return skip(`MADV_COLLAPSE failed: ${strerror(r)}`);
      }
    }
    memset(mm, mem, size, 0xff);
    const now = readPages(child, cStart, cSize);
    exitMm(child);
    return same(old, now) ? pass('No leak from parent into child') : failed('No leak from parent into child');
  };
}

const strerror = (errno: string): string =>
  ({ '-EINVAL': 'Invalid argument', '-EAGAIN': 'Resource temporarily unavailable', '-ENOMEM': 'Cannot allocate memory' })[errno] ?? errno;

const ANON_THP_TESTS: ReadonlyArray<{ desc: string; fn: AnonTest }> = [
  { desc: 'Basic COW after fork() when collapsing before fork()', fn: thpCollapse('unshared') },
  { desc: 'Basic COW after fork() when collapsing after fork() (fully shared)', fn: thpCollapse('fully-shared') },
  { desc: 'Basic COW after fork() when collapsing after fork() (lower shared)', fn: thpCollapse('lower-shared') },
  { desc: 'Basic COW after fork() when collapsing after fork() (upper shared)', fn: thpCollapse('upper-shared') },
];

// ---- non-anonymous memory in private mappings (cow.c non_anon_test_cases[]) ----

type NonAnonTest = (m: Mem) => Outcome;

/** test_cow(): write to the private mapping; the shared view must not change. */
const basicCow: NonAnonTest = ({ mm, mem, smem, size }) => {
  const old = readPages(mm, smem!, size);
  memset(mm, mem, size, 0xff);
  const now = readPages(mm, smem!, size);
  return same(old, now) ? pass('Other mapping not modified') : failed('Other mapping not modified');
};

const NON_ANON_TESTS: ReadonlyArray<{ desc: string; fn: NonAnonTest }> = [
  { desc: 'Basic COW', fn: basicCow },
  { desc: 'R/O longterm GUP pin', fn: roPin('plain', false) },
  { desc: 'R/O longterm GUP-fast pin', fn: roPin('plain', true) },
];

/** run_with_zeropage(): read both a RW and a R/O private anonymous page: both map the shared zeropage. */
const zeropage: Setup = (mm) => {
  const mem = mmap(mm, { pages: 1, prot: { read: true, write: true }, shared: false, file: null });
  const smem = mmap(mm, { pages: 1, prot: { read: true, write: false }, shared: false, file: null });
  touch(mm, mem);
  touch(mm, smem);
  return { mm, mem, smem, size: 1, hugetlb: false };
};

/** run_with_memfd() / run_with_tmpfile(): a one-page file, mapped private RW and shared R/O, both read. */
function fileBacked(name: string): Setup {
  return (mm) => {
    // tmpfile() creates its file in P_tmpdir (/tmp): on the test machine's initramfs that is tmpfs.
    const file = new File(name, 'tmpfs');
    fallocate(mm, file, 0);
    const mem = mmap(mm, { pages: 1, prot: { read: true, write: true }, shared: false, file });
    const smem = mmap(mm, { pages: 1, prot: { read: true, write: false }, shared: true, file, readOnlyFile: false });
    touch(mm, mem);
    touch(mm, smem);
    return { mm, mem, smem, size: 1, hugetlb: false };
  };
}

/** run_with_huge_zeropage(): read a MADV_HUGEPAGE'd PMD-aligned RW and R/O range: both map the huge zeropage. */
const hugeZeropage: Setup = (mm) => {
  if (!mm.machine.config.hugeZeropage) return skip('Huge zeropage not enabled');
  const mmapMem = mmap(mm, { pages: 2 * PMD_NR, prot: { read: true, write: true }, shared: false, file: null });
  const mmapSmem = mmap(mm, { pages: 2 * PMD_NR, prot: { read: true, write: false }, shared: false, file: null });
  const mem = Math.floor((mmapMem + PMD_NR) / PMD_NR) * PMD_NR;
  const smem = Math.floor((mmapSmem + PMD_NR) / PMD_NR) * PMD_NR;
  madvise(mm, mem, PMD_NR, 'MADV_HUGEPAGE');
  madvise(mm, smem, PMD_NR, 'MADV_HUGEPAGE');
  touch(mm, mem);
  touch(mm, smem);
  if (!isPopulated(mm, mem + 1) || !isPopulated(mm, smem + 1)) return skip('Did not get THPs populated');
  return { mm, mem, smem, size: PMD_NR, hugetlb: false };
};

/** run_with_memfd_hugetlb(): a hugetlb memfd of one huge page, mapped private RW and shared R/O. */
function memfdHugetlb(n: number): Setup {
  return (mm) => {
    const file = new File(`memfd hugetlb ${pagesToKb(n)} kB`, 'hugetlbfs', n);
    if (!fallocate(mm, file, 0)) return skip('need more free huge pages');
    // the private mapping reserves a huge page for COW (hugetlb_reserve_pages())
    if ((mm.machine.hugetlbFree.get(n) ?? 0) < 1) return skip('need more free huge pages');
    const mem = mmap(mm, { pages: n, prot: { read: true, write: true }, shared: false, file, hugeNr: n });
    const smem = mmap(mm, { pages: n, prot: { read: true, write: false }, shared: true, file, hugeNr: n });
    touch(mm, mem);
    touch(mm, smem);
    return { mm, mem, smem, size: n, hugetlb: true };
  };
}

// ---- the table ----

interface Case {
  test: string;
  memory: string;
  /** THP sizes enabled while it runs (pages), if it changes them */
  setup: Setup;
  fn: AnonTest;
}

/** The rows cow.c's main() runs, in its order, for a machine with these THP and hugetlb sizes. */
export function cowCases(thpSizesKb: readonly number[], hugetlbSizesKb: readonly number[]): Case[] {
  const cases: Case[] = [];
  const pmdKb = pagesToKb(PMD_NR);
  const hasPmd = thpSizesKb.includes(pmdKb);
  for (const t of ANON_TESTS) {
    cases.push({ test: t.desc, memory: 'base page', setup: basePage(false), fn: t.fn });
    cases.push({ test: t.desc, memory: 'swapped out base page', setup: basePage(true), fn: t.fn });
    for (const kb of thpSizesKb) {
      const n = kbToPages(kb);
      if (kb === pmdKb) {
        cases.push({ test: t.desc, memory: `THP (${kb} kB)`, setup: thp('pmd', n), fn: t.fn });
        cases.push({ test: t.desc, memory: `swapped-out THP (${kb} kB)`, setup: thp('pmd-swapout', n), fn: t.fn });
      }
      cases.push({ test: t.desc, memory: `PTE-mapped THP (${kb} kB)`, setup: thp('pte', n), fn: t.fn });
      cases.push({ test: t.desc, memory: `swapped-out, PTE-mapped THP (${kb} kB)`, setup: thp('pte-swapout', n), fn: t.fn });
      cases.push({ test: t.desc, memory: `single PTE of THP (${kb} kB)`, setup: thp('single-pte', n), fn: t.fn });
      cases.push({ test: t.desc, memory: `single PTE of swapped-out THP (${kb} kB)`, setup: thp('single-pte-swapout', n), fn: t.fn });
      cases.push({ test: t.desc, memory: `partially mremap()'ed THP (${kb} kB)`, setup: thp('partial-mremap', n), fn: t.fn });
      cases.push({ test: t.desc, memory: `partially shared THP (${kb} kB)`, setup: thp('partial-shared', n), fn: t.fn });
    }
    for (const kb of hugetlbSizesKb) cases.push({ test: t.desc, memory: `hugetlb (${kb} kB)`, setup: hugetlbAnon(kbToPages(kb)), fn: t.fn });
  }
  if (hasPmd) for (const t of ANON_THP_TESTS) cases.push({ test: t.desc, memory: '', setup: thp('pmd', PMD_NR), fn: t.fn });
  for (const t of NON_ANON_TESTS) {
    cases.push({ test: t.desc, memory: 'shared zeropage', setup: zeropage, fn: t.fn });
    cases.push({ test: t.desc, memory: 'memfd', setup: fileBacked('memfd'), fn: t.fn });
    cases.push({ test: t.desc, memory: 'tmpfile', setup: fileBacked('tmpfile'), fn: t.fn });
    if (hasPmd) cases.push({ test: t.desc, memory: 'huge zeropage', setup: hugeZeropage, fn: t.fn });
    for (const kb of hugetlbSizesKb) cases.push({ test: t.desc, memory: `memfd hugetlb (${kb} kB)`, setup: memfdHugetlb(kbToPages(kb)), fn: t.fn });
  }
  return cases;
}

/** The THP sizes cow.c would detect on a machine running this kernel (x86-64, 4 KiB pages). */
export function defaultThpSizesKb(kernel: Kernel): number[] {
  return kernel.has('anon-mthp') ? [16, 32, 64, 128, 256, 512, 1024, 2048] : [2048];
}

const VALID_THP_KB = [16, 32, 64, 128, 256, 512, 1024, 2048];
const VALID_HUGETLB_KB = [2048, 1048576];

/** Runs one case on a fresh machine; `inspect` sees the machine afterwards (tests check its bookkeeping). */
export function runCase(kernel: Kernel, machineConfig: MachineConfig, c: Case, traceOn: boolean, inspect?: (m: Machine) => void): CowRow {
  const machine = new Machine(kernel, machineConfig, new Tracer(traceOn));
  const mm = machine.newMm('process');
  let out: Outcome;
  const m = c.setup(mm);
  // the THP settings a set-up pushed stay in force while the test runs (cow.c thp_push_settings())
  out = 'result' in m ? m : c.fn(m);
  inspect?.(machine);
  return { test: c.test, memory: c.memory, result: out.result, message: out.message, trace: machine.trace.steps };
}

/** Runs cow.c's matrix on the model for one kernel. */
export function cowTable(opts: CowTableOptions): { kernel: string; notes: string[]; thpSizesKb: number[]; hugetlbSizesKb: number[]; rows: CowRow[] } {
  const kernel = kernelFor(opts.kernel);
  const thpSizesKb = [...(opts.thpSizesKb ?? defaultThpSizesKb(kernel))].sort((a, b) => a - b);
  const hugetlbSizesKb = [...(opts.hugetlbSizesKb ?? [2048])].sort((a, b) => a - b);
  for (const kb of thpSizesKb) {
    if (!VALID_THP_KB.includes(kb)) throw new SimError(`unknown THP size ${kb} kB (valid: ${VALID_THP_KB.join(', ')})`);
    if (kb !== 2048 && !kernel.has('anon-mthp')) throw new SimError(`THP size ${kb} kB needs multi-size THP (behaviour 'anon-mthp', 6.8+); kernel ${kernel.describe()} offers 2048 kB only`);
  }
  for (const kb of hugetlbSizesKb) if (!VALID_HUGETLB_KB.includes(kb)) throw new SimError(`unknown hugetlb size ${kb} kB (valid: ${VALID_HUGETLB_KB.join(', ')})`);
  const config: MachineConfig = { ...DEFAULT_MACHINE, thpSizesKb };
  const rows: CowRow[] = [];
  for (const c of cowCases(thpSizesKb, hugetlbSizesKb)) {
    if (opts.filter && !opts.filter(c.test, c.memory)) continue;
    rows.push(runCase(kernel, config, c, opts.trace ?? true));
  }
  return { kernel: kernel.describe(), notes: kernel.notes(), thpSizesKb, hugetlbSizesKb, rows };
}
