// A second tree-sitter parser for the engine's own needs (macro values, checking a fix's result),
// created synchronously: a Tree handed to the engine proves tree-sitter is initialised.
import { Parser, type Language, type Tree } from 'web-tree-sitter';
import type { SyntaxNode } from './syntax.js';
import { thinCommentRuns } from './comment-runs.js';
import { applyOffsetEdits, type OffsetEdit, type TextIndex } from './edits.js';
import { replacementEdit } from './tree-points.js';

let parser: Parser | undefined;
let parserLanguage: Language | undefined;

function scratchParser(language: Language): Parser {
  if (!parser || parserLanguage !== language) {
    parser = new Parser();
    parser.setLanguage(language);
    parserLanguage = language;
  }
  return parser;
}

export function scratchParse(language: Language, text: string): Tree | undefined {
  return scratchParser(language).parse(thinCommentRuns(text)) ?? undefined;
}

/**
 * `candidate`, which is `index.text` with `edits` applied, parsed incrementally from `tree` (the
 * parse of `index.text`): what the edits touch is parsed again, yet the parser still passes over
 * every top-level item of the file, so this costs each fix the file's length (`parsesCleanlyAlone`
 * comes first). A full parse per fix was worse still: a 20 MB file with hundreds of FOLL_FORCE
 * calls spent 22 of its 26 s re-parsing itself.
 */
export function scratchReparse(tree: Tree, index: TextIndex, candidate: string, edits: readonly OffsetEdit[]): Tree | undefined {
  const old = tree.copy();
  try {
    // From the end backwards, so each edit's offsets and points are still those of index.text.
    for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
      old.edit(replacementEdit(e.start, e.end, index.positionAt(e.start), index.positionAt(e.end), e.newText));
    }
    fixCheckStats.fullChars += candidate.length;
    return scratchParser(tree.language).parse(thinCommentRuns(candidate), old) ?? undefined;
  } finally {
    old.delete();
  }
}

/** Characters handed to the parser by fix checks (a test's measure of their cost; never reset). */
export const fixCheckStats = { localChars: 0, fullChars: 0 };

// The definitions a fix's edit can be checked inside: at the top level of the file or of a
// conditional group, where tree-sitter-c parses the same items (`_top_level_item`) as at the start
// of a file, and reads no context from before them (it knows no typedefs).
const UNIT_TYPES = new Set(['function_definition', 'declaration']);
const UNIT_PARENTS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

function unitOf(root: SyntaxNode, e: OffsetEdit): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = root.descendantForIndex(e.start, e.end); n; n = n.parent) {
    if (UNIT_TYPES.has(n.type) && n.parent && UNIT_PARENTS.has(n.parent.type)) {
      // Strictly inside: an edit at either end could join the item to its neighbour.
      return n.startIndex < e.start && e.end < n.endIndex ? n : undefined;
    }
  }
  return undefined;
}

/**
 * True when every edit lies strictly inside an error-free definition at the top level and each
 * such definition, edited, parses on its own into one clean item of the same type: then the
 * parser meets the same text as before up to the definition, leaves it in the same state, and the
 * whole file gains no error. Undefined when that cannot be told this way (the caller parses the
 * file again, `scratchReparse`). Costs the definitions' length, not the file's: a file with N fixes
 * was N incremental parses of the whole file, quadratic in its calls (issue 14).
 */
export function parsesCleanlyAlone(root: SyntaxNode, text: string, edits: readonly OffsetEdit[]): true | undefined {
  const units = new Map<number, { node: SyntaxNode; edits: OffsetEdit[] }>();
  for (const e of edits) {
    const unit = unitOf(root, e);
    if (!unit || unit.hasError) return undefined;
    const entry = units.get(unit.id) ?? { node: unit, edits: [] };
    entry.edits.push(e);
    units.set(unit.id, entry);
  }
  for (const { node, edits: inside } of units.values()) {
    const start = node.startIndex;
    const local = applyOffsetEdits(
      text.slice(start, node.endIndex),
      inside.map((e) => ({ start: e.start - start, end: e.end - start, newText: e.newText })),
    );
    if (local === undefined) return undefined;
    fixCheckStats.localChars += local.length;
    const tree = scratchParse(root.tree.language, local);
    if (!tree) return undefined;
    try {
      const top = tree.rootNode;
      const item = top.namedChildCount === 1 ? top.namedChild(0) : null;
      if (top.hasError || !item || item.type !== node.type || item.startIndex !== 0 || item.endIndex !== local.length) return undefined;
    } finally {
      tree.delete();
    }
  }
  return true;
}

/** ERROR and MISSING nodes in a tree: what a fix must never add to. */
export function countParseErrors(root: SyntaxNode): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.type === 'ERROR' || node.isMissing) count++;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return count;
      }
    }
  }
}
