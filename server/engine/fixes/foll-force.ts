// The FOLL_FORCE fix, done the way the 6.2 series ("mm/gup: remove FOLL_FORCE usage from drivers")
// did it, chosen by the shape of the flag sets that reach the call:
//
// 1. FOLL_WRITE on every path, FOLL_FORCE only on the read-only one (RDMA umem/siw/usnic):
//    the read-only path loses both, and FOLL_WRITE becomes conditional on the writable case
//    (`if (!writable) f |= FOLL_FORCE;` -> `if (writable) f |= FOLL_WRITE;`, b40656aa7d55).
// 2. FOLL_FORCE on every path beside a conditional FOLL_WRITE (videobuf-dma-sg): only FOLL_FORCE
//    goes (3298de2c66e0).
// 3. FOLL_FORCE alone (ivtv): the flags become 0 (70b96f24a441).
// 4. FOLL_FORCE|FOLL_WRITE both unconditional (frame_vector, exynos, qib, habanalabs): FOLL_FORCE
//    goes and FOLL_WRITE stays, noting that the call could pin read-only where the buffer is never
//    written. When the driver already records whether the user asked for a read-only buffer
//    (etnaviv's `userptr->ro`), FOLL_WRITE becomes conditional on it, as 7d96eb6a9164 did.
import type { OffsetEdit } from '../edits.js';
import type { FlagTerm } from '../flag-flow.js';
import type { AnalyzedCall, RuleContext } from '../rules/rule.js';
import { declaredName, descendantsOf, field, isPointerDeclarator, named, parameterNames, type SyntaxNode } from '../syntax.js';
import type { Fix } from '../types.js';
import { applyOffsetEdits } from '../edits.js';
import { guardingIf, invertCondition, removeFlagTokens, ternaryArm } from './flag-edits.js';

/**
 * A fix and what it does to the pin. `needsReliableReadOnlyPin`: the fix takes away what the idiom
 * gave the read-only case (a write fault that makes the pinned page the process's own), so it is
 * right only where GUP breaks COW before a read-only long-term pin. `writeStays`: FOLL_WRITE stays
 * on a path that had FOLL_FORCE, so a buffer the process mapped read-only then fails to pin.
 */
export interface FixCandidate {
  fix: Fix;
  needsReliableReadOnlyPin: boolean;
  writeStays: boolean;
}

/** Pattern 1's shape: FOLL_FORCE|FOLL_WRITE only on the path where the buffer is read-only. */
export function isReadOnlyIdiom(call: AnalyzedCall): boolean {
  const forced = call.values.filter((v) => v.flags.has('FOLL_FORCE'));
  return forced.length > 0 && forced.length < call.values.length && forced.some((v) => v.flags.has('FOLL_WRITE'));
}

function uniqueTerms(terms: FlagTerm[]): FlagTerm[] {
  return [...new Map(terms.map((t) => [t.loc.start, t])).values()].sort((a, b) => a.loc.start - b.loc.start);
}

/** The fixes for FOLL_FORCE at `call`, preferred first, each with what it does to the pin. */
export function follForceFixes(context: RuleContext, call: AnalyzedCall, writeStaysNote: string | undefined): FixCandidate[] {
  const values = call.values;
  const forced = values.filter((v) => v.flags.has('FOLL_FORCE'));
  if (forced.length === 0) return [];
  const plain = values.filter((v) => !v.flags.has('FOLL_FORCE'));
  const forceTerms = uniqueTerms(forced.flatMap((v) => v.flags.get('FOLL_FORCE')!));
  const roWrite = uniqueTerms(forced.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []));
  // A flag written inside a wrapper in another file is not this file's to edit (wrappers.ts).
  if ([...forceTerms, ...roWrite].some((t) => t.foreign)) return [];
  const plainWriteStarts = new Set(plain.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []).map((t) => t.loc.start));
  const forceAll = plain.length === 0;
  const writeInAll = values.every((v) => v.flags.has('FOLL_WRITE'));
  const writeInAny = values.some((v) => v.flags.has('FOLL_WRITE'));
  const { text } = context;
  const removeForce = (): OffsetEdit[] => removeFlagTokens(text, forceTerms);
  const make = (title: string, edits: OffsetEdit[] | undefined, effect: { needsReliableReadOnlyPin: boolean; writeStays: boolean }): FixCandidate[] => {
    if (!edits || edits.length === 0) return [];
    const result = applyOffsetEdits(text, edits);
    if (result === undefined || !context.parsesCleanly(result, edits)) return [];
    const fullTitle = effect.writeStays && writeStaysNote ? `${title}; ${writeStaysNote}` : title;
    return [{ fix: { title: fullTitle, preferred: true, edits: edits.map((e) => ({ range: context.index.range(e.start, e.end), newText: e.newText })) }, ...effect }];
  };
  const forcedWrite = forced.some((v) => v.flags.has('FOLL_WRITE'));

  // Pattern 1: FOLL_FORCE only where the buffer is read-only, FOLL_WRITE everywhere.
  if (!forceAll && roWrite.length > 0) {
    const shared = roWrite.some((t) => plainWriteStarts.has(t.loc.start));
    const edits: OffsetEdit[] = removeFlagTokens(text, shared ? roWrite : [...roWrite, ...forceTerms]);
    let converted = true;
    for (const t of shared ? forceTerms : []) {
      const turned = t.node && forceToConditionalWrite(t.node);
      if (!turned) {
        converted = false;
        break;
      }
      edits.push(...turned);
    }
    const upstream = converted
      ? make('Drop FOLL_FORCE and set FOLL_WRITE only when the buffer is writable (as upstream did)', edits, { needsReliableReadOnlyPin: true, writeStays: false })
      : [];
    if (upstream.length > 0) return upstream;
    // Without the conversion, only FOLL_FORCE goes: the read-only path keeps FOLL_WRITE.
    return make('Drop FOLL_FORCE', removeForce(), { needsReliableReadOnlyPin: true, writeStays: true });
  }

  // Pattern 4: FOLL_FORCE|FOLL_WRITE on every path.
  if (forceAll && writeInAll) {
    const keep = make('Drop FOLL_FORCE (FOLL_WRITE stays)', removeForce(), { needsReliableReadOnlyPin: false, writeStays: true });
    const writeTerms = uniqueTerms(values.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []));
    const indicator = call.fn ? readOnlyIndicator(context, call.fn) : undefined;
    let conditional: FixCandidate[] = [];
    if (indicator && writeTerms.length === 1 && writeTerms[0]!.node) {
      const w = writeTerms[0]!;
      conditional = make(
        `Drop FOLL_FORCE and set FOLL_WRITE only when ${indicator.writable}`,
        [...removeForce(), { start: w.loc.start, end: w.loc.end, newText: `(${indicator.writable} ? FOLL_WRITE : 0)` }],
        { needsReliableReadOnlyPin: true, writeStays: false },
      );
    }
    return [...conditional, ...keep];
  }

  // Patterns 2 and 3 (and mixed shapes): FOLL_FORCE goes, the rest stays as it is.
  const title = writeInAny ? 'Drop FOLL_FORCE (FOLL_WRITE stays conditional)' : 'Drop FOLL_FORCE';
  return make(title, removeForce(), { needsReliableReadOnlyPin: false, writeStays: forcedWrite });
}

/** `if (!w) f |= FOLL_FORCE;` -> `if (w) f |= FOLL_WRITE;`; `w ? 0 : FOLL_FORCE` -> `w ? FOLL_WRITE : 0`. */
function forceToConditionalWrite(token: SyntaxNode): OffsetEdit[] | undefined {
  const guarded = guardingIf(token);
  if (guarded) {
    return [{ start: token.startIndex, end: token.endIndex, newText: 'FOLL_WRITE' }, ...invertCondition(guarded.condition)];
  }
  const arm = ternaryArm(token);
  if (arm && /^0+$/.test(arm.other.text)) {
    return [
      { start: token.startIndex, end: token.endIndex, newText: '0' },
      { start: arm.other.startIndex, end: arm.other.endIndex, newText: 'FOLL_WRITE' },
    ];
  }
  return undefined;
}

const READ_ONLY_NAMES = new Set(['ro', 'readonly', 'read_only']);
const WRITABLE_NAMES = new Set(['write', 'writable', 'writeable', 'is_write']);

const fieldsByRoot = new WeakMap<SyntaxNode, Map<string, Set<string>>>();

/**
 * The file's `base->ro`/`base.writable`-like accesses, as the read-only and writable field names
 * used on each base (`userptr->ro`, `bo->userptr.ro`: base `userptr`). Found once per file: a walk
 * of every field access for each call cost a file with N calls N^2.
 */
function indicatorFields(root: SyntaxNode): Map<string, Set<string>> {
  let byBase = fieldsByRoot.get(root);
  if (byBase) return byBase;
  byBase = new Map();
  for (const fe of descendantsOf(root, 'field_expression')) {
    const f = field(fe, 'field')?.text;
    const base = field(fe, 'argument');
    if (!f || !base || (!READ_ONLY_NAMES.has(f) && !WRITABLE_NAMES.has(f))) continue;
    const baseName = base.type === 'identifier' ? base.text : base.type === 'field_expression' ? field(base, 'field')?.text : undefined;
    if (baseName) (byBase.get(baseName) ?? byBase.set(baseName, new Set()).get(baseName)!).add(f);
  }
  fieldsByRoot.set(root, byBase);
  return byBase;
}

/**
 * A value in scope that says whether the user buffer is writable: a parameter or local named like
 * `writable`/`ro`, or a field like `ro` of a struct the function holds a pointer to and that this
 * file sets elsewhere (`obj->userptr.ro = ...`). Only an unambiguous single candidate counts.
 */
function readOnlyIndicator(context: RuleContext, fn: SyntaxNode): { writable: string } | undefined {
  const candidates = new Set<string>();
  const variables = new Map<string, boolean>(); // name -> is a pointer
  for (const name of parameterNames(fn)) if (name) variables.set(name, false);
  const fnDecl = field(fn, 'declarator');
  const body = field(fn, 'body');
  for (const d of [...(fnDecl ? descendantsOf(fnDecl, 'parameter_declaration') : []), ...(body ? descendantsOf(body, 'declaration') : [])]) {
    for (const decl of named(d)) {
      if (decl.type === 'primitive_type' || decl.type === 'type_identifier' || decl.type === 'struct_specifier' || decl.type === 'sized_type_specifier') continue;
      const name = declaredName(decl.type === 'init_declarator' ? field(decl, 'declarator') ?? decl : decl);
      if (name) variables.set(name, isPointerDeclarator(decl));
    }
  }
  for (const name of variables.keys()) {
    if (READ_ONLY_NAMES.has(name)) candidates.add(`!${name}`);
    if (WRITABLE_NAMES.has(name)) candidates.add(name);
  }
  const fields = indicatorFields(context.root);
  for (const [baseName, isPointer] of variables) {
    for (const f of fields.get(baseName) ?? []) {
      const access = `${baseName}${isPointer ? '->' : '.'}${f}`;
      candidates.add(READ_ONLY_NAMES.has(f) ? `!${access}` : access);
    }
  }
  return candidates.size === 1 ? { writable: [...candidates][0]! } : undefined;
}
