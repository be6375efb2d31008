// What a scan keeps of one file, shared by the analysis (analyze-source.ts) and the cache of its
// results (result-cache.ts): a leaf, so that neither needs the other's module.
import { createHash } from 'node:crypto';
import type { CallSite, Finding, WrapperDef } from '../engine/types.js';

/** A file with at least one call or finding, or one that defines a wrapper for the project index. */
export interface FileResult {
  path: string;
  calls: CallSite[];
  findings: Finding[];
  /** The wrappers of entry points the file defines (server/index/); not part of the scan's output. */
  wrappers?: WrapperDef[];
}

export interface CacheEntry {
  /** sha1 of the file's bytes. */
  digest: string;
  /** What the analysis gave: null for no call and no finding. */
  result: FileResult | null;
}

/** Entries by absolute path. */
export type CacheEntries = Record<string, CacheEntry>;

export const digestOf = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');
