// A guard against a tree-sitter crash: after an ambiguous statement (`foo(x);`, `a * b;`), some
// 2,400 comments in a row inside a function make the wasm parser recurse in stack_node_add_link()
// until it runs off its stack ("RuntimeError: memory access out of bounds"). Worse, the module is
// corrupted from then on: every later parse in the process fails, so the language server is dead
// for every document and `pinsight scan` for every file after that one. Found by `npm run fuzz`.
//
// Comments carry nothing the engine reads, so the text handed to the parser has every comment of
// a run past the first MAX_RUN blanked out, character for character (newlines kept): offsets, rows
// and columns are unchanged, and only the text of those comment nodes differs.
import { commentRuns, countCommentStarts } from './c-lexer.js';

export const MAX_RUN = 256;

/** `text` with every comment beyond the first MAX_RUN of a run (comments with only blanks between) blanked out. */
export function thinCommentRuns(text: string, maxRun = MAX_RUN): string {
  if (countCommentStarts(text, maxRun) <= maxRun) return text; // cheap: too few comments for a long run
  let out = '';
  let at = 0;
  for (const run of commentRuns(text)) {
    for (const { start, end } of run.comments.slice(maxRun)) {
      out += text.slice(at, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
      at = end;
    }
  }
  return at === 0 ? text : out + text.slice(at);
}
