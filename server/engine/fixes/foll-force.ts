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

export interface FixChoice {
  preferred: Fix;
  alternatives: Fix[];
}

function uniqueTerms(terms: FlagTerm[]): FlagTerm[] {
  return [...new Map(terms.map((t) => [t.loc.start, t])).values()].sort((a, b) => a.loc.start - b.loc.start);
}

export function follForceFix(context: RuleContext, call: AnalyzedCall): FixChoice | undefined {
  const values = call.values;
  const forced = values.filter((v) => v.flags.has('FOLL_FORCE'));
  if (forced.length === 0) return undefined;
  const plain = values.filter((v) => !v.flags.has('FOLL_FORCE'));
  const forceTerms = uniqueTerms(forced.flatMap((v) => v.flags.get('FOLL_FORCE')!));
  const roWrite = uniqueTerms(forced.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []));
  const plainWriteStarts = new Set(plain.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []).map((t) => t.loc.start));
  const forceAll = plain.length === 0;
  const writeInAll = values.every((v) => v.flags.has('FOLL_WRITE'));
  const writeInAny = values.some((v) => v.flags.has('FOLL_WRITE'));
  const { text } = context;
  const removeForce = (): OffsetEdit[] => removeFlagTokens(text, forceTerms);
  const make = (title: string, edits: OffsetEdit[] | undefined, preferred: boolean): Fix | undefined => {
    if (!edits || edits.length === 0) return undefined;
    const result = applyOffsetEdits(text, edits);
    if (result === undefined || !context.parsesCleanly(result, edits)) return undefined;
    return { title, preferred, edits: edits.map((e) => ({ range: context.index.range(e.start, e.end), newText: e.newText })) };
  };

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
    const fix = converted
      ? make('Drop FOLL_FORCE and set FOLL_WRITE only when the buffer is writable (as upstream did)', edits, true)
      : undefined;
    if (fix) return { preferred: fix, alternatives: [] };
    const fallback = make('Drop FOLL_FORCE', removeForce(), true);
    return fallback ? { preferred: fallback, alternatives: [] } : undefined;
  }

  // Pattern 4: FOLL_FORCE|FOLL_WRITE on every path.
  if (forceAll && writeInAll) {
    const keep = make(
      'Drop FOLL_FORCE (FOLL_WRITE stays; the call could pin read-only where the buffer is never written)',
      removeForce(),
      true,
    );
    const writeTerms = uniqueTerms(values.flatMap((v) => v.flags.get('FOLL_WRITE') ?? []));
    const indicator = call.fn ? readOnlyIndicator(context, call.fn) : undefined;
    let conditional: Fix | undefined;
    if (indicator && writeTerms.length === 1 && writeTerms[0]!.node) {
      const w = writeTerms[0]!;
      conditional = make(
        `Drop FOLL_FORCE and set FOLL_WRITE only when ${indicator.writable}`,
        [...removeForce(), { start: w.loc.start, end: w.loc.end, newText: `(${indicator.writable} ? FOLL_WRITE : 0)` }],
        true,
      );
    }
    if (conditional) return { preferred: conditional, alternatives: keep ? [{ ...keep, preferred: false }] : [] };
    return keep ? { preferred: keep, alternatives: [] } : undefined;
  }

  // Patterns 2 and 3 (and mixed shapes): FOLL_FORCE goes, the rest stays as it is.
  const title = writeInAny ? 'Drop FOLL_FORCE (FOLL_WRITE stays conditional)' : 'Drop FOLL_FORCE';
  const fix = make(title, removeForce(), true);
  return fix ? { preferred: fix, alternatives: [] } : undefined;
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
  for (const fe of descendantsOf(context.root, 'field_expression')) {
    const f = field(fe, 'field')?.text;
    const base = field(fe, 'argument');
    if (!f || !base || (!READ_ONLY_NAMES.has(f) && !WRITABLE_NAMES.has(f))) continue;
    const baseName = base.type === 'identifier' ? base.text : base.type === 'field_expression' ? field(base, 'field')?.text : undefined;
    if (!baseName || !variables.has(baseName)) continue;
    const access = `${baseName}${variables.get(baseName) ? '->' : '.'}${f}`;
    candidates.add(READ_ONLY_NAMES.has(f) ? `!${access}` : access);
  }
  return candidates.size === 1 ? { writable: [...candidates][0]! } : undefined;
}
