// `pinsight cow-table --kernel V [--with NAME]... [--without NAME]... [--thp-sizes KB,...]
//  [--hugetlb-sizes KB,...] [--huge-1g] [--no-trace] [--json]`
// Runs the kernel's cow.c selftest matrix on sim-core and prints it the way the selftest does.
import { type CowRow, cowTable } from '../../sim-core/index.js';
import type { Command } from './command.js';
import { kernelSpecOf, parseModelArgs, simOrUsage } from './model-options.js';
import { EXIT_OK, UsageError } from './usage-error.js';

function sizes(text: string | undefined, option: string): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`${option}: expected sizes in kB separated by commas (e.g. 2048,1048576), got '${text}'`);
  return parts.map(Number);
}

/** The selftest's TAP (tools/testing/selftests/kselftest.h formats; cow.c's [INFO]/[RUN] lines). */
export function formatTap(kernel: string, thpSizesKb: number[], hugetlbSizesKb: number[], rows: readonly CowRow[], notes: readonly string[] = []): string {
  const out = [`# model: sim-core`, `# kernel: ${kernel}`, ...notes.map((n) => `# note: ${n}`), 'TAP version 13'];
  // cow.c main(): what it detected, then ksft_set_plan()
  if (thpSizesKb.includes(2048)) out.push('# [INFO] detected PMD size: 2048 KiB');
  for (const kb of thpSizesKb) out.push(`# [INFO] detected THP size: ${kb} KiB`);
  for (const kb of hugetlbSizesKb) out.push(`# [INFO] detected hugetlb page size: ${kb} KiB`);
  if (thpSizesKb.includes(2048)) out.push('# [INFO] huge zeropage is enabled');
  out.push(`1..${rows.length}`);
  const counts = { ok: 0, 'not ok': 0, xfail: 0, skip: 0 };
  let section = '';
  rows.forEach((r, i) => {
    const anonThp = r.memory === '';
    const nonAnon = ['Basic COW', 'R/O longterm GUP pin', 'R/O longterm GUP-fast pin'].includes(r.test);
    const s = anonThp ? '# [INFO] Anonymous THP tests' : nonAnon ? '# [RUN] Non-anonymous memory tests in private mappings' : '# [INFO] Anonymous memory tests in private mappings';
    if (s !== section) out.push((section = s));
    out.push(`# [RUN] ${r.test}${r.memory ? ` ... with ${r.memory}` : ''}`);
    counts[r.result]++;
    const n = i + 1;
    if (r.result === 'skip') out.push(`ok ${n} # SKIP ${r.message}`);
    else if (r.result === 'xfail') out.push(`ok ${n} # XFAIL ${r.message}`);
    else out.push(`${r.result} ${n} ${r.message}`);
  });
  // ksft_exit_fail_msg() when a test failed (cow.c main())
  if (counts['not ok']) out.push(`Bail out! ${counts['not ok']} out of ${rows.length} tests failed`);
  out.push(`# Totals: pass:${counts.ok} fail:${counts['not ok']} xfail:${counts.xfail} xpass:0 skip:${counts.skip} error:0`);
  return out.join('\n');
}

export const cowTableCommand: Command = {
  name: 'cow-table',
  summary: "run the kernel's cow.c selftest matrix on the sim-core model of a kernel",
  usage: [
    'usage: pinsight cow-table --kernel V [--with NAME]... [--without NAME]... [--thp-sizes KB,...]',
    '                          [--hugetlb-sizes KB,...] [--huge-1g] [--no-trace] [--json]',
    '',
    "Runs every test of tools/testing/selftests/mm/cow.c that sim-core covers, on the model of",
    'Linux V, and prints the results as the selftest does (TAP), or as JSON with a trace per row.',
    '',
    'options:',
    '  --kernel V            kernel version (X.Y or X.Y.Z)',
    '  --with/--without NAME turn a behaviour on/off (see pinsight behaviours)',
    '  --thp-sizes KB,...    THP sizes the machine offers (default: 2048; 16..2048 with multi-size THP, 6.8+)',
    '  --hugetlb-sizes KB,...  hugetlb sizes (default 2048)',
    '  --huge-1g             also 1 GiB hugetlb pages (same as --hugetlb-sizes 2048,1048576)',
    '  --no-trace            leave the traces out of --json (smaller, faster)',
    '  --json                { "kernel", "rows": [ { "test", "memory", "result", "message", "trace" } ] }',
  ].join('\n'),
  async run(argv, io) {
    const values = parseModelArgs(argv, {
      json: { type: 'boolean' },
      'thp-sizes': { type: 'string' },
      'hugetlb-sizes': { type: 'string' },
      'huge-1g': { type: 'boolean' },
      'no-trace': { type: 'boolean' },
    });
    const kernel = kernelSpecOf(values, true)!;
    const thpSizesKb = sizes(values['thp-sizes'], '--thp-sizes');
    let hugetlbSizesKb = sizes(values['hugetlb-sizes'], '--hugetlb-sizes');
    if (values['huge-1g']) hugetlbSizesKb = [...new Set([...(hugetlbSizesKb ?? [2048]), 1048576])];
    const traceOn = !!values.json && !values['no-trace'];
    const table = simOrUsage(() =>
      cowTable({ kernel, trace: traceOn, ...(thpSizesKb ? { thpSizesKb } : {}), ...(hugetlbSizesKb ? { hugetlbSizesKb } : {}) }),
    );
    if (values.json) {
      const rows = table.rows.map((r) => ({ test: r.test, memory: r.memory, result: r.result, message: r.message, ...(traceOn ? { trace: r.trace } : {}) }));
      io.out(JSON.stringify({ kernel: table.kernel, ...(table.notes.length ? { notes: table.notes } : {}), thpSizesKb: table.thpSizesKb, hugetlbSizesKb: table.hugetlbSizesKb, rows }));
    } else io.out(formatTap(table.kernel, table.thpSizesKb, table.hugetlbSizesKb, table.rows, table.notes));
    return EXIT_OK;
  },
};
