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
}

/** A supported range of kernels, both ends included: `6.1..6.12`. */
export interface KernelRange {
  from: string;
  to: string;
}
