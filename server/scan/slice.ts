// Parse only what can matter: the parts of a C file the engine can read when it analyses the
// GUP/PUP calls in it; every other line is emptied before the parse.
//
// The file is cut into top-level chunks after each line that starts with `}` in column 0 (kernel
// style closes functions, and struct and array initialisers, there: Documentation/process/
// coding-style.rst, "Placing Braces and Spaces"). A chunk is kept when its code (comments and
// string literals do not count) calls an entry point, when it holds something else the engine looks
// up across the file (engine-reach.ts: a release of pages named by the same struct field as an entry
// call's, a field that says a buffer is read-only), or when it calls a function whose flags
// parameter the engine followed into its callers (which it says: analyze-source.ts).
// Outside those chunks, the #defines the kept code uses are kept, and the conditional groups around
// kept lines.
//
// A dropped line becomes an empty line: rows stay, and kept lines are kept whole, so columns stay
// too. The engine reports rows and columns only (server/engine/types.ts), so its ranges on the
// slice are its ranges on the file. Offsets do change; the engine takes them only from the slice's
// tree and uses them only on the slice's text. (Empty lines cost tree-sitter nothing; blanking to
// spaces would cost as much as parsing the code.)
import { inCommentOrLiteral, lexC, lineOf, preprocessorLines, type CLexed, type PreprocessorLine } from '../engine/c-lexer.js';
import { CR, DOT, GT, LPAREN, MINUS, NL, RBRACE, SLASH, SPACE, TAB } from '../engine/char-codes.js';

/** The names that decide what the engine reads in a file. */
export interface SliceNames {
  /** The calls it analyses (entry points): their chunks are kept. */
  calls: readonly string[];
  /**
   * Calls it matches to the entry calls by the struct field their argument names (the release
   * functions: `put_page(umem->pages[i])` releases what `pin_user_pages(..., umem->pages)` took).
   * Their chunks are kept when they name a field that a chunk with an entry call names too.
   */
  releases: readonly string[];
  /** Struct fields it looks for anywhere in the file (`->ro`, `.writable`): their chunks are kept. */
  fields: readonly string[];
}

export interface Slice {
  /** The text to parse: the input's lines, the dropped ones empty. */
  text: string;
  /** How many calls of `names.calls` the code holds (0: the engine can find none, and no line is kept). */
  calls: number;
  /** Lines kept (code chunks and directives) and lines in the file. */
  keptLines: number;
  lines: number;
}

/** A slice of part of the calls (SlicePlan.pieces). */
export type Piece = Omit<Slice, 'calls'>;

/**
 * Empties the lines the engine cannot need to analyse the calls `names.calls` in `text`. The chunks
 * that call one of `callersOf` are kept too: the functions whose parameters the flag flow follows
 * into their callers (the engine names them, analyze-source.ts asks again with them).
 */
export function sliceForAnalysis(text: string, names: SliceNames, callersOf: Iterable<string> = []): Slice {
  return new SlicePlan(text, names).slice(callersOf);
}

/**
 * One file cut into chunks, with the calls found: what every slice of it starts from. A huge file
 * (issue 14: 330,000 calls in 20 MB) is analysed in pieces (`pieces`), each of them a slice of its
 * own, so that no parse holds a tree of the whole file.
 */
export class SlicePlan {
  private readonly file: CLexed;
  private readonly directives: PreprocessorLine[];
  private readonly preproc: Uint8Array;
  private readonly chunkOfLine: Int32Array;
  private readonly chunks: Chunk[];
  private readonly bodies: Int32Array;
  /** The chunks with an entry call (in order), and how many calls they hold. */
  readonly callChunks: number[] = [];
  readonly calls: number = 0;
  private readonly isCall: Uint8Array;

  constructor(
    readonly text: string,
    private readonly names: SliceNames,
  ) {
    this.file = lexC(text);
    const lines = this.file.lineStarts.length;
    this.directives = preprocessorLines(this.file);
    this.preproc = new Uint8Array(lines);
    for (const d of this.directives) this.preproc.fill(1, d.firstLine, d.lastLine + 1);
    this.chunkOfLine = new Int32Array(lines);
    this.chunks = cutChunks(this.file, this.preproc, this.chunkOfLine);
    // Where each chunk's first `{` is: a name before it is being declared or defined, not called.
    this.bodies = new Int32Array(this.chunks.length).fill(-2);
    this.isCall = new Uint8Array(this.chunks.length);
    let calls = 0;
    for (const { name, at } of occurrences(this.file, names.calls)) {
      const c = this.callChunk(at, name);
      if (c === -1) continue;
      calls++;
      if (!this.isCall[c]) this.callChunks.push(c);
      this.isCall[c] = 1;
    }
    this.calls = calls;
  }

  /** The file's preprocessor lines (server/engine/c-lexer.ts), for whoever reads its macros too. */
  get directiveLines(): readonly PreprocessorLine[] {
    return this.directives;
  }

  private chunkAt(offset: number): number {
    return this.chunkOfLine[lineOf(this.file.lineStarts, offset)]!;
  }

  private bodyStart(k: number): number {
    return this.bodies[k] === -2 ? (this.bodies[k] = firstBrace(this.file, this.preproc, this.chunks[k]!)) : this.bodies[k]!;
  }

  /** The chunk of a call at `at` (the name followed by `(`, inside a body), or -1. */
  private callChunk(at: number, name: string): number {
    if (!isCallAt(this.text, at + name.length)) return -1;
    const c = this.chunkAt(at);
    const body = this.bodyStart(c);
    return body !== -1 && at > body ? c : -1;
  }

  /** The slice for every call in the file. */
  slice(callersOf: Iterable<string> = []): Slice {
    const lines = this.file.lineStarts.length;
    // Every finding hangs off an entry call (engine-reach.ts): with none, the engine reads nothing.
    // (A third of a kernel tree's candidates name an entry point only in prototypes and comments.)
    if (this.calls === 0) return { ...assemble(this.text, this.file.lineStarts, new Uint8Array(lines)), calls: 0 };
    const kept = this.keptFor(this.callChunks, [...new Set(callersOf)]);
    return { ...this.assembleKept(kept), calls: this.calls };
  }

  /**
   * The chunks the engine reads for the calls in `roots` (chunks with entry calls): theirs, the
   * releases of pages named by a field they name, the read-only fields set on a variable they have,
   * and the callers of `callers` (all of them, or only those `callerChunk` accepts).
   */
  private keptFor(roots: readonly number[], callers: readonly string[], callerChunk: (c: number) => boolean = () => true): Uint8Array {
    const { file, chunks } = this;
    const kept = new Uint8Array(chunks.length);
    for (const c of roots) kept[c] = 1;
    const callFields = new Set(roots.flatMap((k) => fieldNames(file, chunks[k]!)));
    if (callFields.size > 0) {
      for (const { chunk, fields } of this.releaseChunks()) if (!kept[chunk] && fields.some((f) => callFields.has(f))) kept[chunk] = 1;
    }
    // A read-only field counts on a variable the calling function has (userptr->ro, bo->userptr.ro).
    const accesses = this.fieldBases();
    if (accesses.length > 0) {
      const callWords = new Set(roots.flatMap((k) => identifiers(file, chunks[k]!)));
      for (const { chunk, base } of accesses) if (base === undefined || callWords.has(base)) kept[chunk] = 1;
    }
    for (const c of this.callerChunks(callers)) if (callerChunk(c)) kept[c] = 1;
    return kept;
  }

  private releases?: { chunk: number; fields: string[] }[];
  /** The chunk of each release call (engine-reach.ts's `releases`), in order, with the fields it names (found once). */
  private releaseChunks(): { chunk: number; fields: string[] }[] {
    if (!this.releases) {
      this.releases = [];
      const fields = new Map<number, string[]>();
      for (const { name, at } of occurrences(this.file, this.names.releases)) {
        const c = this.callChunk(at, name);
        if (c === -1) continue;
        let named = fields.get(c);
        if (!named) fields.set(c, (named = fieldNames(this.file, this.chunks[c]!)));
        this.releases.push({ chunk: c, fields: named });
      }
    }
    return this.releases;
  }

  private bases?: { chunk: number; base: string | undefined }[];
  /** Each access of a read-only field (engine-reach.ts's `fields`): its chunk and the variable it is on. */
  private fieldBases(): { chunk: number; base: string | undefined }[] {
    this.bases ??= fieldAccesses(this.file, this.names.fields).map((at) => ({ chunk: this.chunkAt(at), base: identifierBefore(this.text, at) }));
    return this.bases;
  }

  private callersSeen?: { key: string; chunks: number[] };
  /** The chunks that call one of `callers` (the last answer is kept: the pieces ask the same). */
  private callerChunks(callers: readonly string[]): number[] {
    if (callers.length === 0) return [];
    const key = callers.join('\0');
    if (this.callersSeen?.key !== key) {
      const chunks: number[] = [];
      for (const { name, at } of occurrences(this.file, callers)) {
        const c = this.callChunk(at, name);
        if (c !== -1) chunks.push(c);
      }
      this.callersSeen = { key, chunks };
    }
    return this.callersSeen.chunks;
  }

  /** The text of the kept chunks, with the directives they need; every other line emptied. */
  private assembleKept(kept: Uint8Array): Omit<Slice, 'calls'> {
    const { file, chunks } = this;
    const keep = new Uint8Array(file.lineStarts.length);
    chunks.forEach((c, k) => kept[k] && keep.fill(1, c.first, c.last + 1));
    keepDirectives(file, chunks, kept, this.directives, keep);
    // A comment over several lines is kept whole or not at all, so no kept line starts or ends inside one.
    // (A plain loop: a subarray() per comment cost 30 ms of a cold scan of 6.12.)
    for (const [first, last] of file.multiLine) {
      for (let l = first; l <= last; l++) {
        if (keep[l]) {
          keep.fill(1, first, last + 1);
          break;
        }
      }
    }
    return assemble(this.text, file.lineStarts, keep);
  }

  /**
   * The slice cut into pieces of about `maxBytes` of kept code each, that the engine can analyse
   * one at a time: together they hold what slice(callersOf) holds, and no piece needs a chunk of
   * another. Chunks the engine may read together are kept together (a union-find over the chunks):
   * a call's chunk with the releases that name a field it names (page-refs.ts matches pins to
   * releases by struct field across functions), with the read-only fields set on a variable it
   * has, and a function's callers with every chunk that names the function (the flag flow follows
   * a parameter into the callers of the function that holds the call). Undefined when the slice
   * is smaller than `maxBytes` or cannot be cut: the caller analyses slice(callersOf) whole.
   */
  pieces(callersOf: Iterable<string>, maxBytes: number): Piece[] | undefined {
    const { file, text, chunks } = this;
    const { lineStarts } = file;
    if (this.calls === 0) return undefined;
    const bytesOf = (k: number) => {
      const c = chunks[k]!;
      return (c.last + 1 < lineStarts.length ? lineStarts[c.last + 1]! : text.length) - lineStarts[c.first]!;
    };
    const callers = [...new Set(callersOf)];
    const whole = this.keptFor(this.callChunks, callers);
    let wholeBytes = 0;
    for (let k = 0; k < chunks.length; k++) if (whole[k]) wholeBytes += bytesOf(k);
    if (wholeBytes <= maxBytes) return undefined;

    const parent = new Int32Array(chunks.length).map((_, i) => i);
    const find = (k: number): number => {
      while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
      return k;
    };
    const union = (a: number, b: number) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    };
    const roots = this.callChunks;
    // Releases (a call chunk's own too) with every call chunk that names one of their fields.
    const rootsByField = new Map<string, number[]>();
    for (const r of roots) for (const f of new Set(fieldNames(file, chunks[r]!))) (rootsByField.get(f) ?? rootsByField.set(f, []).get(f)!).push(r);
    if (rootsByField.size > 0) {
      const joined = new Set<string>();
      for (const { chunk, fields } of this.releaseChunks()) {
        for (const f of fields) {
          const named = rootsByField.get(f);
          if (!named) continue;
          union(chunk, named[0]!);
          // The calls that name a field a release names go together: joined once per field.
          if (!joined.has(f)) for (const r of named) union(named[0]!, r);
          joined.add(f);
        }
      }
    }
    // Read-only fields with every call chunk that has the variable (all of them when it has no name).
    const bases = this.fieldBases();
    if (bases.length > 0) {
      const wanted = new Set(bases.map((b) => b.base));
      const rootsByWord = new Map<string, number[]>();
      for (const r of roots) {
        for (const w of new Set(identifiers(file, chunks[r]!))) if (wanted.has(w)) (rootsByWord.get(w) ?? rootsByWord.set(w, []).get(w)!).push(r);
      }
      // Each group of calls is joined once, then each access to the group's first call.
      const joined = new Set<string | undefined>();
      for (const { chunk, base } of bases) {
        const group = base === undefined ? roots : rootsByWord.get(base);
        if (!group || group.length === 0) continue;
        union(chunk, group[0]!);
        if (!joined.has(base)) for (const r of group) union(group[0]!, r);
        joined.add(base);
      }
    }
    // A function's callers with every chunk that names it (its definition among them).
    if (callers.length > 0) {
      const first = new Map<string, number>();
      for (const { name, at } of occurrences(file, callers)) {
        const c = this.chunkAt(at);
        const seen = first.get(name);
        if (seen === undefined) first.set(name, c);
        else union(seen, c);
      }
    }

    // Components in file order, batched up to maxBytes; each keeps what keptFor gives its calls.
    const members = new Map<number, number[]>();
    for (const r of roots) {
      const root = find(r);
      (members.get(root) ?? members.set(root, []).get(root)!).push(r);
    }
    if (members.size < 2) return undefined;
    const pieces: Piece[] = [];
    let batch: number[] = [];
    let batchRoots = new Set<number>();
    let bytes = 0;
    const flush = () => {
      if (batch.length === 0) return;
      const inBatch = new Set(batch);
      const kept = this.keptFor(batch, callers, (c) => inBatch.has(c) || batchRoots.has(find(c)));
      pieces.push(this.assembleKept(kept));
      batch = [];
      batchRoots = new Set();
      bytes = 0;
    };
    for (const [root, calls] of members) {
      batch.push(...calls);
      batchRoots.add(root);
      bytes += calls.reduce((n, k) => n + bytesOf(k), 0);
      if (bytes >= maxBytes) flush();
    }
    flush();
    return pieces;
  }
}

/** The kept lines as they are, the others reduced to their line breaks; runs are copied whole. */
function assemble(text: string, lineStarts: number[], keep: Uint8Array): Omit<Slice, 'calls'> {
  const lines = lineStarts.length;
  const at = (l: number) => (l < lines ? lineStarts[l]! : text.length);
  const hasCR = text.indexOf('\r') !== -1;
  const parts: string[] = [];
  let keptLines = 0;
  for (let l = 0; l < lines; ) {
    // The run of lines kept (or dropped) like line l, found by the typed array's own indexOf.
    let end = keep.indexOf(keep[l] ? 0 : 1, l);
    if (end === -1) end = lines;
    if (keep[l]) {
      keptLines += end - l;
      parts.push(text.slice(at(l), at(end)));
    } else if (!hasCR) {
      // Every line but the file's last ends with '\n'.
      const breaks = end === lines ? end - l - 1 : end - l;
      parts.push('\n'.repeat(breaks));
    } else {
      for (let k = l; k < end; k++) parts.push(lineBreak(text, at(k), at(k + 1)));
    }
    l = end;
  }
  return { text: parts.join(''), keptLines, lines };
}

const OPENS = new Set(['if', 'ifdef', 'ifndef']);
const BRANCHES = new Set(['elif', 'elifdef', 'elifndef', 'else']);

/**
 * Marks the directives outside the kept chunks that the parse needs: each `#define` (and `#undef`)
 * whose name the kept code or a conditional uses, or a kept `#define`'s value uses (the engine
 * follows object-like macros, server/engine/macros.ts), and the conditionals around kept lines (they give the kept code its
 * structure). A conditional group with no kept line inside goes whole, as do includes and the rest.
 */
function keepDirectives(file: CLexed, chunks: Chunk[], kept: Uint8Array, directives: PreprocessorLine[], keep: Uint8Array): void {
  const { text, lineStarts } = file;
  const span = (first: number, last: number) => text.slice(lineStarts[first]!, last + 1 < lineStarts.length ? lineStarts[last + 1]! : text.length);
  const used = new Set<string>();
  chunks.forEach((c, k) => {
    if (kept[k]) for (const w of span(c.first, c.last).match(IDENTIFIER) ?? []) used.add(w);
  });
  // A name a condition tests: its #define/#undef tells the engine the file sets it, so the build's
  // -D/-U do not decide it (server/engine/macro-facts.ts); the slice keeps them as the file has them.
  for (const d of directives) {
    if (d.directive.startsWith('if') || d.directive.startsWith('elif')) for (const w of d.text.match(IDENTIFIER) ?? []) used.add(w);
  }
  const defines: { name: string; directive: PreprocessorLine }[] = [];
  for (const d of directives) {
    if (keep[d.firstLine] || (d.directive !== 'define' && d.directive !== 'undef')) continue; // inside a kept chunk, or neither #define nor #undef
    if (d.name) defines.push({ name: d.name, directive: d });
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const { name, directive: d } of defines) {
      if (keep[d.firstLine] || !used.has(name)) continue;
      keep.fill(1, d.firstLine, d.lastLine + 1);
      for (const w of span(d.firstLine, d.lastLine).match(IDENTIFIER) ?? []) used.add(w);
      changed = true;
    }
  }
  keepConditionals(directives, keep);
}

/**
 * Keeps each #if group (with its #elif, #else and #endif) that has a kept line from its #if to its
 * #endif. A directive that matches no other (an #endif too many, an #if never closed) is kept.
 */
function keepConditionals(directives: PreprocessorLine[], keep: Uint8Array): void {
  const holdsKept = keptRuns(keep);
  const groups: PreprocessorLine[][] = [];
  const open: PreprocessorLine[][] = [];
  for (const d of directives) {
    if (OPENS.has(d.directive)) open.push([d]);
    else if (BRANCHES.has(d.directive)) {
      const group = open.at(-1);
      if (group) group.push(d);
      else groups.push([d]); // an #else with no #if
    } else if (d.directive === 'endif') {
      const group = open.pop();
      if (group) {
        group.push(d);
        // Its own directives count: one inside a kept chunk keeps the rest, so the slice's
        // conditionals pair up as the file's do.
        if (holdsKept(group[0]!.firstLine, d.lastLine)) groups.push(group);
      } else groups.push([d]);
    }
  }
  groups.push(...open); // never closed
  for (const group of groups) for (const d of group) keep.fill(1, d.firstLine, d.lastLine + 1);
}

/**
 * Whether a line from `first` to `last` is kept. Kept lines come in runs (whole chunks): the runs
 * are found with the typed array's own indexOf, and each question is a binary search over them
 * (a loop over every line of every candidate cost a cold scan 15 ms).
 */
function keptRuns(keep: Uint8Array): (first: number, last: number) => boolean {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let a = keep.indexOf(1); a !== -1; ) {
    let b = keep.indexOf(0, a);
    if (b === -1) b = keep.length;
    starts.push(a);
    ends.push(b); // exclusive
    a = keep.indexOf(1, b);
  }
  return (first, last) => {
    // The first run that ends after `first`: kept lines in the range start no later than `last`.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= first) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! <= last;
  };
}

const IDENTIFIER = /[A-Za-z_]\w*/g;

interface Chunk {
  first: number; // first line
  last: number; // last line: the closing `}` line, or the file's last line
}

/** Cuts after every line that starts with a `}` in column 0 that is code (not comment, literal, directive). */
function cutChunks(file: CLexed, preproc: Uint8Array, chunkOfLine: Int32Array): Chunk[] {
  const { text, lineStarts, startsInSpan } = file;
  const chunks: Chunk[] = [];
  const lines = lineStarts.length;
  let first = 0;
  const cut = (l: number) => {
    if (preproc[l] || startsInSpan[l]) return;
    chunkOfLine.fill(chunks.length, first, l + 1);
    chunks.push({ first, last: l });
    first = l + 1;
  };
  if (text.charCodeAt(0) === RBRACE) cut(0);
  for (let at = text.indexOf('\n}'); at !== -1; at = text.indexOf('\n}', at + 1)) cut(lineOf(lineStarts, at + 1));
  if (first < lines) {
    chunkOfLine.fill(chunks.length, first, lines);
    chunks.push({ first, last: lines - 1 });
  }
  return chunks;
}

// The fixed name lists (engine-reach.ts) compile once; a file's own callee names compile per file.
const wordRegexps = new WeakMap<readonly string[], RegExp>();

/** Offsets of each of `names` as a whole identifier outside comments and literals, in one pass. */
function occurrences(file: CLexed, names: readonly string[]): { name: string; at: number }[] {
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
  for (let m = re.exec(file.text); m !== null; m = re.exec(file.text)) if (!inCommentOrLiteral(file, m.index)) found.push({ name: m[0], at: m.index });
  return found;
}

const fieldRegexps = new WeakMap<readonly string[], RegExp>();

/** Offsets of `->NAME` and `.NAME` for each of `fields`, outside comments and literals. */
function fieldAccesses(file: CLexed, fields: readonly string[]): number[] {
  if (fields.length === 0) return [];
  let re = fieldRegexps.get(fields);
  if (!re) {
    const words = [...new Set(fields)].sort((a, b) => b.length - a.length);
    re = new RegExp(`(?:->|\\.)\\s*(?:${words.join('|')})(?![A-Za-z0-9_])`, 'g');
    fieldRegexps.set(fields, re);
  }
  const found: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(file.text); m !== null; m = re.exec(file.text)) if (!inCommentOrLiteral(file, m.index)) found.push(m.index);
  return found;
}

/** Every identifier in a chunk. */
function identifiers(file: CLexed, chunk: Chunk): string[] {
  const { text, lineStarts } = file;
  const end = chunk.last + 1 < lineStarts.length ? lineStarts[chunk.last + 1]! : text.length;
  return text.slice(lineStarts[chunk.first]!, end).match(/[A-Za-z_]\w*/g) ?? [];
}

/** The identifier that ends just before `at` (blanks skipped), or undefined (`)`, `]`, ...). */
function identifierBefore(text: string, at: number): string | undefined {
  let end = at;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  return start < end && !/\d/.test(text[start]!) ? text.slice(start, end) : undefined;
}

const FIELD_AFTER = /(?:->|\.)\s*([A-Za-z_]\w*)/y;

/**
 * The struct fields a chunk names (`->pages`, `.ro`); comments and literals included, to be safe.
 * Each `->` or `.` of the chunk is tried in turn (a sticky match there): a global search from the
 * chunk's start ran on to the next field access, past the chunk's end, so a file of chunks without
 * one cost its length per chunk.
 */
function fieldNames(file: CLexed, chunk: Chunk): string[] {
  const { text, lineStarts } = file;
  const end = chunk.last + 1 < lineStarts.length ? lineStarts[chunk.last + 1]! : text.length;
  const names: string[] = [];
  for (let i = lineStarts[chunk.first]!; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== DOT && !(c === MINUS && text.charCodeAt(i + 1) === GT)) continue;
    FIELD_AFTER.lastIndex = i;
    const m = FIELD_AFTER.exec(text);
    if (m) {
      names.push(m[1]!);
      i += m[0].length - 1;
    }
  }
  return names;
}

/** The offset of the chunk's first `{` that is code (where its function body opens), or -1. */
function firstBrace(file: CLexed, preproc: Uint8Array, chunk: Chunk): number {
  const { text, lineStarts } = file;
  const end = chunk.last + 1 < lineStarts.length ? lineStarts[chunk.last + 1]! : text.length;
  for (let i = text.indexOf('{', lineStarts[chunk.first]!); i !== -1 && i < end; i = text.indexOf('{', i + 1)) {
    if (!preproc[lineOf(lineStarts, i)] && !inCommentOrLiteral(file, i)) return i;
  }
  return -1;
}

/** Whether `(` follows at `after`, past blanks (or a comment, to be safe): a call, or a declaration. */
function isCallAt(text: string, after: number): boolean {
  let i = after;
  for (let c = text.charCodeAt(i); c === SPACE || c === TAB || c === NL || c === CR; c = text.charCodeAt(++i));
  const c = text.charCodeAt(i);
  return c === LPAREN || c === SLASH;
}

/** The line break that ends the line [start, end) ('' for a last line without one). */
function lineBreak(text: string, start: number, end: number): string {
  if (end === start || text.charCodeAt(end - 1) !== NL) return '';
  return end - start > 1 && text.charCodeAt(end - 2) === CR ? '\r\n' : '\n';
}
