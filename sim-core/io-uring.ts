// io_uring fixed buffers (io_uring/rsrc.c io_sqe_buffer_register()): a FOLL_WRITE|FOLL_LONGTERM
// pin of the buffer; IORING_OP_WRITE_FIXED reads it through the pin.
import { type GupOutcome, gup, release } from './gup.js';
import type { Mm, PinRecord } from './mm.js';
import { isVmHugetlbPage } from './vma.js';

export interface FixedBuffer {
  mm: Mm;
  pins: PinRecord[];
}

/**
 * io_sqe_buffer_register(). With 'io-uring-file-check-in-gup' (6.5): GUP alone decides, through
 * pin_user_pages() (6.5 to 6.9) or pin_user_pages_fast() ('io-uring-pin-fast', 6.10; 6.12
 * io_uring/memmap.c io_pin_pages()). Without (6.1 io_uring/rsrc.c io_pin_pages()): pin_user_pages()
 * under the mmap lock, then -EOPNOTSUPP for any file-backed VMA that is neither shmem nor hugetlbfs.
 */
export function registerBuffer(mm: Mm, start: number, pages: number): FixedBuffer | GupOutcome {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const inGup = k.has('io-uring-file-check-in-gup');
  t.add('io_sqe_buffer_register()', `register ${pages} page${pages === 1 ? '' : 's'} as a fixed buffer: FOLL_WRITE|FOLL_LONGTERM`, k.cite('io_sqe_buffer_register').ref);
  const out = gup({ api: k.has('io-uring-pin-fast') ? 'pin_user_pages_fast' : 'pin_user_pages', mm, start, nrPages: pages, flags: ['FOLL_WRITE', 'FOLL_LONGTERM'], holder: 'io_uring' });
  const undo = (o: GupOutcome): GupOutcome => {
    for (const p of out.pins) release(mm, p);
    return o;
  };
  if (out.errno || out.ret !== pages) return undo(out.errno ? out : { ret: -14, errno: '-EFAULT', pins: [] });
  if (!inGup) {
    for (let v = start; v < start + pages; v++) {
      const vma = mm.findVma(v)!;
      if (vma.file && !vma.file.isShmem && !isVmHugetlbPage(vma)) {
        const pin = k.cite('io_pin_pages');
        t.add(pin.fn, `-> -EOPNOTSUPP: "don't support file backed memory" (${vma.file.fs} file, neither shmem nor hugetlbfs)`, pin.ref);
        return undo({ ret: -95, errno: '-EOPNOTSUPP', pins: [] });
      }
    }
  }
  return { mm, pins: out.pins };
}

/** IORING_OP_WRITE_FIXED: what the device would write out, read through the pinned pages. */
export function writeFixed(buf: FixedBuffer): number[] {
  const out: number[] = [];
  for (const p of buf.pins) for (let i = 0; i < p.count; i++) out.push(p.folio.content.at(p.index + i));
  return out;
}

export function unregisterBuffers(buf: FixedBuffer): void {
  for (const p of buf.pins) release(buf.mm, p);
}
