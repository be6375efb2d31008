#!/usr/bin/env node
// Carries the PIN_LONGTERM_TEST ioctls of mm/gup_test.[ch] (arrived in 6.2) from a 6.12 tree
// into a scratch copy of a 6.1 tree, so that cow.c's R/O pin tests run on 6.1 instead of
// skipping. Only the test harness changes: the GUP and fault code under test stays 6.1's.
//
// usage: carry-harness.mjs SRC_6_1 SRC_6_12 SCRATCH
//   SCRATCH becomes a hard-linked copy of SRC_6_1 (cheap); the two files mm/gup_test.h and
//   mm/gup_test.c are replaced by new files there (the originals are never written).
//        carry-harness.mjs --into-5.10 SRC_5_10 SRC_6_1 SRC_6_12 SCRATCH
//   5.10 has no mm/gup_test.c at all (only mm/gup_benchmark.c, CONFIG_GUP_BENCHMARK): the 6.1
//   files with the same port become new files in a scratch copy of the 5.10 tree, with 6.1's
//   `config GUP_TEST` entry in mm/Kconfig and its line in mm/Makefile. Three calls differ:
//   is_longterm_pinnable_page() (5.13) is is_migrate_cma_page() there, and kmap_local_page()/
//   kunmap_local() (5.11) are kmap()/kunmap(). No GUP, fault, fork or io_uring code is touched.
// The pieces are taken out of the 6.1 and 6.12 trees at build time: the project holds no kernel code.
import { readFileSync, writeFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { answerHelp } from '../help.mjs';

answerHelp(import.meta.url);

const args = process.argv.slice(2);
const into510 = args[0] === '--into-5.10';
if (into510) args.shift();
const [src510, src61, src612, scratch] = into510 ? args : [undefined, ...args];
if (!src61 || !src612 || !scratch || (into510 && !src510) || args.length !== (into510 ? 4 : 3)) {
  console.error('usage: carry-harness.mjs SRC_6_1 SRC_6_12 SCRATCH\n       carry-harness.mjs --into-5.10 SRC_5_10 SRC_6_1 SRC_6_12 SCRATCH');
  process.exit(2);
}

/** The text from the line starting with `from` up to and including the line starting with `to`. */
function slice(text, from, to, what) {
  const start = text.indexOf(from);
  if (start < 0) throw new Error(`carry-harness: '${from}' not found (${what})`);
  const endAt = text.indexOf(to, start);
  if (endAt < 0) throw new Error(`carry-harness: '${to}' not found after '${from}' (${what})`);
  const lineEnd = text.indexOf('\n', endAt + to.length);
  return text.slice(start, lineEnd < 0 ? text.length : lineEnd + 1);
}

/** Inserts `piece` right after the first occurrence of `anchor` in `text`; fails loudly if absent. */
function insertAfter(text, anchor, piece, what) {
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`carry-harness: anchor '${anchor.trim()}' not found (${what})`);
  return text.slice(0, at + anchor.length) + piece + text.slice(at + anchor.length);
}

const h612 = readFileSync(join(src612, 'mm/gup_test.h'), 'utf8');
const c612 = readFileSync(join(src612, 'mm/gup_test.c'), 'utf8');
const h61 = readFileSync(join(src61, 'mm/gup_test.h'), 'utf8');
const c61 = readFileSync(join(src61, 'mm/gup_test.c'), 'utf8');

// --- mm/gup_test.h: the three ioctl numbers, the flag values and struct pin_longterm_test.
const ioctls = slice(h612, '#define PIN_LONGTERM_TEST_START', '#define PIN_LONGTERM_TEST_READ', 'gup_test.h ioctls');
const flagsAndStruct = slice(h612, '#define PIN_LONGTERM_TEST_FLAG_USE_WRITE', '};', 'gup_test.h struct');
let h = insertAfter(h61, "_IOWR('g', 6, struct gup_test)\n", ioctls, '6.1 gup_test.h');
h = insertAfter(h, '__u32 which_pages[GUP_TEST_MAX_PAGES_TO_DUMP];\n};\n', '\n' + flagsAndStruct, '6.1 gup_test.h');

// --- mm/gup_test.c: the handlers with their state, the dispatch cases, and .release.
let handlers = slice(c612, 'static DEFINE_MUTEX(pin_longterm_test_mutex);', 'static long pin_longterm_test_ioctl', 'gup_test.c handlers');
handlers += slice(c612.slice(c612.indexOf('static long pin_longterm_test_ioctl')), '\t\t\t\t    unsigned long arg)', '\n}', 'gup_test.c ioctl');
// 6.1's pin_user_pages() still takes the `vmas` argument (removed in 6.5): pass NULL.
const call612 = /pin_user_pages\(addr, remaining_pages,\s*gup_flags, pages\);/;
if (!call612.test(handlers)) throw new Error('carry-harness: pin_user_pages() call not found in the 6.12 handlers');
handlers = handlers.replace(call612, 'pin_user_pages(addr, remaining_pages,\n\t\t\t\t\t\t   gup_flags, pages, NULL);');
const release = slice(c612, 'static int gup_test_release(', '}', 'gup_test.c release');

let c = insertAfter(c61, '#include <linux/debugfs.h>\n', '#include <linux/highmem.h>\n', '6.1 gup_test.c includes');
// The handlers go right before 6.1's gup_test_ioctl(), as in 6.12.
const ioctlAt = c.indexOf('static long gup_test_ioctl(');
if (ioctlAt < 0) throw new Error('carry-harness: gup_test_ioctl() not found in 6.1');
c = c.slice(0, ioctlAt) + handlers + '\n' + c.slice(ioctlAt);
c = insertAfter(c, '\tcase DUMP_USER_PAGES_TEST:\n\t\tbreak;\n',
  '\tcase PIN_LONGTERM_TEST_START:\n\tcase PIN_LONGTERM_TEST_STOP:\n\tcase PIN_LONGTERM_TEST_READ:\n' +
  '\t\treturn pin_longterm_test_ioctl(filep, cmd, arg);\n', '6.1 gup_test_ioctl switch');
const fopsAt = c.indexOf('static const struct file_operations gup_test_fops');
if (fopsAt < 0) throw new Error('carry-harness: gup_test_fops not found in 6.1');
c = c.slice(0, fopsAt) + release + '\n' + c.slice(fopsAt);
c = insertAfter(c, '\t.unlocked_ioctl = gup_test_ioctl,\n', '\t.release = gup_test_release,\n', '6.1 gup_test_fops');

/** Replaces every occurrence of `from` with `to`; fails loudly if there is none. */
function replaceAll(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`carry-harness: '${from}' not found (${what})`);
  return text.split(from).join(to);
}

const files = [['mm/gup_test.h', h], ['mm/gup_test.c', c]];
let base = src61;
if (into510) {
  base = src510;
  if (existsSync(join(src510, 'mm/gup_test.c'))) throw new Error(`carry-harness: ${src510} already has mm/gup_test.c`);
  let c510 = replaceAll(c, 'is_longterm_pinnable_page(', 'is_migrate_cma_page(', '5.10 gup_test.c');
  // is_longterm_pinnable_page() is true for a pinnable page; is_migrate_cma_page() the opposite.
  c510 = replaceAll(c510, '!is_migrate_cma_page(', 'is_migrate_cma_page(', '5.10 gup_test.c');
  c510 = replaceAll(c510, 'kmap_local_page(', 'kmap(', '5.10 gup_test.c');
  c510 = replaceAll(c510, 'kunmap_local(addr)', 'kunmap(pin_longterm_test_pages[i])', '5.10 gup_test.c');
  files[1][1] = c510;
  const kconfig61 = readFileSync(join(src61, 'mm/Kconfig'), 'utf8');
  const entry = slice(kconfig61, 'config GUP_TEST\n', '\tdepends on !GUP_TEST && !DEBUG_FS', '6.1 mm/Kconfig');
  const kconfig510 = readFileSync(join(src510, 'mm/Kconfig'), 'utf8');
  files.push(['mm/Kconfig', insertAfter(kconfig510, 'config GUP_BENCHMARK\n', '', '5.10 mm/Kconfig')
    .replace('config GUP_BENCHMARK\n', entry + '\nconfig GUP_BENCHMARK\n')]);
  const make510 = readFileSync(join(src510, 'mm/Makefile'), 'utf8');
  files.push(['mm/Makefile', insertAfter(make510, 'obj-$(CONFIG_GUP_BENCHMARK) += gup_benchmark.o\n',
    'obj-$(CONFIG_GUP_TEST) += gup_test.o\n', '5.10 mm/Makefile')]);
}

// --- the scratch tree: hard links to the base tree, with the files replaced (not written through).
if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
mkdirSync(dirname(scratch), { recursive: true });
execFileSync('cp', ['-al', base, scratch], { stdio: ['ignore', 'ignore', 'inherit'] });
for (const [name, text] of files) {
  const path = join(scratch, name);
  rmSync(path, { force: true }); // break the hard link before writing
  writeFileSync(path, text);
}
console.error(`carry-harness: ${scratch} = ${base} + PIN_LONGTERM_TEST harness from ${src612}${into510 ? ` and gup_test.[ch] from ${src61}` : ''}`);
