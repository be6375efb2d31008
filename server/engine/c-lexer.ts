// The one lexer of C text outside tree-sitter: where comments, string and character literals and
// preprocessor directives are, by offset and line. The parser's comment-run guard
// (comment-runs.ts), the scan's slicer (server/scan/slice.ts) and anything else that reads a file
// faster than a parse can (a project-wide index of #defines and #includes) read C through it, so
// they agree on what is code.
//
// Comments and literals are found with one regular expression (far faster than a loop over
// characters). As in C (translation phase 2, C11 5.1.1.2) and tree-sitter-c, a backslash before a
// line break continues a `//` comment, whatever precedes it. A literal ends at a line break that no
// backslash escapes, so a stray quote (English in an `#if 0` block) spoils one line at most; an
// unterminated comment runs to the end of the file.
import { APOSTROPHE, BACKSLASH, CR, NL, QUOTE, SLASH, SPACE, STAR, TAB } from './char-codes.js';
import { lineStarts as lineStartsOf } from './edits.js';

const COMMENTS_AND_LITERALS = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/\/(?:[^\n\\]|\\\r?\n|\\)*|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?/g;

export type SpanKind = 'block-comment' | 'line-comment' | 'string' | 'char';

/** A comment or a string or character literal: `text.slice(start, end)` (end exclusive). */
export interface CSpan {
  kind: SpanKind;
  start: number;
  end: number;
}

/**
 * Calls `visit` for every comment and string or character literal of `text`, in order. A callback
 * rather than a list: the slicer runs it on every candidate file of a kernel tree.
 */
export function forEachCommentOrLiteral(text: string, visit: (start: number, end: number) => void): void {
  const re = new RegExp(COMMENTS_AND_LITERALS);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) visit(m.index, m.index + m[0].length);
}

/** What the span starting at `start` is. */
export function spanKind(text: string, start: number): SpanKind {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return 'string';
  if (c === APOSTROPHE) return 'char';
  return text.charCodeAt(start + 1) === STAR ? 'block-comment' : 'line-comment';
}

/** A run of comments with only blanks (and backslash-newlines) between them. */
export interface CommentRun {
  start: number;
  end: number;
  comments: CSpan[];
}

/** Every run of comments in `text`, in order; a literal or any other code ends a run. */
export function commentRuns(text: string): CommentRun[] {
  const runs: CommentRun[] = [];
  let current: CommentRun | undefined;
  let prevEnd = 0;
  forEachCommentOrLiteral(text, (start, end) => {
    const kind = spanKind(text, start);
    if (kind === 'string' || kind === 'char') current = undefined;
    else {
      if (!current || !onlyBlanks(text, prevEnd, start)) runs.push((current = { start, end, comments: [] }));
      current.comments.push({ kind, start, end });
      current.end = end;
    }
    prevEnd = end;
  });
  return runs;
}

function onlyBlanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB || c === NL || c === CR || c === 11 || c === 12) continue;
    const next = text.charCodeAt(i + 1);
    if (c === BACKSLASH && (next === NL || next === CR)) continue;
    return false;
  }
  return true;
}

/** How many `/*` and `//` the text holds, counting no further than `limit + 1` (literals not skipped: an upper bound). */
export function countCommentStarts(text: string, limit: number): number {
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

/** A file's lines, and where its comments and literals are. */
export interface CLexed {
  text: string;
  /** Offset of the first character of each line. */
  lineStarts: number[];
  /** Start and end offsets of every comment and string or character literal, in order. */
  spanStarts: number[];
  spanEnds: number[];
  /** First and last line of each comment or literal that spans lines. */
  multiLine: [number, number][];
  /** 1 for a line that starts inside a comment or literal. */
  startsInSpan: Uint8Array;
}

export function lexC(text: string): CLexed {
  const lineStarts = lineStartsOf(text);
  const spanStarts: number[] = [];
  const spanEnds: number[] = [];
  const multiLine: [number, number][] = [];
  const startsInSpan = new Uint8Array(lineStarts.length);
  forEachCommentOrLiteral(text, (start, end) => {
    spanStarts.push(start);
    spanEnds.push(end);
    const nl = text.indexOf('\n', start);
    if (nl !== -1 && nl < end) {
      const first = lineOf(lineStarts, start);
      const last = lineOf(lineStarts, end - 1);
      multiLine.push([first, last]);
      startsInSpan.fill(1, first + 1, last + 1);
    }
  });
  return { text, lineStarts, spanStarts, spanEnds, multiLine, startsInSpan };
}

/** Whether `offset` is inside a comment or literal. */
export function inCommentOrLiteral(file: CLexed, offset: number): boolean {
  const k = lineOf(file.spanStarts, offset); // the last span starting at or before offset
  return file.spanStarts.length > 0 && file.spanStarts[k]! <= offset && offset < file.spanEnds[k]!;
}

/** A preprocessor directive: one logical line, its backslash continuations included. */
export interface PreprocessorLine {
  /** The word after `#` (`define`, `ifdef`, `include`, ...; '' for a lone `#`). */
  directive: string;
  /**
   * The macro a `define`, `undef`, `ifdef` or `ifndef` names; the header an `include` or
   * `include_next` names, as written (`<linux/mm.h>`, `"internal.h"`); otherwise undefined.
   */
  name: string | undefined;
  /** Offset of the `#`, and of the end of its last line (before the line break). */
  start: number;
  end: number;
  /** Its first and last line (0-based): the last is past backslash continuations and comments the directive opens. */
  firstLine: number;
  lastLine: number;
  /** `text.slice(start, end)`. */
  text: string;
}

const DIRECTIVE = /#\s*(\w*)/y;
const MACRO_NAME = /#\s*\w+\s+(\w+)/y;
const HEADER_NAME = /#\s*\w+\s*(<[^>\n]*>|"[^"\n]*")/y;
const NAMES_MACRO = new Set(['define', 'undef', 'ifdef', 'ifndef']);
const NAMES_HEADER = new Set(['include', 'include_next']);

/** Every preprocessor directive of a file, in order. */
export function preprocessorLines(source: string | CLexed): PreprocessorLine[] {
  const file = typeof source === 'string' ? lexC(source) : source;
  const { text, lineStarts, startsInSpan } = file;
  const lines = lineStarts.length;
  const found: PreprocessorLine[] = [];
  let lastLine = -1;
  // '#' is rare outside directives: find each, then check that only blanks precede it on its line.
  for (let at = text.indexOf('#'); at !== -1; at = text.indexOf('#', at + 1)) {
    const first = lineOf(lineStarts, at);
    if (first <= lastLine || startsInSpan[first] || !spacesBetween(text, lineStarts[first]!, at)) continue;
    let last = first;
    // Backslash-newline splices lines before comments are removed (C11 5.1.1.2), so this holds
    // inside a comment too; a comment the directive opens carries it on as well.
    while (last + 1 < lines && (endsWithBackslash(text, lineStarts[last + 1]!) || startsInSpan[last + 1])) last++;
    DIRECTIVE.lastIndex = at;
    const directive = DIRECTIVE.exec(text)![1]!;
    const named = NAMES_MACRO.has(directive) ? MACRO_NAME : NAMES_HEADER.has(directive) ? HEADER_NAME : undefined;
    let name: string | undefined;
    if (named) {
      named.lastIndex = at;
      name = named.exec(text)?.[1];
    }
    const end = lineEnd(text, lineStarts, last);
    found.push({ directive, name, start: at, end, firstLine: first, lastLine: last, text: text.slice(at, end) });
    lastLine = last;
  }
  return found;
}

/** The offset where line `l`'s text ends, before its line break. */
function lineEnd(text: string, lineStarts: number[], l: number): number {
  if (l + 1 >= lineStarts.length) return text.length;
  let e = lineStarts[l + 1]! - 1; // the '\n'
  if (e > lineStarts[l]! && text.charCodeAt(e - 1) === CR) e--;
  return e;
}

function spacesBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** Whether the line that ends just before `nextLineStart` ends with a backslash. */
function endsWithBackslash(text: string, nextLineStart: number): boolean {
  let b = nextLineStart - 2; // the character before '\n'
  if (b >= 0 && text.charCodeAt(b) === CR) b--;
  return b >= 0 && text.charCodeAt(b) === BACKSLASH;
}

/** The last index whose value is at most `offset` (0 when none is): with line starts, the line of an offset. */
export function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
