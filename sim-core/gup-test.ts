// mm/gup_test.c's PIN_LONGTERM_TEST_START/READ/STOP ioctls, which cow.c drives: a R/O (or R/W)
// FOLL_LONGTERM pin of a range, read back through the pin later.
import { type GupOutcome, gup, release } from './gup.js';
import type { Mm, PinRecord } from './mm.js';

export interface LongtermPin {
  mm: Mm;
  pins: PinRecord[];
}

/** PIN_LONGTERM_TEST_START: pin_user_pages() under the mmap lock, or pin_user_pages_fast(), with FOLL_LONGTERM (+FOLL_WRITE). */
export function pinLongtermTestStart(mm: Mm, start: number, pages: number, opts: { fast: boolean; write?: boolean }): { pin: LongtermPin } | { error: GupOutcome } {
  const out = gup({
    api: opts.fast ? 'pin_user_pages_fast' : 'pin_user_pages',
    mm,
    start,
    nrPages: pages,
    flags: opts.write ? ['FOLL_LONGTERM', 'FOLL_WRITE'] : ['FOLL_LONGTERM'],
    holder: 'gup_test',
  });
  if (out.errno || out.ret !== pages) {
    for (const p of out.pins) release(mm, p);
    return { error: out };
  }
  return { pin: { mm, pins: out.pins } };
}

/** PIN_LONGTERM_TEST_READ: the contents of the pinned pages (one byte per 4 KiB page). */
export function pinLongtermTestRead(pin: LongtermPin): number[] {
  const out: number[] = [];
  for (const p of pin.pins) for (let i = 0; i < p.count; i++) out.push(p.folio.zero ? 0 : p.folio.content.at(p.index + i));
  return out;
}

/** PIN_LONGTERM_TEST_STOP: unpin_user_pages(). */
export function pinLongtermTestStop(pin: LongtermPin): void {
  for (const p of pin.pins) release(pin.mm, p);
}
