// The part of a file the wrapper collection needs to see its macros: every preprocessor conditional
// (so a definition's #if arm is known) and every #define whose value names an entry point; all
// other lines are emptied, so rows stay. A whole-tree scan parses only what calls an entry point
// (server/scan/slice.ts), which leaves a compat header's `#define DRV_PIN(...) pin_user_pages(...)`
// out; this text is parsed on its own for it. The directives come from the one C scanner
// (server/engine/c-lexer.ts), so a `#define` inside a comment is not one.
import { preprocessorLines, type PreprocessorLine } from '../engine/c-lexer.js';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

/**
 * The text with only those lines kept, or undefined when no #define in it passes `wanted` (its
 * logical line, continuations joined). `directives`: the text's, when the caller has them already.
 */
export function macroDefinitions(text: string, wanted: (define: string) => boolean, directives: readonly PreprocessorLine[] = preprocessorLines(text)): string | undefined {
  // Most files define no such macro: they are answered before the text is split into lines.
  const defines = new Set(directives.filter((d) => d.directive === 'define' && wanted(d.text)));
  if (defines.size === 0) return undefined;
  const lines = text.split('\n');
  const out: string[] = new Array<string>(lines.length).fill('');
  for (const d of directives) {
    if (!CONDITIONALS.has(d.directive) && !defines.has(d)) continue;
    for (let j = d.firstLine; j <= d.lastLine; j++) out[j] = lines[j]!;
  }
  return out.join('\n');
}
