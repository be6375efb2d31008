// The model's own bookkeeping rules, checked from scratch: reference and map counts add up, and
// the exclusivity rules the kernel relies on (5.19+, 'anon-exclusive') hold. Tests run these after every step.
import type { Machine } from './mm.js';
import { type Folio, GUP_PIN_COUNTING_BIAS, pageAnonExclusive } from './page.js';
import { isCowMapping } from './vma.js';

/** Returns a list of violations (empty when the state is consistent). */
export function checkInvariants(machine: Machine): string[] {
  const problems: string[] = [];
  const refs = new Map<Folio, number>();
  const maps = new Map<Folio, number>();
  const add = (m: Map<Folio, number>, f: Folio, n: number): void => {
    m.set(f, (m.get(f) ?? 0) + n);
  };
  const exclusiveOwners = new Map<string, string>();
  // 5.10 keeps no PG_anon_exclusive: a writable COW entry is then any page do_wp_page() reused
  const exclusivity = machine.kernel.has('anon-exclusive');
  for (const mm of machine.processes) {
    if (mm.exited) continue;
    for (const vma of mm.vmas) {
      for (const leaf of mm.pt.leavesIn(vma.start, vma.end)) {
        const e = leaf.entry;
        if (e.type === 'swap') continue;
        const f = e.folio;
        if (f.freed) problems.push(`${mm.name}: ${f.name} is mapped but freed`);
        if (!f.zero) {
          add(refs, f, 1);
          add(maps, f, 1);
        }
        if (e.writable && isCowMapping(vma.flags) && !(f.anon && (!exclusivity || pageAnonExclusive(f, e.index)))) {
          problems.push(`${mm.name}: writable entry at 0x${(leaf.base * 0x1000).toString(16)} maps ${f.name}, which is not ${exclusivity ? "an exclusive" : "an"} anonymous page`);
        }
        if (exclusivity && f.anon && pageAnonExclusive(f, e.index)) {
          const key = `${f.pfn}:${f.hugetlb || leaf.level !== 'pte' ? 0 : e.index}`;
          const other = exclusiveOwners.get(key);
          if (other && other !== mm.name) problems.push(`${f.name} is marked exclusive but mapped by ${other} and ${mm.name}`);
          exclusiveOwners.set(key, mm.name);
        }
      }
    }
  }
  for (const p of machine.pins) {
    if (p.released) continue;
    if (p.kind === 'get') add(refs, p.folio, p.count);
    else add(refs, p.folio, p.folio.large ? p.count : GUP_PIN_COUNTING_BIAS * p.count);
  }
  const folios = new Set<Folio>([...refs.keys()]);
  for (const mm of machine.processes) for (const v of mm.vmas) if (v.file) for (const f of v.file.pages.values()) folios.add(f);
  for (const f of folios) {
    if (f.zero) continue;
    let want = refs.get(f) ?? 0;
    if (f.kind === 'pagecache' && f.file?.pages.get(f.fileIndex) === f) want += 1;
    if (f.inSwapcache) want += f.nr;
    if (f.refcount !== want && !f.freed) problems.push(`${f.name}: refcount ${f.refcount}, but mappings, pins and caches account for ${want}`);
    if ((maps.get(f) ?? 0) !== f.mapcount && !f.freed) problems.push(`${f.name}: mapcount ${f.mapcount}, but ${maps.get(f) ?? 0} entries map it`);
    const pins = machine.pins.filter((p) => !p.released && p.folio === f && p.kind === 'pin' && f.large).reduce((n, p) => n + p.count, 0);
    if (f.large && f.pincount !== pins) problems.push(`${f.name}: pincount ${f.pincount}, but ${pins} pins`);
  }
  return problems;
}
