// The inputs no mutation of a real file produces: a 20 MB file of real kernel code, 50,000-deep
// nesting of each kind the parser builds, a 50,000-long macro chain, and random binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Corpus } from './corpus.js';
import { Rng } from './rng.js';

export interface Giant {
  name: string;
  bytes: Buffer;
}

const N = 50_000;

export function giants(corpus: Corpus, seed: number): Giant[] {
  const rng = Rng.forInput(seed, -1);
  // Real code with GUP calls, file after file, to 20 MB.
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = rng.int(0, corpus.interesting.length - 1); size < 20 * 1024 * 1024; i = (i + 1) % corpus.interesting.length) {
    const bytes = readFileSync(join(corpus.root, corpus.interesting[i]!));
    parts.push(bytes);
    size += bytes.length;
  }
  const deep = (text: string) => Buffer.from(text, 'utf8');
  return [
    { name: 'real kernel code, 20 MB', bytes: Buffer.concat(parts) },
    { name: `${N} nested parentheses in a flags argument`, bytes: deep(`int f(void){ return pin_user_pages_fast(0, 1, ${'('.repeat(N)}FOLL_WRITE${')'.repeat(N)}, 0); }\n`) },
    { name: `${N} nested blocks around a call`, bytes: deep(`int f(void){\n${'{'.repeat(N)}pin_user_pages(0, 1, FOLL_FORCE, 0, 0);${'}'.repeat(N)}\n}\n`) },
    { name: `a call under ${N} nested ifs`, bytes: deep(`int f(int c){ unsigned int flags = FOLL_WRITE;\n${'if (c) {\n'.repeat(N)}return pin_user_pages_fast(0, 1, flags | FOLL_FORCE, 0);\n${'}\n'.repeat(N)}}\n`) },
    { name: `${N} chained ternaries in a flags argument`, bytes: deep(`int f(int c){ return pin_user_pages_fast(0, 1, ${'c ? FOLL_WRITE : '.repeat(N)}0, 0); }\n`) },
    { name: `${N} unclosed parentheses`, bytes: deep(`int f(void){ return pin_user_pages_fast(0, 1, ${'('.repeat(N)}FOLL_WRITE, 0); }\n`) },
    { name: `a chain of ${N} macros`, bytes: deep(Array.from({ length: N }, (_, i) => `#define M${i} ${i ? `M${i - 1}` : 'FOLL_FORCE'}\n`).join('') + `int f(void){ return pin_user_pages_fast(0, 1, M${N - 1}, 0); }\n`) },
    { name: 'random binary, 1 MB', bytes: rng.bytes(1024 * 1024) },
  ];
}
