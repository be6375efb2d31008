// The real files the fuzzer mutates: the cached Debian kernel trees when present (files that name a
// GUP/PUP entry point or a FOLL_ flag are "interesting" and drawn more often), otherwise the
// project's own C fixtures and examples. File lists are sorted, so a seed picks the same files on
// every machine with the same trees; the kernel lists are cached under ~/.cache/pinsight/fuzz/.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

export interface Corpus {
  /** Where the files come from, for the report. */
  label: string;
  root: string;
  /** Paths relative to root: files that name an entry point or a FOLL_ flag. */
  interesting: string[];
  /** Every other .c/.h file. */
  other: string[];
}

const PROJECT = join(__dirname, '../..');
const CACHE = process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
const NEEDLES = ['get_user_pages', 'pin_user_pages', 'FOLL_', 'access_process_vm', 'access_remote_vm', 'pin_user_pages_fast', 'memfd_pin_folios'].map((n) => Buffer.from(n));
const MAX_FILE = 2 * 1024 * 1024;

function* sourceFiles(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(path);
    else if (e.isFile() && /\.[ch]$/.test(e.name)) yield path;
  }
}

function classify(root: string, label: string): Corpus {
  const interesting: string[] = [];
  const other: string[] = [];
  for (const path of sourceFiles(root)) {
    let bytes: Buffer;
    try {
      if (statSync(path).size > MAX_FILE) continue;
      bytes = readFileSync(path);
    } catch {
      continue;
    }
    (NEEDLES.some((n) => bytes.includes(n)) ? interesting : other).push(relative(root, path));
  }
  return { label, root, interesting, other };
}

/** The kernel trees in the cache, newest last. */
export function kernelTrees(): string[] {
  return ['linux-source-6.1', 'linux-source-6.12'].map((t) => join(CACHE, 'kernels', t)).filter((t) => existsSync(join(t, 'Makefile')));
}

/** The corpus for `which`: "kernel" (falls back to the fixtures when no tree is cached) or "fixtures". */
export function loadCorpus(which: 'kernel' | 'fixtures' = 'kernel', log: (s: string) => void = () => {}): Corpus {
  const trees = which === 'kernel' ? kernelTrees() : [];
  if (trees.length === 0) {
    const corpus = classify(PROJECT, 'project fixtures and examples');
    const keep = (p: string) => /^(test|examples)\//.test(p);
    return { ...corpus, interesting: corpus.interesting.filter(keep), other: corpus.other.filter(keep) };
  }
  // Both trees as one corpus rooted at their common parent.
  const root = join(trees[0]!, '..');
  const cacheFile = join(CACHE, 'fuzz', `corpus-${trees.map((t) => t.split('/').pop()).join('+')}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Corpus;
    if (cached.root === root && existsSync(join(root, cached.interesting[0] ?? ''))) return cached;
  }
  log(`fuzz: listing ${trees.join(', ')} (once; cached in ${cacheFile})`);
  const parts = trees.map((t) => classify(t, t));
  const corpus: Corpus = {
    label: `Debian kernel trees (${trees.map((t) => t.split('/').pop()).join(', ')})`,
    root,
    interesting: parts.flatMap((p) => p.interesting.map((f) => join(p.root.split('/').pop()!, f))),
    other: parts.flatMap((p) => p.other.map((f) => join(p.root.split('/').pop()!, f))),
  };
  mkdirSync(join(CACHE, 'fuzz'), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(corpus));
  return corpus;
}
