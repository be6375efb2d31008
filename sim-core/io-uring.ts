// io_uring fixed buffers (io_uring/rsrc.c io_sqe_buffer_register() -> io_pin_pages()): a
// FOLL_WRITE|FOLL_LONGTERM pin of the buffer; IORING_OP_WRITE_FIXED reads it through the pin.
// 6.1 pins with pin_user_pages(), 6.12 with pin_user_pages_fast() (io_uring/memmap.c); the model
// uses pin_user_pages() for both: for cow.c's buffers GUP-fast either takes the same pages or falls
// back to the same slow path.
import { type GupOutcome, gup, release } from './gup.js';
import type { Mm, PinRecord } from './mm.js';

export interface FixedBuffer {
  mm: Mm;
  pins: PinRecord[];
}

export function registerBuffer(mm: Mm, start: number, pages: number): FixedBuffer | GupOutcome {
  const out = gup({ api: 'pin_user_pages', mm, start, nrPages: pages, flags: ['FOLL_WRITE', 'FOLL_LONGTERM'], holder: 'io_uring' });
  if (out.errno || out.ret !== pages) {
    for (const p of out.pins) release(mm, p);
    return out;
  }
  return { mm, pins: out.pins };
}

/** IORING_OP_WRITE_FIXED: what the device would write out, read through the pinned pages. */
export function writeFixed(buf: FixedBuffer): number[] {
  const out: number[] = [];
  for (const p of buf.pins) for (let i = 0; i < p.count; i++) out.push(p.folio.content[p.index + i]!);
  return out;
}

export function unregisterBuffers(buf: FixedBuffer): void {
  for (const p of buf.pins) release(buf.mm, p);
}
