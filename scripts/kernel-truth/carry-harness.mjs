#!/usr/bin/env node
// Carries the PIN_LONGTERM_TEST ioctls of mm/gup_test.[ch] (arrived in 6.2) from a 6.12 tree
// into a scratch copy of a 6.1 tree, so that cow.c's R/O pin tests run on 6.1 instead of
// skipping. Only the test harness changes: the GUP and fault code under test stays 6.1's.
//
// usage: carry-harness.mjs SRC_6_1 SRC_6_12 SCRATCH
//   SCRATCH becomes a hard-linked copy of SRC_6_1 (cheap); the two files mm/gup_test.h and
//   mm/gup_test.c are replaced by new files there (the originals are never written).
// The pieces are taken out of the 6.12 tree at build time: the project holds no kernel code.
import { readFileSync, writeFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { answerHelp } from '../help.mjs';

answerHelp(import.meta.url);

const [src61, src612, scratch] = process.argv.slice(2);
if (!src61 || !src612 || !scratch) {
  console.error('usage: carry-harness.mjs SRC_6_1 SRC_6_12 SCRATCH');
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

// --- the scratch tree: hard links to the 6.1 tree, with the two files replaced (not written through).
if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
mkdirSync(dirname(scratch), { recursive: true });
execFileSync('cp', ['-al', src61, scratch], { stdio: ['ignore', 'ignore', 'inherit'] });
for (const [name, text] of [['mm/gup_test.h', h], ['mm/gup_test.c', c]]) {
  const path = join(scratch, name);
  rmSync(path); // break the hard link before writing
  writeFileSync(path, text);
}
console.error(`carry-harness: ${scratch} = ${src61} + PIN_LONGTERM_TEST harness from ${src612}`);
