// The engine's output: what the CLI prints and what the language server turns into diagnostics,
// hovers and code actions. Positions are 0-based rows and UTF-16 columns (tree-sitter's and
// LSP's convention); the CLI adds 1 to lines and columns when it prints them.

export interface Position {
  row: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One replacement in the analysed text: minimal, never a reformat. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** Where one flag of a flag set came from, e.g. the `flags |= FOLL_FORCE;` line. */
export interface FlagOrigin {
  flag: string;
  range: Range;
  /** The source line, trimmed, for messages ("gup_flags |= FOLL_FORCE;"). */
  text: string;
  /**
   * Set when the flag is written in another file of the project (inside a wrapper the call goes
   * through, server/engine/wrappers.ts): `range` is then in that file. As given to the analysis.
   */
  path?: string;
}

/** One set of FOLL_* flags that can reach a call along one path through the caller. */
export interface FlagSet {
  /** The caller's FOLL_* flags, sorted. `[]` for a literal 0. */
  flags: string[];
  /** Sub-expressions that could not be resolved (a struct field, a parameter from another file). */
  unknown: string[];
  origins: FlagOrigin[];
  /** A readable condition for the path, e.g. "if (writable)" / "else"; absent on straight-line code. */
  path?: string;
}

export type EntryFamily = 'gup' | 'pup' | 'debugger';

/** A GUP/PUP call in the source. */
export interface CallSite {
  callee: string;
  family: EntryFamily;
  /** The callee's name token. */
  range: Range;
  /** The whole call expression. */
  callRange: Range;
  /** The flags argument, when the call has one (get_user_pages_fast's `gup_flags`, ...). */
  flagsArgRange?: Range;
  /** The enclosing function's name, if any. */
  function?: string;
  /**
   * The wrappers the call goes through, outermost first, when it calls the entry point through
   * macros or functions of the project (`DRV_PIN_USER_PAGES(...)`): `callee` stays the entry point.
   */
  via?: string[];
  flagSets: FlagSet[];
  /** Flags the entry point adds itself (FOLL_PIN, FOLL_GET, FOLL_TOUCH, ...) on the target kernel. */
  impliedFlags: string[];
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Fix {
  title: string;
  /** The upstream-style fix, applied by `scan --fix` and offered first in the editor. */
  preferred: boolean;
  edits: TextEdit[];
}

export interface RelatedInformation {
  range: Range;
  message: string;
}

export interface Finding {
  /** Stable code, a public interface: `foll-force-misuse`, `longterm-readonly`, ... */
  code: string;
  severity: Severity;
  range: Range;
  message: string;
  /** Kernel documentation or commit that explains the finding. */
  link: string;
  related: RelatedInformation[];
  fixes: Fix[];
  /**
   * Line-independent identity of the finding within its file (server/engine/fingerprint.ts); the
   * views add the file's path for SARIF partialFingerprints and baselines.
   */
  fingerprint?: string;
  /** Set when a `pinsight: ignore[...]` comment or a baseline silences the finding. */
  suppressed?: Suppression;
  /** A `pinsight: ignore[...]` comment for this finding that does not apply (it gives no reason). */
  ignoredSuppression?: { line: number; message: string };
  /**
   * Set when the project declares the kernels it supports: on which of them the finding holds
   * ("holds before 6.2; not from 6.2"), server/engine/kernel-range.ts.
   */
  onKernels?: { range: KernelRange; holds: string };
}

export interface Suppression {
  kind: 'inline' | 'baseline';
  /** The comment's reason (inline), or the baseline file's path (baseline). */
  reason: string;
  /** 1-based line of the comment (inline). */
  line?: number;
}

export interface FileAnalysis {
  calls: CallSite[];
  findings: Finding[];
  /** The kernel version the analysis targeted ("6.1", "6.12", ...). */
  kernel?: string;
  /** The range of kernels the project supports (`.pinsight.json`'s `kernels`), when given. */
  kernels?: KernelRange;
  /** Why the file was not analysed (input nested deeper than any real code), when it was not. */
  skipped?: string;
  /**
   * The wrappers this file defines (macros and functions that pass a flags argument on to an entry
   * point), for the project index; asked for with AnalyzeOptions.collectWrappers.
   */
  wrappers?: WrapperDef[];
}

/**
 * A call of a wrapper function in another file of the project, as the project index knows it: the
 * flag sets that reach the wrapper's entry call from there (the caller's and the wrapper's own).
 */
export interface CrossFileCaller {
  path: string;
  function?: string;
  line: number;
  flagSets: FlagSet[];
}

/** A flag a wrapper adds itself, where it is written in the wrapper's file. */
export interface WrapperFlag {
  flag: string;
  range: Range;
  text: string;
  /** Set when the flag is written in yet another file (a wrapper of a wrapper). */
  path?: string;
  /** The flag is written at an entry call of a function the analysis lists in its own file. */
  listedThere?: boolean;
}

/** One path through a wrapper to its entry-point call. */
export interface WrapperFlagPath {
  /** Flags the wrapper adds on this path. */
  flags: WrapperFlag[];
  /** The wrapper's parameter whose flags reach the entry point's, when one does. */
  fromParam?: number;
  /** What the wrapper adds that could not be resolved. */
  unknown: string[];
  /** The path's conditions inside the wrapper ("#ifdef X", "if (ro)"). */
  path?: string;
}

/**
 * A macro or function of the project that calls an entry point with flags its caller passes
 * (a compat header's `#define DRV_PIN_USER_PAGES(a, n, f, p) pin_user_pages(a, n, f, p, NULL)`,
 * a `static inline` in a header, a non-static function in another .c file). Plain data: the
 * project index keeps, caches and sends it between threads.
 */
export interface WrapperDef {
  name: string;
  kind: 'macro' | 'alias' | 'function';
  /** The file that defines it (as given to the analysis) and the 1-based line. */
  path: string;
  line: number;
  /** Its parameter count (an alias takes the entry point's arguments as they are). */
  arity?: number;
  /** The entry point it calls, and the wrappers in between (a wrapper of a wrapper). */
  entry: string;
  via: string[];
  /** How many arguments it passes the entry point (which signature it uses). */
  entryArgs: number;
  /** For each of the entry point's arguments, the wrapper's parameter passed through as it is. */
  argMap: (number | null)[];
  flagPaths: WrapperFlagPath[];
  /** The conditional arm it is defined in, when the target kernel does not decide it ("#ifdef X"). */
  arm?: string;
}

/** A supported range of kernels, both ends included: `6.1..6.12`. */
export interface KernelRange {
  from: string;
  to: string;
}
