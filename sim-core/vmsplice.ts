// vmsplice() of user memory into a pipe (fs/splice.c vmsplice_to_pipe() -> iov_iter_get_pages2()
// -> get_user_pages_fast(), R/O FOLL_GET): the pipe keeps plain references to the pages and
// reads whatever those pages contain when the pipe is read.
import { gup, release } from './gup.js';
import type { Mm, PinRecord } from './mm.js';

export interface Pipe {
  refs: PinRecord[];
}

export function vmspliceToPipe(mm: Mm, start: number, pages: number): Pipe | string {
  const out = gup({ api: 'get_user_pages_fast', mm, start, nrPages: pages, flags: [], holder: 'pipe' });
  if (out.errno || out.ret <= 0) return out.errno ?? '-EFAULT';
  return { refs: out.pins };
}

/** read() from the pipe: the referenced pages' contents; the references are dropped. */
export function readPipe(mm: Mm, pipe: Pipe): number[] {
  const out: number[] = [];
  for (const r of pipe.refs) {
    for (let i = 0; i < r.count; i++) out.push(r.folio.zero ? 0 : r.folio.content.at(r.index + i));
    release(mm, r);
  }
  pipe.refs = [];
  return out;
}
