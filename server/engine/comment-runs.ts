// A guard against a tree-sitter crash: after an ambiguous statement (`foo(x);`, `a * b;`), some
// 2,400 comments in a row inside a function make the wasm parser recurse in stack_node_add_link()
// until it runs off its stack ("RuntimeError: memory access out of bounds"). Worse, the module is
// corrupted from then on: every later parse in the process fails, so the language server is dead
// for every document and `pinsight scan` for every file after that one. Found by `npm run fuzz`.
//
// Comments carry nothing the engine reads, so the text handed to the parser has every comment of
// a run past the first MAX_RUN blanked out, character for character (newlines kept): offsets, rows
// and columns are unchanged, and only the text of those comment nodes differs.

export const MAX_RUN = 256;

const SLASH = 47;
const STAR = 42;
const NL = 10;
const CR = 13;
const BACKSLASH = 92;
const QUOTE = 34;
const APOSTROPHE = 39;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === NL || c === CR || c === 11 || c === 12;
}

/** `text` with every comment beyond the first MAX_RUN of a run (comments with only blanks between) blanked out. */
export function thinCommentRuns(text: string, maxRun = MAX_RUN): string {
  if (countCommentStarts(text, maxRun) <= maxRun) return text; // cheap: too few comments for a long run
  const blank: [number, number][] = [];
  let run = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SLASH && (text.charCodeAt(i + 1) === STAR || text.charCodeAt(i + 1) === SLASH)) {
      const block = text.charCodeAt(i + 1) === STAR;
      let end: number;
      if (block) {
        end = text.indexOf('*/', i + 2);
        end = end < 0 ? n : end + 2;
      } else {
        // A line comment ends at a newline not escaped by a backslash.
        end = i + 2;
        while (end < n && !(text.charCodeAt(end) === NL && text.charCodeAt(end - 1) !== BACKSLASH && !(text.charCodeAt(end - 1) === CR && text.charCodeAt(end - 2) === BACKSLASH))) end++;
      }
      run++;
      if (run > maxRun) blank.push([i, end]);
      i = end;
      continue;
    }
    if (isBlank(c) || (c === BACKSLASH && (text.charCodeAt(i + 1) === NL || text.charCodeAt(i + 1) === CR))) {
      i++;
      continue;
    }
    run = 0;
    if (c === QUOTE || c === APOSTROPHE) {
      // A string or character literal: skip it, so a `//` inside is not taken for a comment.
      i++;
      while (i < n && text.charCodeAt(i) !== c && text.charCodeAt(i) !== NL) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
    }
    i++;
  }
  if (blank.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of blank) {
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    at = end;
  }
  return out + text.slice(at);
}

/** How many `/*` and `//` the text holds, counting no further than `limit + 1`. */
function countCommentStarts(text: string, limit: number): number {
  let count = 0;
  for (let i = text.indexOf('/'); i !== -1 && count <= limit; i = text.indexOf('/', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === STAR || next === SLASH) {
      count++;
      i++;
    }
  }
  return count;
}
