// A guard against input nested deeper than any real code: the flag flow and the rules recurse over
// the syntax tree, and web-tree-sitter finds a node's parent by walking down from the root (so a
// walk up from depth d costs d²). 50,000 nested parentheses, ifs or `a ? b : c ? ...` arms would
// overflow the stack or run for minutes. Real kernel files nest about 20 levels (6.1: mm/gup.c 19,
// kernel/events/core.c 20).
import type { SyntaxNode } from './syntax.js';

export const MAX_NESTING = 500;

/**
 * A subtree spanning n bytes is at most n + SLACK levels high: each level holds a token of its own
 * except a few zero-width ones (a MISSING token). Measured over kernel files: height - span <= 1.
 */
const SLACK = 16;

/**
 * Whether some node lies more than `limit` levels below `root`. Visits only subtrees long enough
 * to be that deep, so a normal file costs a few hundred cursor steps.
 */
export function nestedDeeperThan(root: SyntaxNode, limit = MAX_NESTING): boolean {
  const cursor = root.walk();
  try {
    let depth = 0;
    for (;;) {
      if (depth > limit) return true;
      const mayGoDeeper = depth + (cursor.endIndex - cursor.startIndex) + SLACK > limit;
      if (mayGoDeeper && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0 || !cursor.gotoParent()) return false;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
