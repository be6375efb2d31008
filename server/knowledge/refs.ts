// Short constructors for kernel references, so the data files read like a table.
import type { KernelRef } from './types.js';

/** Read in Debian's linux-source-6.1. */
export function in61(file: string, symbol: string): KernelRef {
  return { file, symbol, readIn: '6.1' };
}

/** Read in Debian's linux-source-6.12. */
export function in612(file: string, symbol: string): KernelRef {
  return { file, symbol, readIn: '6.12' };
}
