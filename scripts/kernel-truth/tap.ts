// Parses the TAP output of the kernel's mm selftests (cow.c, gup_longterm.c;
// tools/testing/selftests/kselftest.h formats of 6.x and 7.x) into rows named the way sim-core names them.
//
// 6.x: a result line carries only a number and a message ("ok 151 Longterm R/O pin is reliable"):
// the test and the memory come from the `# [RUN] <test> ... with <memory>` line printed before it
// (cow.c run_with_*(), gup_longterm.c run_with_*()). The anonymous-THP collapse tests of cow.c
// print `# [RUN] <test>` alone (run_anon_thp_test_cases(); they run on a PMD-sized THP): their
// memory is ''.
// 7.x: log_test_start() still prints the [RUN] line, and log_test_result() (selftests/mm/vm_util.h)
// repeats the name on the result line ("ok 3 Basic COW after fork() ... with base page"); the
// reason moved to a `# ` line of its own before it ("# Leak from parent into child"), which becomes
// the row's message.

export type TapResult = 'ok' | 'not ok' | 'skip' | 'xfail';

export interface TapRow {
  /** the number TAP gives the row */
  number: number;
  test: string;
  memory: string;
  result: TapResult;
  /** the result line's text after the number and directive, e.g. "Longterm R/O pin is reliable" */
  message: string;
}

export interface TapRun {
  /** `# key: value` lines of pinsight's header, before "TAP version" */
  header: Record<string, string>;
  rows: TapRow[];
  /** the plan ("1..N"), if printed */
  plan?: number;
  /** THP sizes the guest offered (cow.c detect_thp_sizes(): "[INFO] detected THP size: N KiB") */
  thpSizesKb: number[];
  /** hugetlb sizes the guest offered (vm_util.c detect_hugetlb_page_sizes(): "[INFO] detected hugetlb
   *  page size: N KiB") and any others named by a memory ("hugetlb (N kB)", "memfd hugetlb (N kB)") */
  hugetlbSizesKb: number[];
  /** the totals line kselftest prints at the end, if any */
  totals?: string;
  /** a "Bail out!" line, if the selftest gave up */
  bailOut?: string;
}

const RUN = /^# \[RUN\] (.*)$/;
const RESULT = /^(ok|not ok) (\d+)(?: (.*))?$/;
const THP_SIZE = /^# \[INFO\] detected THP size: (\d+) KiB$/;
const HUGETLB_SIZE = /^# \[INFO\] detected hugetlb page size: (\d+) KiB$/;
const HUGETLB_IN_NAME = /hugetlb \((\d+) kB\)$/;
const HEADER = /^# ([A-Za-z0-9_-]+): (.*)$/;

/** Splits a [RUN] description into test and memory: "<test> ... with <memory>". */
export function splitRunLine(run: string): { test: string; memory: string } {
  const at = run.indexOf(' ... with ');
  if (at < 0) return { test: run, memory: '' };
  return { test: run.slice(0, at), memory: run.slice(at + ' ... with '.length) };
}

/** Classifies a result line's text: the kselftest directives "# SKIP" and "# XFAIL" (kselftest.h). */
function classify(okness: 'ok' | 'not ok', rest: string): { result: TapResult; message: string } {
  const skip = /^# SKIP ?(.*)$/.exec(rest);
  if (skip) return { result: 'skip', message: skip[1] ?? '' };
  const xfail = /^# XFAIL ?(.*)$/.exec(rest);
  if (xfail) return { result: 'xfail', message: xfail[1] ?? '' };
  // "not ok N # error ..." (ksft_test_result_error) counts as a failure.
  return { result: okness, message: rest.replace(/^# error ?/, '') };
}

export class TapError extends Error {}

/**
 * Parses one selftest's TAP text. Lines that are neither TAP nor kselftest comments (kernel
 * messages on a shared serial console) are ignored. Throws TapError on a result line that
 * has no [RUN] line before it, or on a number out of sequence (a sign of a garbled capture).
 */
export function parseTap(text: string): TapRun {
  const header: Record<string, string> = {};
  const rows: TapRow[] = [];
  const thpSizesKb: number[] = [];
  const hugetlb = new Set<number>();
  let plan: number | undefined;
  let totals: string | undefined;
  let bailOut: string | undefined;
  let run: string | undefined;
  /** the last plain `# ` comment after the [RUN] line (7.x prints a failure's reason there) */
  let note: string | undefined;
  let inHeader = true;

  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const hugetlbSize = HUGETLB_SIZE.exec(line);
    if (hugetlbSize) {
      hugetlb.add(Number(hugetlbSize[1]));
      continue;
    }
    if (line.startsWith('TAP version')) {
      inHeader = false;
      continue;
    }
    if (inHeader) {
      const h = HEADER.exec(line);
      if (h) header[h[1]!] = h[2]!;
      continue;
    }
    const r = RUN.exec(line);
    if (r) {
      run = r[1]!;
      note = undefined;
      continue;
    }
    const size = THP_SIZE.exec(line);
    if (size) {
      thpSizesKb.push(Number(size[1]));
      continue;
    }
    if (/^1\.\.\d+$/.test(line)) {
      plan = Number(line.slice(3));
      continue;
    }
    if (line.startsWith('# Totals:')) {
      totals = line.slice(2);
      continue;
    }
    if (line.startsWith('Bail out!')) {
      bailOut = line;
      continue;
    }
    const res = RESULT.exec(line);
    if (!res) {
      if (line.startsWith('# ') && !line.startsWith('# [')) note = line.slice(2);
      continue;
    }
    const number = Number(res[2]);
    if (number !== rows.length + 1) {
      throw new TapError(`TAP row ${number} out of sequence (expected ${rows.length + 1}): ${line}`);
    }
    if (run === undefined) throw new TapError(`TAP row ${number} has no [RUN] line before it`);
    const { test, memory } = splitRunLine(run);
    const hs = HUGETLB_IN_NAME.exec(memory);
    if (hs) hugetlb.add(Number(hs[1]));
    const classified = classify(res[1] as 'ok' | 'not ok', res[3] ?? '');
    // 7.x: the result line names the test; its reason, if any, was the comment before it.
    if (classified.message === run) classified.message = note ?? '';
    rows.push({ number, test, memory, ...classified });
    note = undefined;
  }
  const result: TapRun = {
    header,
    rows,
    thpSizesKb,
    hugetlbSizesKb: [...hugetlb].sort((a, b) => a - b),
  };
  if (plan !== undefined) result.plan = plan;
  if (totals !== undefined) result.totals = totals;
  if (bailOut !== undefined) result.bailOut = bailOut;
  return result;
}

/** Counts rows per result. */
export function breakdown(rows: readonly TapRow[]): Record<TapResult, number> {
  const counts: Record<TapResult, number> = { ok: 0, 'not ok': 0, skip: 0, xfail: 0 };
  for (const row of rows) counts[row.result]++;
  return counts;
}
