// The fast path (server/scan) gives exactly the plain path's result: analyzeFile() on every file
// that listSourceFiles() lists (server/cli/scan.ts). On the fixtures always; on Debian's 6.1 and
// 6.12 trees when they are in the cache (scripts/fetch-kernel.sh), with each pre-filter and with
// the slices checked against whole-file parses for the other kernel too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../server/engine/index.js';
import { loadCParser } from '../../server/engine/parser.js';
import { scanPlain } from '../../server/cli/scan.js';
import { listSourceFiles } from '../../server/cli/scan-files.js';
import { pinsight } from '../cli/scan-helpers.js';
import { SourceAnalyzer } from '../../server/scan/analyze-source.js';
import { scanTree, type TreeScan, type Prefilter } from '../../server/scan/index.js';
import { findRipgrep } from '../../server/scan/ripgrep.js';

const root = join(__dirname, '../..');
const FIXTURE_DIRS = ['examples', 'test/fixtures', 'test/scan/fixtures'].map((d) => join(root, d));
const KERNELS = ['6.1', '6.12'];
const rg = findRipgrep();

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.[ch]$/.test(entry.name)) yield path;
  }
}

/** The plain path's answer, in the fast path's shape. */
async function plainScan(dirs: string[], kernel: string) {
  const result = await scanPlain(listSourceFiles(dirs, root), dirs, root, kernel, 'test');
  return { files: result.files, filesScanned: result.filesScanned, errors: result.errors };
}

const shape = (t: TreeScan) => ({ files: t.files, filesScanned: t.filesScanned, errors: t.errors });

test('on every fixture, the sliced parse gives what analyzeFile gives on the whole file', async () => {
  const parser = await loadCParser();
  let compared = 0;
  let withCalls = 0;
  for (const path of FIXTURE_DIRS.flatMap((d) => [...sourceFiles(d)])) {
    const text = readFileSync(path, 'utf8');
    for (const kernel of KERNELS) {
      const whole = analyzeFile(parser, path, text, { kernel });
      const sliced = new SourceAnalyzer(parser, kernel).analyzeText(path, text) ?? { calls: [], findings: [] };
      assert.deepEqual({ calls: sliced.calls, findings: sliced.findings }, { calls: whole.calls, findings: whole.findings }, `${path} on ${kernel}`);
      compared++;
      if (whole.calls.length > 0) withCalls++;
    }
  }
  assert.ok(compared > 40 && withCalls > 30, `only ${compared} comparisons, ${withCalls} with calls`);
});

test('a second parse only where the flag flow follows a parameter into the callers', async () => {
  const parser = await loadCParser();
  const callers = new SourceAnalyzer(parser, '6.1');
  const result = callers.analyzeText('callers.c', readFileSync(join(root, 'test/scan/fixtures/callers.c'), 'utf8'));
  // toy_pin's gup_flags comes from toy_map_for_device and toy_map_for_cpu, found in the second parse.
  assert.equal(callers.counters.parsed, 2);
  const sets = result!.calls.flatMap((c) => c.flagSets.map((f) => f.flags.join('|')));
  assert.ok(sets.some((f) => f.includes('FOLL_FORCE')), sets.join(', '));
  const direct = new SourceAnalyzer(parser, '6.1');
  direct.analyzeText('toy.c', 'int toy(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, FOLL_WRITE, p);\n}\n');
  assert.equal(direct.counters.parsed, 1);
});

// Kernel-style top-level items that reach into one another the ways the engine follows: flags through
// a helper's parameter, macros, releases and read-only fields in other functions, #ifdef, braces in
// comments and strings.
const ITEMS = [
  'struct toy {\n\tunsigned long addr;\n\tstruct page **pages;\n\tbool ro;\n\tbool writable;\n};\n',
  '#define TOY_FLAGS\t(FOLL_WRITE | FOLL_FORCE)\n',
  '#define TOY_LT \\\n\tFOLL_LONGTERM\n',
  'static int toy_pin(unsigned long a, unsigned int gup_flags, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, gup_flags | FOLL_LONGTERM, p);\n}\n',
  'int toy_dev(struct toy *t)\n{\n\treturn toy_pin(t->addr, FOLL_WRITE | FOLL_FORCE, t->pages);\n}\n',
  'int toy_cpu(struct toy *t)\n{\n\tunsigned int f = 0;\n\n\tif (t->writable)\n\t\tf |= FOLL_WRITE;\n\telse\n\t\tf |= FOLL_FORCE;\n\treturn toy_pin(t->addr, f, t->pages);\n}\n',
  'int toy_direct(struct toy *t)\n{\n\treturn pin_user_pages_fast(t->addr, 1, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, t->pages);\n}\n',
  'long toy_macro(struct toy *t)\n{\n\treturn get_user_pages_fast(t->addr, 1, TOY_FLAGS | TOY_LT, t->pages);\n}\n',
  '#define TOY_BASE\tFOLL_FORCE\n',
  '#define TOY_ALL\t(TOY_BASE | FOLL_WRITE)\n',
  'long toy_all(struct toy *t)\n{\n\treturn pin_user_pages_fast(t->addr, 1, TOY_ALL | FOLL_LONGTERM, t->pages);\n}\n',
  'void toy_release(struct toy *t)\n{\n\tput_page(t->pages[0]);\n}\n',
  'void toy_unpin(struct toy *t)\n{\n\tunpin_user_pages(t->pages, 1);\n}\n',
  'void toy_set(struct toy *t, bool w)\n{\n\tt->ro = !w;\n}\n',
  'static const char *toy_s = "} {";\n',
  '/*\n}\n * get_user_pages(x) in a comment\n */\n',
  'static int toy_other(int x)\n{\n\tif (x > 1) {\n\t\treturn x;\n\t}\n\treturn \'}\';\n}\n',
  'int toy_remote(struct mm_struct *mm, struct toy *t)\n{\n\treturn get_user_pages_remote(mm, t->addr, 1, FOLL_FORCE, t->pages, NULL, NULL);\n}\n',
  'int toy_peek(struct mm_struct *mm, unsigned long a, void *buf)\n{\n\treturn access_remote_vm(mm, a, buf, 4, FOLL_FORCE);\n}\n',
];
const item = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ITEMS) },
  { weight: 1, arbitrary: fc.constantFrom(...ITEMS).map((i) => `#ifdef CONFIG_TOY\n${i}#else\n${i}#endif\n`) },
);

test('property: on any kernel-style file built from these items, sliced = whole-file analysis', async () => {
  const parser = await loadCParser();
  await fc.assert(
    fc.asyncProperty(fc.array(item, { maxLength: 14 }), fc.constantFrom(...KERNELS), async (items, kernel) => {
      const text = '#include <linux/mm.h>\n\n' + items.join('\n');
      const whole = analyzeFile(parser, 'toy.c', text, { kernel });
      const sliced = new SourceAnalyzer(parser, kernel).analyzeText('toy.c', text) ?? { calls: [], findings: [] };
      assert.deepEqual({ calls: sliced.calls, findings: sliced.findings }, { calls: whole.calls, findings: whole.findings });
    }),
    { numRuns: 150 },
  );
});

const variants: { prefilter: Prefilter; workers: number }[] = [
  { prefilter: 'node', workers: 0 },
  { prefilter: 'node', workers: 2 },
  ...(rg ? [{ prefilter: 'rg' as const, workers: 0 }, { prefilter: 'rg' as const, workers: 2 }] : []),
];

for (const { prefilter, workers } of variants) {
  test(`the fixtures: fast scan (${prefilter}, ${workers} workers) = plain scan`, async () => {
    for (const kernel of KERNELS) {
      const plain = await plainScan(FIXTURE_DIRS, kernel);
      const fast = await scanTree(FIXTURE_DIRS, { kernel, prefilter, workers, poolFrom: 0 });
      assert.equal(fast.prefilter, prefilter);
      assert.equal(fast.workers, workers);
      assert.deepEqual(shape(fast), plain);
      assert.ok(plain.files.length > 10);
    }
  });
}

test('roots and links: a linked root is followed, links and dot entries inside are not, overlaps count once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-scan-'));
  try {
    const driver = readFileSync(join(root, 'examples/drivers/rdma/toy_umem.c'));
    mkdirSync(join(dir, 'real/sub'), { recursive: true });
    mkdirSync(join(dir, 'real/.hidden'));
    writeFileSync(join(dir, 'real/sub/a.c'), driver);
    writeFileSync(join(dir, 'real/.hidden/b.c'), driver);
    writeFileSync(join(dir, 'real/notes.txt'), driver);
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    symlinkSync(join(dir, 'real/sub/a.c'), join(dir, 'real/sub/alias.c'));
    symlinkSync(join(root, 'examples'), join(dir, 'real/examples-link'));
    const cases = [['link'], ['real'], ['real', 'real/sub'], ['real/sub/a.c', 'real'], ['real/notes.txt'], ['real/.hidden']];
    for (const roots of cases) {
      const paths = roots.map((r) => join(dir, r));
      const plain = await scanPlain(listSourceFiles(paths, dir), paths, dir, '6.1', 'test');
      // 'auto' takes ripgrep where the roots allow it (no overlap), else the walk.
      for (const prefilter of ['node', 'auto'] as const) {
        const fast = await scanTree(paths, { kernel: '6.1', prefilter, workers: 0 });
        assert.deepEqual(shape(fast), { files: plain.files, filesScanned: plain.filesScanned, errors: plain.errors }, `${roots.join(' ')} (${prefilter})`);
      }
      assert.ok(plain.filesScanned >= 1, roots.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a small scan with workers allowed stays in-process, a file root is scanned whatever its name', async () => {
  const fast = await scanTree([join(root, 'test/scan/fixtures/callers.c')], { kernel: '6.12', workers: 2 });
  assert.equal(fast.workers, 0);
  assert.equal(fast.filesScanned, 1);
  assert.equal(fast.files.length, 1);
});

test('pinsight scan prints the same with PINSIGHT_SCAN=plain, in every format', async () => {
  for (const format of ['json', 'text', 'sarif']) {
    const args = ['scan', '--format', format, '--kernel', '6.1', 'examples', 'test/scan/fixtures'];
    const fast = await pinsight(args, root);
    process.env.PINSIGHT_SCAN = 'plain';
    try {
      const plain = await pinsight(args, root);
      assert.deepEqual(fast, plain);
      assert.equal(plain.code, 1);
    } finally {
      delete process.env.PINSIGHT_SCAN;
    }
  }
  const missing = await pinsight(['scan', '--kernel', '6.1', 'no/such/dir'], root);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file or directory: no\/such\/dir/);
});

// ---- the real trees ------------------------------------------------------------------------

const cache = process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
const treeOf = (v: string) => join(cache, 'kernels', `linux-source-${v}`);
const ready = (v: string) => existsSync(join(treeOf(v), '.pinsight-complete'));

for (const version of KERNELS) {
  const skip = ready(version) ? false : `linux-source-${version} not cached (bash scripts/fetch-kernel.sh)`;

  test(`linux-source-${version}: fast scan = plain scan, with each pre-filter`, { skip }, async () => {
    const tree = treeOf(version);
    const plain = await plainScan([tree], version);
    const node = await scanTree([tree], { kernel: version, prefilter: 'node', workers: 2 });
    assert.deepEqual(shape(node), plain);
    assert.ok(plain.files.length > 50 && plain.filesScanned > 40000);
    if (rg) {
      const viaRg = await scanTree([tree], { kernel: version, prefilter: 'rg', workers: 2 });
      assert.equal(viaRg.prefilter, 'rg');
      assert.deepEqual(shape(viaRg), plain);
      // ripgrep and the byte search pick the very same candidates.
      assert.equal(viaRg.counters.candidates, node.counters.candidates);
      assert.equal(viaRg.counters.parsed, node.counters.parsed);
    }
    // The slices are much smaller than the files.
    assert.ok(node.counters.keptLines < node.counters.lines / 3, `kept ${node.counters.keptLines}/${node.counters.lines}`);
  });

  test(`linux-source-${version}: sliced = whole-file parses for the other kernel too`, { skip }, async () => {
    const other = KERNELS.find((k) => k !== version)!;
    const options = { kernel: other, prefilter: rg ? ('rg' as const) : ('node' as const), workers: 2 };
    const whole = await scanTree([treeOf(version)], { ...options, slice: false });
    const sliced = await scanTree([treeOf(version)], options);
    assert.deepEqual(shape(sliced), shape(whole));
    assert.equal(whole.counters.keptLines, 0);
  });
}
