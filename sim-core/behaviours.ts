// Every difference between kernel versions that the model knows, as a named switch, in one
// place. A kernel version is the set of switches on from that version; model code asks
// `kernel.has('name')`, never "which version is this?".
import { SimError, unknownName } from './errors.js';
import { atLeast, outsideKnownRange, parseVersion, type Version } from './version.js';

export interface Behaviour {
  /** the switch's name, e.g. 'unshare-longterm-ro-cow' */
  name: string;
  /** first mainline release with the behaviour ("X.Y") */
  since: string;
  /** first mainline release where a later change replaced it again ("X.Y"), if any */
  until?: string;
  /** the commit (id and subject) that introduced it */
  commit: string;
  kernelFile: string;
  kernelFunction: string;
  /** what the switch changes, in a sentence */
  summary: string;
}

/**
 * The switches. Commit ids marked "[unverified id]" come from the reference notes, not from a
 * commit page (84209e87c696, 8ac268436e6d and 19eaf44954df were checked against later mainline
 * commits that cite them); "since" values were checked against the two trees we read (Debian 6.1.192 has
 * none of these, 6.12.117 has all) and, where noted, are recalled rather than verified.
 */
const BEHAVIOURS = [
  {
    name: 'unshare-longterm-ro-cow',
    since: '6.2',
    commit: '84209e87c696 "mm/gup: reliable R/O long-term pinning in COW mappings"',
    kernelFile: 'mm/internal.h',
    kernelFunction: 'gup_must_unshare',
    summary:
      'An R/O FOLL_LONGTERM pin of a non-anonymous page (pagecache, shared/huge zeropage, hugetlb file page) in a COW mapping first breaks COW (FAULT_FLAG_UNSHARE); GUP-fast (no vma) falls back to the slow path. Before: such pages were pinned as they are, and the next write replaced them.',
  },
  {
    name: 'unshare-any-cow',
    since: '6.2',
    commit: '8d6a0ac09a16 "mm: extend FAULT_FLAG_UNSHARE support to anything in a COW mapping"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'do_wp_page',
    summary:
      'An unshare fault on a non-anonymous page (zeropage, pagecache) in a COW mapping copies it into an exclusive anonymous page. Before: "no anonymous page -> nothing to do".',
  },
  {
    name: 'fault-flags-sanitized',
    since: '6.2',
    commit:
      'cdc5021cda19 "mm: add early FAULT_FLAG_UNSHARE consistency checks", 79881fed6052 "mm: add early FAULT_FLAG_WRITE consistency checks"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'sanitize_fault_flags',
    summary:
      'handle_mm_fault() drops FAULT_FLAG_UNSHARE outside COW mappings and refuses (SIGSEGV) write faults without VM_MAYWRITE, or without VM_WRITE outside COW mappings.',
  },
  {
    name: 'gup-args-validated',
    since: '6.3',
    commit: 'd64e2dbc33a1 [unverified id] (Jason Gunthorpe\'s GUP interface cleanup, is_valid_gup_args())',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'is_valid_gup_args',
    summary:
      'All exported GUP entry points check their flags in one place: internal flags (FOLL_PIN, FOLL_TOUCH, ...) are refused, FOLL_LONGTERM needs FOLL_PIN, and pin_user_pages_unlocked()/_remote() accept FOLL_LONGTERM. Before (6.1): ad-hoc checks; the *_unlocked() entry points refuse FOLL_LONGTERM.',
  },
  {
    name: 'longterm-write-file-refused',
    since: '6.5',
    commit: '8ac268436e6d "mm/gup: disallow FOLL_LONGTERM GUP-nonfast writing to file-backed mappings"',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'writable_file_mapping_allowed',
    summary:
      'check_vma_flags() refuses (-EFAULT) a FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE pin of a file mapping that needs dirty tracking (MAP_SHARED of a regular file on a disk filesystem; not shmem/memfd, not hugetlb, not private mappings).',
  },
  {
    name: 'longterm-write-file-fast-bail',
    since: '6.5',
    commit: 'a6e79df92e4a "mm/gup: disallow FOLL_LONGTERM GUP-fast writing to file-backed mappings"',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'gup_fast_folio_allowed',
    summary:
      'GUP-fast does not pin a writable long-term file folio it cannot vouch for (anything but anon, shmem, hugetlb) and leaves it to the slow path, where check_vma_flags() decides. (Named folio_fast_pin_allowed() until 6.9.)',
  },
  {
    name: 'io-uring-file-check-in-gup',
    since: '6.5',
    commit: '"io_uring: rsrc: delegate VMA file-backed check to GUP" (Lorenzo Stoakes) [id not verified; release recalled]',
    kernelFile: 'io_uring/rsrc.c',
    kernelFunction: 'io_sqe_buffer_register',
    summary:
      'io_uring fixed buffers are pinned with FOLL_WRITE|FOLL_LONGTERM and GUP alone decides (6.12: pin_user_pages_fast() in io_pin_pages()). Before (6.1): pin_user_pages(), then any file-backed VMA but shmem and hugetlbfs is refused with -EOPNOTSUPP, private mappings included.',
  },
  {
    name: 'anon-mthp',
    since: '6.8',
    commit: '19eaf44954df "mm: thp: support allocation of anonymous multi-size THP"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'alloc_anon_folio',
    summary:
      'Anonymous memory can be backed by THPs smaller than a PMD (16 kB .. 1024 kB on x86-64), always PTE-mapped. Before: only PMD-sized (2048 kB) THPs.',
  },
  {
    name: 'wp-never-reuse-large-folio',
    since: '6.8',
    commit:
      'not identified: absent from wp_can_reuse_anon_folio() as factored out in Oct 2023 ("memory: move exclusivity detection in do_wp_page() into wp_can_reuse_anon_folio()", for 6.7), present in 6.12.117; 6.8 (multi-size THP) is the likely release, not verified',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'wp_can_reuse_anon_folio',
    summary:
      'A write/unshare fault never reuses a page of a large anonymous folio that is not marked exclusive: it copies. Before: reused when the folio\'s reference count was 1.',
  },
  {
    name: 'hugetlb-generic-gup',
    since: '6.10',
    commit: '"mm/gup: handle hugetlb in the generic follow_page_mask code" (Peter Xu) [id and release recalled, not verified]',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'follow_huge_pmd',
    summary:
      'The GUP slow path follows hugetlb pages through the generic follow_page_mask() (follow_huge_pmd()/follow_huge_pud()) instead of follow_hugetlb_page(). Changes the functions in the trace, not the outcome.',
  },
] as const satisfies readonly Behaviour[];

export type BehaviourName = (typeof BEHAVIOURS)[number]['name'];

const NAMES: readonly string[] = BEHAVIOURS.map((b) => b.name);

export function behaviours(): readonly Behaviour[] {
  return BEHAVIOURS;
}

/** The oldest kernel whose behaviour the model represents without switches. */
export const BASELINE = '6.1';

export type KernelSpec = { version: string; with?: string[]; without?: string[] };

function checkNames(names: readonly string[] | undefined): void {
  if (names !== undefined && !Array.isArray(names)) throw new SimError('kernel: with and without must be lists of behaviour names');
  for (const n of names ?? []) if (!NAMES.includes(n)) throw unknownName('behaviour', n, NAMES);
}

function holdsOn(b: Behaviour, v: Version): boolean {
  return atLeast(v, b.since) && (b.until === undefined || !atLeast(v, b.until));
}

/** The first release a behaviour holds on ("6.2"), for messages that name it: never a literal in rule code. */
export function firstReleaseWith(name: BehaviourName): string {
  return BEHAVIOURS.find((b) => b.name === name)!.since;
}

/** The switches on for a kernel: those since its version, plus `with`, minus `without`. */
export function behavioursFor(spec: KernelSpec): ReadonlySet<string> {
  const v = modelledVersion(spec.version);
  checkNames(spec.with);
  checkNames(spec.without);
  const on = new Set<string>(BEHAVIOURS.filter((b) => holdsOn(b, v)).map((b) => b.name));
  for (const n of spec.with ?? []) on.add(n);
  for (const n of spec.without ?? []) on.delete(n);
  return on;
}

/** The version whose behaviours stand for `version`: itself, or the nearest known tree outside their range. */
function modelledVersion(version: string): Version {
  const outside = outsideKnownRange(version);
  return parseVersion(outside ? outside.answeredAs : version);
}

/** A kernel as the model sees it: its switches, and how to cite the source it follows. */
export class Kernel {
  readonly version: string;
  readonly v: Version;
  readonly on: ReadonlySet<string>;
  /** the source tree cited in traces: the one of the two we read that is closest to `version` */
  readonly tree: '6.1' | '6.12';
  /**
   * Set for kernels older than the model's baseline: sim-core's oldest behaviour is 6.1's (the 5.x
   * changes, PG_anon_exclusive in 5.19 and the copy of pinned pages at fork in 5.9, are not switches).
   */
  readonly belowBaseline: string | undefined;
  /** Set for versions outside the known trees' range: which tree answers for it, said in every output. */
  readonly outsideRange: string | undefined;
  constructor(readonly spec: KernelSpec) {
    this.v = parseVersion(spec.version);
    this.version = spec.version.trim();
    this.on = behavioursFor(spec);
    this.tree = atLeast(this.v, '6.2') ? '6.12' : '6.1';
    this.outsideRange = outsideKnownRange(spec.version)?.note;
    this.belowBaseline = atLeast(modelledVersion(spec.version), BASELINE)
      ? undefined
      : `Linux ${this.version} is older than sim-core's baseline (${BASELINE}): it is modelled with ${BASELINE}'s behaviour`;
  }
  /** What every output naming this kernel must also say: how it is answered, when not as itself. */
  notes(): string[] {
    return [this.outsideRange, this.belowBaseline].filter((n): n is string => n !== undefined);
  }
  has(name: BehaviourName): boolean {
    return this.on.has(name);
  }
  /** A function's name in the cited tree, for functions renamed between 6.1 and 6.12. */
  fn(in61: string, in612: string): string {
    return this.tree === '6.1' ? in61 : in612;
  }
  /** "mm/gup.c follow_page_pte() (6.12)" */
  ref(file: string, fn: string): string {
    return `${file} ${fn}() (${this.tree})`;
  }
  /** A short description: "6.2" or "6.2 without unshare-longterm-ro-cow". */
  describe(): string {
    const parts = [this.version];
    if (this.spec.with?.length) parts.push(`with ${this.spec.with.join(', ')}`);
    if (this.spec.without?.length) parts.push(`without ${this.spec.without.join(', ')}`);
    return parts.join(' ');
  }
}

export function kernelFor(spec: KernelSpec): Kernel {
  if (!spec || typeof spec.version !== 'string') throw new SimError('kernel: expected { version: "X.Y[.Z]" }');
  return new Kernel(spec);
}
