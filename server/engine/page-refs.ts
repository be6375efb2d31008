// Where the pages a GUP/PUP call filled are released, and how: put_page()/release_pages() drop
// FOLL_GET references, unpin_user_page*() drop FOLL_PIN pins (Documentation/core-api/
// pin_user_pages.rst: "pages pinned with pin_user_pages*() must be released with
// unpin_user_page*()"). Pages are matched by the expression that names them: a local array or
// page in the same function (`page_list`, `&page`, `pages + got`), or a struct field anywhere in
// the file (`umem->page_list`, `dma->pages[i]`), or a local set from one (`page = pages[i]`).
import { RELEASES } from './entry-point-table.js';
import type { AnalyzedCall } from './rules/rule.js';
import { callArguments, declaredName, descendantsOf, enclosingFunction, field, functionName, unwrap, type SyntaxNode } from './syntax.js';

export type RefKind = 'get' | 'pin';

export interface Release {
  call: SyntaxNode;
  name: string;
  kind: RefKind;
  key: string;
}

export interface PageRefs {
  /** Kinds of reference acquired per key, with the calls that did it. */
  acquired: Map<string, { kind: RefKind; call: AnalyzedCall }[]>;
  releases: Release[];
  /** `releases` by key, in the same order (a rule asks per call: a scan of all was quadratic). */
  releasesByKey: Map<string, Release[]>;
  /** The one kind acquired per key, or undefined when both are (see acquiredKind). */
  kindByKey: Map<string, RefKind | undefined>;
}

const RELEASE_KIND = new Map<string, RefKind>([
  ...RELEASES.get.map((n) => [n, 'get'] as [string, RefKind]),
  ...RELEASES.pin.map((n) => [n, 'pin'] as [string, RefKind]),
]);

/** The canonical name of the pages an expression refers to, or undefined. */
export function pagesKey(expr: SyntaxNode, fn: SyntaxNode | undefined, depth = 0): string | undefined {
  let n = unwrap(expr);
  for (;;) {
    if (n.type === 'pointer_expression' && n.text.startsWith('&')) n = unwrap(field(n, 'argument') ?? n);
    else if (n.type === 'binary_expression' && ['+', '-'].includes(field(n, 'operator')?.text ?? '')) n = unwrap(field(n, 'left') ?? n);
    else if (n.type === 'subscript_expression') n = unwrap(field(n, 'argument') ?? n);
    else break;
  }
  if (n.type === 'field_expression') {
    const f = field(n, 'field')?.text;
    return f ? `field:${f}` : undefined;
  }
  if (n.type !== 'identifier') return undefined;
  const fname = fn ? functionName(fn) : undefined;
  if (fn && depth < 2) {
    // A local set from another page expression (`struct page *page = pages[i];`): follow it.
    const source = localSource(fn, n.text);
    if (source) return pagesKey(source, fn, depth + 1) ?? `local:${fname}:${n.text}`;
  }
  return `local:${fname ?? ''}:${n.text}`;
}

/** The initializer or the single assignment of a local, if it is an element/offset of something. */
function localSource(fn: SyntaxNode, name: string): SyntaxNode | undefined {
  const body = field(fn, 'body');
  if (!body) return undefined;
  const sources: SyntaxNode[] = [];
  for (const n of descendantsOf(body, ['init_declarator', 'assignment_expression'])) {
    const left = n.type === 'init_declarator' ? field(n, 'declarator') : field(n, 'left');
    const value = n.type === 'init_declarator' ? field(n, 'value') : field(n, 'right');
    if (!left || !value) continue;
    const declared = n.type === 'init_declarator' ? declaredName(left) : left.type === 'identifier' ? left.text : undefined;
    if (declared !== name) continue;
    const v = unwrap(value);
    if (v.type === 'subscript_expression' || v.type === 'field_expression') sources.push(v);
    else return undefined; // assigned from something else (a call, ...): not an alias we trust
  }
  return sources.length === 1 ? sources[0] : undefined;
}

// Two rules ask for the same file's references (pin-release-mismatch, longterm-without-pin).
const refsByCalls = new WeakMap<AnalyzedCall[], PageRefs>();

export function collectPageRefs(calls: AnalyzedCall[], callsByName: Map<string, SyntaxNode[]>): PageRefs {
  let refs = refsByCalls.get(calls);
  if (!refs) refsByCalls.set(calls, (refs = findPageRefs(calls, callsByName)));
  return refs;
}

function findPageRefs(calls: AnalyzedCall[], callsByName: Map<string, SyntaxNode[]>): PageRefs {
  const acquired = new Map<string, { kind: RefKind; call: AnalyzedCall }[]>();
  for (const call of calls) {
    if (call.entry.family === 'debugger' || !call.pagesArg) continue;
    if (/^(NULL|0)$/.test(unwrap(call.pagesArg).text)) continue;
    const key = pagesKey(call.pagesArg, call.fn);
    if (!key) continue;
    const kind: RefKind = call.entry.pins || call.values.some((v) => v.flags.has('FOLL_PIN')) ? 'pin' : 'get';
    (acquired.get(key) ?? acquired.set(key, []).get(key)!).push({ kind, call });
  }
  const releases: Release[] = [];
  for (const [name, kind] of RELEASE_KIND) {
    for (const call of callsByName.get(name) ?? []) {
      const first = callArguments(call)[0];
      const key = first && pagesKey(first, enclosingFunction(call));
      if (key) releases.push({ call, name, kind, key });
    }
  }
  releases.sort((a, b) => a.call.startIndex - b.call.startIndex);
  const releasesByKey = new Map<string, Release[]>();
  for (const r of releases) (releasesByKey.get(r.key) ?? releasesByKey.set(r.key, []).get(r.key)!).push(r);
  const kindByKey = new Map<string, RefKind | undefined>();
  for (const [key, list] of acquired) {
    const kinds = new Set(list.map((a) => a.kind));
    kindByKey.set(key, kinds.size === 1 ? [...kinds][0] : undefined);
  }
  return { acquired, releases, releasesByKey, kindByKey };
}

/** The one kind of reference taken on a key, or undefined when none or both are. */
export function acquiredKind(refs: PageRefs, key: string): RefKind | undefined {
  return refs.kindByKey.get(key);
}

/** The release function for the other kind, keeping the arguments (undefined when there is none). */
export function counterpartRelease(name: string): string | undefined {
  const map: Record<string, string> = {
    put_page: 'unpin_user_page',
    unpin_user_page: 'put_page',
    release_pages: 'unpin_user_pages',
    unpin_user_pages: 'release_pages',
    put_user_page: 'unpin_user_page',
  };
  return map[name];
}
