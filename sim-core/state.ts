// State lines in the manner of gVisor's pkg/sentry/mm README: one line per VMA, page-table leaf
// and pin, so a trace shows what a kernel developer would draw on a whiteboard.
import type { Machine, Mm } from './mm.js';
import { type Folio, folioMaybeDmaPinned, pageAnonExclusive } from './page.js';
import { type Leaf, levelPages } from './pagetable.js';
import { vmFlagNames, type Vma } from './vma.js';

const hex = (vpn: number): string => `0x${(vpn * 0x1000).toString(16)}`;

export function folioKindText(f: Folio): string {
  if (f.kind === 'zeropage') return 'shared zeropage';
  if (f.kind === 'huge-zeropage') return 'huge zeropage';
  if (f.kind === 'ksm') return 'KSM page';
  const size = f.large ? ` ${f.nr * 4} kB` : '';
  if (f.hugetlb) return f.kind === 'anon' ? `anon hugetlb${size}` : `hugetlb${size} pagecache (${f.file?.name.replace(/ \d+ kB$/, '') ?? 'file'})`;
  if (f.kind === 'anon') return f.large ? `anon THP${size}` : 'anon';
  return `pagecache (${f.file?.name ?? 'file'})`;
}

export function describeVma(v: Vma): string {
  const kind = v.file ? `${v.file.name}:0x${(v.pgoff * 0x1000).toString(16)}` : 'anonymous';
  const share = v.flags & 4 /* VM_SHARED */ ? 'shared' : 'private';
  return `VMA:     VA:${hex(v.start)}-${hex(v.end)} -> ${kind} (${share}, ${vmFlagNames(v.flags)})`;
}

export function describeLeaf(leaf: Leaf): string {
  const tag = `${leaf.level.toUpperCase()}:`.padEnd(4);
  const e = leaf.entry;
  const span = levelPages(leaf.level) > 1 ? ` (${levelPages(leaf.level) * 4} kB)` : '';
  if (e.type === 'swap') return `${tag}     VA:${hex(leaf.base)} -> ${e.slot.name}${e.exclusive ? ' (swap entry, exclusive)' : ' (swap entry)'}`;
  const f = e.folio;
  const parts = [folioKindText(f)];
  if (f.anon && !f.ksm) parts.push(pageAnonExclusive(f, e.index) ? 'exclusive' : 'not exclusive');
  const page = f.large && leaf.level === 'pte' ? `${f.name}+${e.index}` : f.name;
  const counts = f.zero ? '' : ` refs=${f.refcount} maps=${f.mapcount}${f.large ? ` pins=${f.pincount}` : ''}${folioMaybeDmaPinned(f) ? ' maybe-pinned' : ''}`;
  const access = e.protnone ? `PROT_NONE for NUMA hinting, was ${e.writable ? 'writable' : 'read-only'}` : e.writable ? 'writable' : 'read-only';
  return `${tag}     VA:${hex(leaf.base)}${span} -> ${page} ${parts.join(', ')} (${access})${counts}`;
}

/** The state of one process around [start, end): its VMAs there and its leaves (runs of alike PTEs folded). */
export function describeRange(mm: Mm, start: number, end: number): string[] {
  const lines: string[] = [];
  for (const v of mm.vmas) if (v.start < end && v.end > start) lines.push(describeVma(v));
  const leaves = mm.pt.leavesIn(start, end);
  for (let i = 0; i < leaves.length; ) {
    const first = leaves[i]!;
    let j = i + 1;
    if (first.level === 'pte' && first.entry.type === 'present') {
      const fe = first.entry;
      while (j < leaves.length) {
        const l = leaves[j]!;
        const e = l.entry;
        if (l.level !== 'pte' || e.type !== 'present' || e.folio !== fe.folio || e.writable !== fe.writable || l.base !== first.base + (j - i)) break;
        if (pageAnonExclusive(e.folio, e.index) !== pageAnonExclusive(fe.folio, fe.index)) break;
        j++;
      }
    }
    lines.push(describeLeaf(first) + (j - i > 1 ? `   [and ${j - i - 1} more PTEs alike]` : ''));
    i = j;
  }
  if (leaves.length === 0) lines.push(`PTE:     VA:${hex(start)} -> (none)`);
  return lines.map((l) => (mm.name === 'process' ? l : `${mm.name}: ${l}`));
}

/** Pin lines: what GUP handed to the caller and whether the process still maps it. */
export function describePins(machine: Machine): string[] {
  return machine.pins
    .filter((p) => !p.released)
    .slice(0, 4)
    .map((p) => {
      const leaf = p.mm.pt.lookup(p.vpn);
      const mapped = leaf && leaf.entry.type === 'present' && leaf.entry.folio === p.folio;
      const page = p.folio.large ? `${p.folio.name}+${p.index}` : p.folio.name;
      const n = p.count > 1 ? ` (${p.count} pages)` : '';
      return `${p.kind === 'pin' ? 'PIN' : 'REF'}:     ${page}${n} ${p.kind === 'pin' ? 'FOLL_PIN' : 'FOLL_GET'} by ${p.holder} -> ${mapped ? `still mapped at VA:${hex(p.vpn)}` : `no longer mapped at VA:${hex(p.vpn)}`}`;
    });
}
