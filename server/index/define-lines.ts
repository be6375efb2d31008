// The part of a file the wrapper collection needs to see its macros: every preprocessor conditional
// (so a definition's #if arm is known) and every #define whose value names an entry point; all
// other lines are emptied, so rows stay. A whole-tree scan parses only what calls an entry point
// (server/scan/slice.ts), which leaves a compat header's `#define DRV_PIN(...) pin_user_pages(...)`
// out; this text is parsed on its own for it. The directives come from the one C scanner
// (server/engine/c-lexer.ts), so a `#define` inside a comment is not one.
import { preprocessorLines } from '../engine/c-lexer.js';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

/**
 * The text with only those lines kept, or undefined when no #define in it passes `wanted` (its
 * logical line, continuations joined).
 */
export function macroDefinitions(text: string, wanted: (define: string) => boolean): string | undefined {
  const lines = text.split('\n');
  const out: string[] = new Array<string>(lines.length).fill('');
  let kept = false;
  for (const d of preprocessorLines(text)) {
    const define = d.directive === 'define';
    if (!CONDITIONALS.has(d.directive) && !(define && wanted(d.text))) continue;
    for (let j = d.firstLine; j <= d.lastLine; j++) out[j] = lines[j]!;
    if (define) kept = true;
  }
  return kept ? out.join('\n') : undefined;
}
