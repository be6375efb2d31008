// The memory kinds a scenario can pin, and how each is mapped and populated before the pin.
import { SimError, unknownName } from './errors.js';
import { fork } from './fork.js';
import { ksmMerge } from './ksm.js';
import type { Mm } from './mm.js';
import { File, PMD_NR, PUD_NR } from './page.js';
import { fallocate, madvise, memset, mmap, touch } from './syscalls.js';

export type Mapping = 'private' | 'shared';

export interface MemoryKindInfo {
  name: string;
  description: string;
  /** anonymous memory (vma_is_anonymous() in a private mapping) */
  anonymous: boolean;
  /** the mappings it exists in */
  mappings: readonly Mapping[];
}

interface Kind extends MemoryKindInfo {
  /** maps and populates it in `mm`; returns the address of the page that will be pinned */
  setup(mm: Mm, mapping: Mapping): number;
}

const RW = { read: true, write: true };

function fileKind(name: string, fs: 'tmpfs' | 'ext4', description: string): Kind {
  return {
    name,
    description,
    anonymous: false,
    mappings: ['private', 'shared'],
    setup(mm, mapping) {
      const file = new File(name, fs);
      const mem = mmap(mm, { pages: 1, prot: RW, shared: mapping === 'shared', file });
      touch(mm, mem); // read-faulted, as cow.c populates it
      return mem;
    },
  };
}

function hugetlbKind(name: string, nr: number, memfd: boolean): Kind {
  const size = nr === PMD_NR ? '2 MiB' : '1 GiB';
  return {
    name,
    description: memfd
      ? `a ${size} hugetlb page of a memfd (MFD_HUGETLB), read-faulted: in a private mapping it is the file's page, mapped read-only`
      : `a ${size} MAP_HUGETLB page, written once (private: an exclusive anonymous hugetlb page; shared: a hugetlbfs page)`,
    anonymous: !memfd,
    mappings: ['private', 'shared'],
    setup(mm, mapping) {
      const file = memfd ? new File(`memfd hugetlb ${nr * 4} kB`, 'hugetlbfs', nr) : null;
      if (file) fallocate(mm, file, 0); // as cow.c run_with_memfd_hugetlb()
      const mem = mmap(mm, { pages: nr, prot: RW, shared: mapping === 'shared', file, hugeNr: nr });
      if (memfd) touch(mm, mem);
      else memset(mm, mem, nr, 1);
      return mem;
    },
  };
}

const KINDS: readonly Kind[] = [
  {
    name: 'anon',
    description: 'anonymous memory written once (private: an exclusive anonymous page; shared: MAP_SHARED|MAP_ANONYMOUS, i.e. shmem)',
    anonymous: true,
    mappings: ['private', 'shared'],
    setup(mm, mapping) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: mapping === 'shared', file: null });
      memset(mm, mem, 1, 1);
      return mem;
    },
  },
  {
    name: 'anon-untouched',
    description: 'anonymous memory never touched (nothing mapped: a read fault maps the shared zeropage)',
    anonymous: true,
    mappings: ['private', 'shared'],
    setup(mm, mapping) {
      return mmap(mm, { pages: 1, prot: RW, shared: mapping === 'shared', file: null });
    },
  },
  {
    name: 'anon-cow-shared',
    description: 'an anonymous page shared with a live child after fork() (read-only, not exclusive)',
    anonymous: true,
    mappings: ['private'],
    setup(mm) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: false, file: null });
      memset(mm, mem, 1, 1);
      fork(mm, 'child');
      return mem;
    },
  },
  {
    name: 'anon-swapped',
    description: 'an exclusive anonymous page that was swapped out (MADV_PAGEOUT)',
    anonymous: true,
    mappings: ['private'],
    setup(mm) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: false, file: null });
      memset(mm, mem, 1, 1);
      madvise(mm, mem, 1, 'MADV_PAGEOUT');
      return mem;
    },
  },
  {
    name: 'anon-movable',
    description: 'an exclusive anonymous page that sits in ZONE_MOVABLE or a CMA area (e.g. with movablecore=): FOLL_LONGTERM migrates it first',
    anonymous: true,
    mappings: ['private'],
    setup(mm) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: false, file: null });
      memset(mm, mem, 1, 1);
      const leaf = mm.pt.lookup(mem);
      if (leaf?.entry.type === 'present') leaf.entry.folio.movable = true;
      return mem;
    },
  },
  {
    name: 'thp',
    description: 'a 2 MiB anonymous THP mapped by a PMD, written once (exclusive)',
    anonymous: true,
    mappings: ['private'],
    setup(mm) {
      mm.machine.thpEnabled.add(PMD_NR);
      const mem = mmap(mm, { pages: PMD_NR, prot: RW, shared: false, file: null, align: PMD_NR });
      madvise(mm, mem, PMD_NR, 'MADV_HUGEPAGE');
      memset(mm, mem, PMD_NR, 1);
      return mem;
    },
  },
  {
    name: 'ksm',
    description: 'an anonymous page merged by KSM (read-only, never exclusive)',
    anonymous: true,
    mappings: ['private'],
    setup(mm) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: false, file: null });
      memset(mm, mem, 1, 1);
      ksmMerge(mm, mem);
      return mem;
    },
  },
  {
    name: 'shared-zeropage',
    description: 'private anonymous memory that was only read: the shared zeropage, mapped read-only',
    anonymous: false,
    mappings: ['private'],
    setup(mm) {
      const mem = mmap(mm, { pages: 1, prot: RW, shared: false, file: null });
      touch(mm, mem);
      return mem;
    },
  },
  {
    name: 'huge-zeropage',
    description: 'a MADV_HUGEPAGE private anonymous 2 MiB range that was only read: the huge zeropage, mapped by a read-only PMD',
    anonymous: false,
    mappings: ['private'],
    setup(mm) {
      mm.machine.thpEnabled.add(PMD_NR);
      const mem = mmap(mm, { pages: PMD_NR, prot: RW, shared: false, file: null, align: PMD_NR });
      madvise(mm, mem, PMD_NR, 'MADV_HUGEPAGE');
      touch(mm, mem);
      return mem;
    },
  },
  fileKind('pagecache', 'ext4', 'a page of a regular file on a disk filesystem (ext4: needs dirty tracking), read-faulted'),
  fileKind('memfd', 'tmpfs', 'a page of a memfd (shmem), read-faulted'),
  // gup_longterm.c's "tmpfile"/"local tmpfile" on a disk filesystem; cow.c's tmpfile rows (private
  // mappings) come out the same on tmpfs and on disk, and cow-tests.ts models them on tmpfs.
  fileKind('tmpfile', 'ext4', 'a page of a tmpfile() file on a disk filesystem (ext4, dirty-tracked), read-faulted'),
  hugetlbKind('hugetlb-2M', PMD_NR, false),
  hugetlbKind('hugetlb-1G', PUD_NR, false),
  hugetlbKind('memfd-hugetlb-2M', PMD_NR, true),
  hugetlbKind('memfd-hugetlb-1G', PUD_NR, true),
];

export const MEMORY_KINDS: readonly MemoryKindInfo[] = KINDS.map(({ name, description, anonymous, mappings }) => ({ name, description, anonymous, mappings }));

/** cow.c's names for the same memory ("memfd hugetlb (2048 kB)", "shared zeropage", ...). */
const ALIASES: Record<string, string> = {
  'shared zeropage': 'shared-zeropage',
  'huge zeropage': 'huge-zeropage',
  'base page': 'anon',
  'THP (2048 kB)': 'thp',
  'hugetlb (2048 kB)': 'hugetlb-2M',
  'hugetlb (1048576 kB)': 'hugetlb-1G',
  'memfd hugetlb (2048 kB)': 'memfd-hugetlb-2M',
  'memfd hugetlb (1048576 kB)': 'memfd-hugetlb-1G',
};

export function memoryKind(name: string, mapping: Mapping): Kind {
  const k = KINDS.find((x) => x.name === (ALIASES[name] ?? name));
  if (!k) throw unknownName('memory kind', name, KINDS.map((x) => x.name));
  if (!k.mappings.includes(mapping)) throw new SimError(`memory kind '${name}' exists only in ${k.mappings.join('/')} mappings (got '${mapping}')`);
  return k;
}
