// KSM merging (mm/ksm.c try_to_merge_one_page() -> write_protect_page() + replace_page()): an
// anonymous page with the same contents as another is replaced by a read-only KSM page. A page
// that may be pinned is never merged (page_try_share_anon_rmap() fails).
import type { Mm } from './mm.js';
import { mapLeaf, zapLeaf } from './mm.js';
import { folioMaybeDmaPinned } from './page.js';

export function ksmMerge(mm: Mm, vpn: number): boolean {
  const t = mm.machine.trace;
  const leaf = mm.pt.lookup(vpn);
  if (!leaf || leaf.level !== 'pte' || leaf.entry.type !== 'present' || !leaf.entry.folio.anon || leaf.entry.folio.large) return false;
  const old = leaf.entry.folio;
  if (folioMaybeDmaPinned(old)) {
    t.add('try_to_merge_one_page()', `-> ${old.name} may be pinned: not merged`, mm.kernel.ref('mm/ksm.c', 'write_protect_page'));
    return false;
  }
  const ksm = mm.machine.alloc('ksm', 1)!;
  ksm.content.put(0, old.content.at(leaf.entry.index));
  zapLeaf(mm, leaf);
  mapLeaf(mm, 'pte', vpn, { type: 'present', folio: ksm, index: 0, writable: false, dirty: false, softDirty: leaf.entry.softDirty, special: false });
  t.add('try_to_merge_one_page()', `-> ${old.name} replaced by the read-only KSM page ${ksm.name} (never exclusive)`, mm.kernel.ref('mm/ksm.c', 'replace_page'));
  return true;
}
