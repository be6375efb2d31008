// pin-release-mismatch: pages from pin_user_pages*() released with put_page()/release_pages(), or
// pages from get_user_pages*() released with unpin_user_page*(). A FOLL_PIN pin adds
// GUP_PIN_COUNTING_BIAS (1024) to the refcount of a small folio (mm/gup.c try_grab_folio()), so
// put_page() leaves the page pinned forever (and folio_maybe_dma_pinned() true); unpin on a
// FOLL_GET reference underflows it. Documentation/core-api/pin_user_pages.rst.
import { counterpartRelease, acquiredKind, collectPageRefs } from '../page-refs.js';
import { field, type SyntaxNode } from '../syntax.js';
import { formatMessage, type Rule } from './rule.js';

const within = (n: SyntaxNode, outer: SyntaxNode) => outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;

/** Whether `a` and `b` sit in the two arms of one if/else. */
function inOtherArms(a: SyntaxNode, b: SyntaxNode): boolean {
  for (let n = a.parent; n; n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const then = field(n, 'consequence');
    const other = field(n, 'alternative');
    if (!then || !other) continue;
    if ((within(a, then) && within(b, other)) || (within(a, other) && within(b, then))) return true;
  }
  return false;
}

export const pinReleaseMismatch: Rule = {
  meta: {
    code: 'pin-release-mismatch',
    title: 'Pin released as a reference (or the reverse)',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: true,
    description:
      'Pages pinned with pin_user_pages*() (FOLL_PIN) must be released with unpin_user_page*(); pages taken with ' +
      'get_user_pages*() (FOLL_GET) with put_page() or release_pages(). Mixing them corrupts the page refcount.',
    messages: {
      pinnedPut: '{release}() on pages pinned by {acquire}() (FOLL_PIN) leaves the pin on them: they look DMA-pinned forever. Release them with {counterpart}().',
      gotUnpin: '{release}() unpins pages that {acquire}() took as FOLL_GET references: the refcount underflows. Release them with {counterpart}().',
      pinnedPutWhy: '{release}() drops one FOLL_GET reference; a FOLL_PIN pin adds GUP_PIN_COUNTING_BIAS (1024) to a small folio\'s refcount (try_grab_folio(), mm/gup.c), which only unpin_user_page*() takes away',
      gotUnpinWhy: '{release}() takes away a FOLL_PIN pin (GUP_PIN_COUNTING_BIAS on a small folio), which {acquire}() never added',
    },
    severity: () => 'error',
  },
  check(context) {
    const refs = collectPageRefs(context.calls, context.callsByName);
    for (const release of refs.releases) {
      const kind = acquiredKind(refs, release.key);
      if (!kind || kind === release.kind) continue;
      // The code releases the same pages both ways, one per arm of an if/else: it tells the kinds
      // apart itself (tee_shm.c: unpin_user_pages() for user pages, put_page() for
      // get_kernel_pages() ones, 5.10 drivers/tee/tee_shm.c release_registered_pages()).
      if (refs.releasesByKey.get(release.key)!.some((other) => other.kind === kind && inOtherArms(release.call, other.call))) continue;
      const acquire = refs.acquired.get(release.key)![0]!.call;
      // The GUP core releasing what its own entry points took is not a driver's mistake.
      if (acquire.site.function && acquire.site.function === acquire.site.callee) continue;
      const nameNode = release.call.childForFieldName('function')!;
      const counterpart = counterpartRelease(release.name);
      const fixes = counterpart
        ? [{
            title: `Release with ${counterpart}()`,
            preferred: true,
            edits: [{ range: context.index.range(nameNode.startIndex, nameNode.endIndex), newText: counterpart }],
          }]
        : [];
      context.report({
        messageId: kind === 'pin' ? 'pinnedPut' : 'gotUnpin',
        data: {
          release: release.name,
          acquire: acquire.site.callee,
          counterpart: counterpart ?? (kind === 'pin' ? 'unpin_user_page*' : 'put_page'),
        },
        start: nameNode.startIndex,
        end: nameNode.endIndex,
        related: [
          { range: acquire.site.range, message: `pages taken here by ${acquire.site.callee}()` },
          { range: context.index.range(nameNode.startIndex, nameNode.endIndex), message: formatMessage(pinReleaseMismatch.meta.messages[kind === 'pin' ? 'pinnedPutWhy' : 'gotUnpinWhy']!, { release: release.name, acquire: acquire.site.callee }) },
        ],
        fixes,
      });
    }
  },
};
