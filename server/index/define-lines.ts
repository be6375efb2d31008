// The part of a file the wrapper collection needs to see its macros: every preprocessor conditional
// (so a definition's #if arm is known) and every #define whose value names an entry point; all
// other lines are emptied, so rows stay. A whole-tree scan parses only what calls an entry point
// (server/scan/slice.ts), which leaves a compat header's `#define DRV_PIN(...) pin_user_pages(...)`
// out; this text is parsed on its own for it.

const DIRECTIVE = /^\s*#\s*(\w+)/;
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

/**
 * The text with only those lines kept, or undefined when no #define in it passes `wanted` (its
 * logical line, continuations joined).
 */
export function macroDefinitions(text: string, wanted: (define: string) => boolean): string | undefined {
  const lines = text.split('\n');
  const out: string[] = new Array<string>(lines.length).fill('');
  let kept = false;
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) continue;
    let last = i;
    while (last + 1 < lines.length && /\\\r?$/.test(lines[last]!)) last++;
    const directive = m[1]!;
    const logical = lines.slice(i, last + 1);
    if (CONDITIONALS.has(directive) || (directive === 'define' && wanted(logical.join('\n')))) {
      for (let j = i; j <= last; j++) out[j] = lines[j]!;
      if (directive === 'define') kept = true;
    }
    i = last;
  }
  return kept ? out.join('\n') : undefined;
}
