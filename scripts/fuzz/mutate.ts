// Mutations of real C source, on bytes (so invalid UTF-8 and NUL bytes are possible): each takes a
// buffer and the input's Rng and returns a new buffer. An input gets one to three of them.
import type { Rng } from './rng.js';

export type Mutator = (bytes: Buffer, rng: Rng) => Buffer;

const at = (bytes: Buffer, rng: Rng) => rng.int(0, bytes.length);
const splice = (bytes: Buffer, start: number, end: number, insert: Buffer | string) =>
  Buffer.concat([bytes.subarray(0, start), typeof insert === 'string' ? Buffer.from(insert, 'utf8') : insert, bytes.subarray(end)]);

/** Offsets of the bytes in `set`, or all offsets when there are none. */
function offsetsOf(bytes: Buffer, set: string): number[] {
  const codes = new Set([...set].map((c) => c.charCodeAt(0)));
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (codes.has(bytes[i]!)) out.push(i);
  return out;
}

/** Lines as [start, end) byte offsets (end includes the newline). */
function lines(bytes: Buffer): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push([start, bytes.length]);
  return out;
}

/** Tokens that matter to pinsight, and some that confuse a C parser. */
const TOKENS = [
  'FOLL_FORCE', 'FOLL_WRITE', ' | FOLL_FORCE', ' | FOLL_LONGTERM', 'FOLL_PIN', 'FOLL_GET', '~FOLL_WRITE', ' &= ~FOLL_FORCE', ' |= FOLL_FORCE',
  'pin_user_pages(', 'pin_user_pages_fast(', 'get_user_pages(', 'get_user_pages_remote(', 'access_process_vm(', 'unpin_user_pages(', 'put_page(',
  '#define GUP_FLAGS (FOLL_WRITE | FOLL_FORCE)\n', '#if 0\n', '#endif\n', '#ifdef CONFIG_X\n', '#else\n', '\\\n',
  '/*', '*/', '//', '"', "'", '(', ')', '{', '}', '[', ']', ';', ',', '?', ':', '=', '==', '&&', '||', '!', '->', '.', '...',
  'if (x) ', 'else ', 'switch (x) { case 1: ', 'default: ', 'break;', 'goto out;', 'out:', 'return ', 'while (1) ', 'for (;;) ', 'do ',
  'static inline ', 'struct page **pages', 'unsigned int gup_flags = ', 'int ', 'sizeof(', '0', '0x0', '1UL << 3',
  '🐧', 'é', '\u2028', '\u00a0', '\t', ' ', '\n', '\r\n', '\r',
];

export const MUTATORS: Record<string, Mutator> = {
  truncate: (b, r) => b.subarray(0, at(b, r)),
  'flip-bytes': (b, r) => {
    const out = Buffer.from(b);
    for (let n = r.int(1, 16); n > 0 && out.length > 0; n--) out[r.int(0, out.length - 1)] ^= r.int(1, 255);
    return out;
  },
  'drop-braces': (b, r) => {
    const offsets = offsetsOf(b, r.chance(0.5) ? '{}' : '{}()[]');
    const drop = new Set(Array.from({ length: r.int(1, 8) }, () => r.pick(offsets)));
    return Buffer.from([...b].filter((_, i) => !drop.has(i)));
  },
  'nul-bytes': (b, r) => {
    let out = b;
    for (let n = r.int(1, 8); n > 0; n--) {
      const p = at(out, r);
      out = splice(out, p, p, Buffer.alloc(r.int(1, 4)));
    }
    return out;
  },
  'invalid-utf8': (b, r) => {
    const bad = [[0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x9f], [0x80], [0xbf, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80]];
    let out = b;
    for (let n = r.int(1, 6); n > 0; n--) {
      const p = at(out, r);
      out = splice(out, p, p, Buffer.from(r.pick(bad)));
    }
    return out;
  },
  crlf: (b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
  'lone-cr': (b, r) => Buffer.from(b.toString('latin1').replace(/\n/g, () => (r.chance(0.5) ? '\r' : '\n')), 'latin1'),
  'long-line': (b, r) => {
    if (r.chance(0.5)) {
      // Join a block of lines into one (a macro-heavy file squashed onto a single line).
      const ls = lines(b);
      if (ls.length < 2) return b;
      const first = r.int(0, ls.length - 2);
      const last = Math.min(ls.length - 1, first + r.int(10, 5000));
      const block = b.subarray(ls[first]![0], ls[last]![1]).toString('latin1').replace(/\n/g, ' ');
      return splice(b, ls[first]![0], ls[last]![1], Buffer.from(block + '\n', 'latin1'));
    }
    const p = at(b, r);
    const filler = r.pick(['x', ' ', '/* c */', 'FOLL_WRITE | ', '(', 'a, ']);
    return splice(b, p, p, filler.repeat(Math.ceil(r.int(10_000, 1_000_000) / filler.length)));
  },
  'delete-lines': (b, r) => {
    const ls = lines(b);
    if (ls.length === 0) return b;
    const first = r.int(0, ls.length - 1);
    const last = Math.min(ls.length - 1, first + r.int(0, 40));
    return splice(b, ls[first]![0], ls[last]![1], '');
  },
  'duplicate-lines': (b, r) => {
    const ls = lines(b);
    if (ls.length === 0) return b;
    const first = r.int(0, ls.length - 1);
    const last = Math.min(ls.length - 1, first + r.int(0, 40));
    const p = ls[r.int(0, ls.length - 1)]![0];
    return splice(b, p, p, b.subarray(ls[first]![0], ls[last]![1]));
  },
  'insert-tokens': (b, r) => {
    let out = b;
    for (let n = r.int(1, 12); n > 0; n--) {
      const p = at(out, r);
      out = splice(out, p, p, r.pick(TOKENS));
    }
    return out;
  },
  /** Turn flag expressions into the driver idiom the engine looks for, so fixes get exercised. */
  'force-flags': (b, r) => {
    const text = b.toString('latin1');
    return Buffer.from(
      text.replace(/\bFOLL_(WRITE|LONGTERM|GET|PIN|TOUCH)\b/g, (m) => (r.chance(0.3) ? r.pick([`${m} | FOLL_FORCE`, 'FOLL_FORCE', `FOLL_FORCE | ${m}`, `(${m})`, '0']) : m)),
      'latin1',
    );
  },
  'astral-chars': (b, r) => {
    let out = b;
    for (let n = r.int(1, 10); n > 0; n--) {
      const p = at(out, r);
      out = splice(out, p, p, r.pick(['🐧', '𝔽', '👨‍👩‍👧', 'é', '\u0301', '\ufeff', '\u202e', '\u2028']));
    }
    return out;
  },
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** One to three mutations; returns the bytes and the names applied, in order. */
export function mutate(bytes: Buffer, rng: Rng): { bytes: Buffer; ops: string[] } {
  const ops: string[] = [];
  let out = bytes;
  for (let n = rng.int(1, 3); n > 0; n--) {
    const name = rng.pick(MUTATOR_NAMES);
    out = MUTATORS[name]!(out, rng);
    ops.push(name);
  }
  return { bytes: out, ops };
}
