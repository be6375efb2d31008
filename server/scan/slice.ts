// Parse only what can matter: the parts of a C file the engine can read when it analyses the
// GUP/PUP calls in it; every other line is emptied before the parse.
//
// The file is cut into top-level chunks after each line that starts with `}` in column 0 (kernel
// style closes functions, and struct and array initialisers, there: Documentation/process/
// coding-style.rst, "Placing Braces and Spaces"). A chunk is kept when its code (comments and
// string literals do not count) calls an entry point, when it calls a function defined in such a
// chunk (the engine follows a flags parameter into the callers, CALLER_LEVELS deep), or when it
// names something else the engine looks up across the file (engine-reach.ts). Every preprocessor
// line is kept: the file's macros and conditionals.
//
// A dropped line becomes an empty line: rows stay, and kept lines are kept whole, so columns stay
// too. The engine reports rows and columns only (server/engine/types.ts), so its ranges on the
// slice are its ranges on the file. Offsets do change; the engine takes them only from the slice's
// tree and uses them only on the slice's text. (Empty lines cost tree-sitter nothing; blanking to
// spaces would cost as much as parsing the code.)

const NL = 10;
const CR = 13;
const SLASH = 47;
const BACKSLASH = 92;
const HASH = 35;
const RBRACE = 125;
const SPACE = 32;
const TAB = 9;

/**
 * How many levels of callers the engine follows a flags parameter into (FlagFlow.resolveParameter
 * in server/engine/flag-flow.ts: one). test/scan's equivalence tests fail if it ever looks further.
 */
export const CALLER_LEVELS = 1;

/** The names that decide what the engine reads in a file. */
export interface SliceNames {
  /** The calls it analyses (entry points): their chunks, and their callers' chunks, are kept. */
  calls: readonly string[];
  /** Other calls it looks up anywhere in the file (the release functions): their chunks are kept. */
  lookups: readonly string[];
  /** Struct fields it looks for anywhere in the file (`->ro`, `.writable`): their chunks are kept. */
  fields: readonly string[];
}

export interface Slice {
  /** The text to parse: the input's lines, the dropped ones empty. */
  text: string;
  /** Lines kept (code chunks and directives) and lines in the file. */
  keptLines: number;
  lines: number;
}

/** Empties the lines the engine cannot need to analyse the calls `names.calls` in `text`. */
export function sliceForAnalysis(text: string, names: SliceNames, callerLevels = CALLER_LEVELS): Slice {
  const lexed = lex(text);
  const { code, lineStarts } = lexed;
  const lines = lineStarts.length;
  const preproc = directiveLines(text, lexed);
  const chunkOfLine = new Int32Array(lines);
  const chunks = cutChunks(code, lineStarts, preproc, chunkOfLine);
  const chunkAt = (offset: number) => chunkOfLine[lineOf(lineStarts, offset)]!;

  // Where each chunk's first `{` is: a name before it is being declared or defined, not called.
  const bodies = new Int32Array(chunks.length).fill(-2);
  const bodyStart = (k: number) => (bodies[k] === -2 ? (bodies[k] = firstBrace(code, lineStarts, preproc, chunks[k]!)) : bodies[k]!);
  /** The chunk of a call at `at` (the name followed by `(`, inside a body), or -1. */
  const callChunk = (at: number, name: string) => {
    if (!isCallAt(code, at + name.length)) return -1;
    const c = chunkAt(at);
    const body = bodyStart(c);
    return body !== -1 && at > body ? c : -1;
  };

  const kept = new Uint8Array(chunks.length);
  let level: number[] = [];
  for (const { name, at } of occurrences(code, names.calls)) {
    const c = callChunk(at, name);
    if (c === -1) continue;
    if (!kept[c]) level.push(c);
    kept[c] = 1;
  }
  for (const { name, at } of occurrences(code, names.lookups)) {
    const c = callChunk(at, name);
    if (c !== -1) kept[c] = 1;
  }
  for (const { at } of occurrences(code, names.fields)) if (isFieldAccess(code, at)) kept[chunkAt(at)] = 1;

  // The callers of the functions that hold the calls, callerLevels deep.
  const seen = new Set<string>();
  for (let depth = 0; depth < callerLevels && level.length > 0; depth++) {
    const callees: string[] = [];
    for (const k of level) {
      for (const name of definedNames(code, lineStarts, chunks[k]!, bodyStart(k))) {
        if (!seen.has(name)) callees.push(name);
        seen.add(name);
      }
    }
    const next: number[] = [];
    for (const { name, at } of occurrences(code, callees)) {
      const c = callChunk(at, name);
      if (c === -1) continue;
      if (!kept[c]) next.push(c);
      kept[c] = 1;
    }
    level = next;
  }

  const keep = new Uint8Array(lines);
  for (let l = 0; l < lines; l++) keep[l] = kept[chunkOfLine[l]!]! | preproc[l]!;
  // A comment over several lines is kept whole or not at all, so no kept line starts or ends inside one.
  for (const [first, last] of lexed.multiLine) {
    if (keep.subarray(first, last + 1).includes(1)) keep.fill(1, first, last + 1);
  }

  let keptLines = 0;
  const parts: string[] = [];
  for (let l = 0; l < lines; l++) {
    const start = lineStarts[l]!;
    const end = l + 1 < lines ? lineStarts[l + 1]! : text.length;
    if (keep[l]) {
      keptLines++;
      parts.push(text.slice(start, end));
    } else {
      parts.push(lineBreak(text, start, end));
    }
  }
  return { text: parts.join(''), keptLines, lines };
}

interface Lexed {
  /** The text with comments and the insides of string and character literals turned to spaces. */
  code: string;
  /** Offset of the first character of each line. */
  lineStarts: number[];
  /** First and last line of each comment or literal that spans lines. */
  multiLine: [number, number][];
}

// Comments and literals, for one regular-expression pass (far faster than a loop over characters).
// A literal ends at a line break that no backslash escapes, so a stray quote (English in an `#if 0`
// block) spoils one line at most; an unterminated comment runs to the end of the file.
const COMMENTS_AND_LITERALS = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/\/(?:[^\n\\]|\\[\s\S])*|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?/g;

function lex(text: string): Lexed {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const multiLine: [number, number][] = [];
  const code = text.replace(COMMENTS_AND_LITERALS, (token: string, offset: number) => {
    if (token.indexOf('\n') !== -1) multiLine.push([lineOf(lineStarts, offset), lineOf(lineStarts, offset + token.length - 1)]);
    const q = token.charCodeAt(0);
    if (q === SLASH) return blank(token);
    // A literal keeps its quotes: `"..."` stays a string to the directive and header scans.
    const closed = token.length > 1 && token.charCodeAt(token.length - 1) === q;
    return token[0] + blank(token.slice(1, closed ? -1 : undefined)) + (closed ? token[0] : '');
  });
  return { code, lineStarts, multiLine };
}

const SPACES = ' '.repeat(256);

/** `s` with every character but line breaks turned to a space. */
function blank(s: string): string {
  if (s.length <= SPACES.length && s.indexOf('\n') === -1) return SPACES.slice(0, s.length);
  return s.replace(/[^\r\n]/g, ' ');
}

/** 1 for each line of a preprocessor directive, its backslash continuations included. */
function directiveLines(text: string, { code, lineStarts }: Lexed): Uint8Array {
  const lines = lineStarts.length;
  const preproc = new Uint8Array(lines);
  for (let l = 0; l < lines; l++) {
    let i = lineStarts[l]!;
    while (code.charCodeAt(i) === SPACE || code.charCodeAt(i) === TAB) i++;
    if (code.charCodeAt(i) !== HASH) continue;
    preproc[l] = 1;
    while (l + 1 < lines && endsWithBackslash(text, lineStarts[l + 1]!)) preproc[++l] = 1;
  }
  return preproc;
}

/** Whether the line that ends just before `nextLineStart` ends with a backslash. */
function endsWithBackslash(text: string, nextLineStart: number): boolean {
  let b = nextLineStart - 2; // the character before '\n'
  if (b >= 0 && text.charCodeAt(b) === CR) b--;
  return b >= 0 && text.charCodeAt(b) === BACKSLASH;
}

interface Chunk {
  first: number; // first line
  last: number; // last line: the closing `}` line, or the file's last line
}

/** Cuts after every line that starts with a code `}` in column 0 (not in a directive). */
function cutChunks(code: string, lineStarts: number[], preproc: Uint8Array, chunkOfLine: Int32Array): Chunk[] {
  const chunks: Chunk[] = [];
  const lines = lineStarts.length;
  let first = 0;
  for (let l = 0; l < lines; l++) {
    chunkOfLine[l] = chunks.length;
    if (!preproc[l] && code.charCodeAt(lineStarts[l]!) === RBRACE) {
      chunks.push({ first, last: l });
      first = l + 1;
    }
  }
  if (first < lines) chunks.push({ first, last: lines - 1 });
  return chunks;
}

// The fixed name lists (engine-reach.ts) compile once; a file's own callee names compile per file.
const wordRegexps = new WeakMap<readonly string[], RegExp>();

/** Offsets of each of `names` as a whole identifier in `code`, in one pass. */
function occurrences(code: string, names: readonly string[]): { name: string; at: number }[] {
  if (names.length === 0) return [];
  let re = wordRegexps.get(names);
  if (!re) {
    // Longest first, so that `get_user_pages_fast` is not taken for `get_user_pages`.
    const words = [...new Set(names)].sort((a, b) => b.length - a.length).map((w) => w.replace(/[^A-Za-z0-9_]/g, '\\$&'));
    re = new RegExp(`(?<![A-Za-z0-9_])(?:${words.join('|')})(?![A-Za-z0-9_])`, 'g');
    wordRegexps.set(names, re);
  }
  const found: { name: string; at: number }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) found.push({ name: m[0], at: m.index });
  return found;
}

/** Whether the identifier at `at` follows `.` or `->` (spaces allowed): a struct field. */
function isFieldAccess(code: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (code.charCodeAt(i) === SPACE || code.charCodeAt(i) === TAB)) i--;
  return code[i] === '.' || (code[i] === '>' && code[i - 1] === '-');
}

function lineOf(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Words before a `(` in a header that name no function.
const NOT_NAMES = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', '__attribute__', 'defined', 'alignof', '_Alignof']);

/** The offset of the chunk's first `{` outside directives (where its function body opens), or -1. */
function firstBrace(code: string, lineStarts: number[], preproc: Uint8Array, chunk: Chunk): number {
  for (let l = chunk.first; l <= chunk.last; l++) {
    if (preproc[l]) continue;
    const start = lineStarts[l]!;
    const end = l + 1 < lineStarts.length ? lineStarts[l + 1]! : code.length;
    const brace = code.indexOf('{', start);
    if (brace !== -1 && brace < end) return brace;
  }
  return -1;
}

/** Whether `(` follows at `after`, past blanks: a call (or a declaration, told apart by firstBrace). */
function isCallAt(code: string, after: number): boolean {
  let i = after;
  for (let c = code.charCodeAt(i); c === SPACE || c === TAB || c === NL || c === CR; c = code.charCodeAt(++i));
  return code.charCodeAt(i) === 40; // (
}

/**
 * The names a chunk may define: every identifier followed by `(` before its body's `{` (its
 * function's header; a prototype or a macro call there only adds names, never loses one).
 */
function definedNames(code: string, lineStarts: number[], chunk: Chunk, body: number): string[] {
  if (body === -1) return [];
  const names: string[] = [];
  for (const m of code.slice(lineStarts[chunk.first]!, body).matchAll(/([A-Za-z_]\w*)\s*\(/g)) if (!NOT_NAMES.has(m[1]!)) names.push(m[1]!);
  return names;
}

/** The line break that ends the line [start, end) ('' for a last line without one). */
function lineBreak(text: string, start: number, end: number): string {
  if (end === start || text.charCodeAt(end - 1) !== NL) return '';
  return end - start > 1 && text.charCodeAt(end - 2) === CR ? '\r\n' : '\n';
}
