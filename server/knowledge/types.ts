// The shape of the kernel-symbol documentation behind hovers (and anything else that explains a
// kernel name). Plain data: no editor, no LSP, no engine.

/** Where a fact was read: a kernel file and the function, macro or enum that holds it. */
export interface KernelRef {
  file: string;
  symbol: string;
  /** Which of the two kernel trees it was read in (Debian's 6.1 or 6.12 source). */
  readIn: '6.1' | '6.12';
}

/**
 * What a symbol is and does over a range of kernel versions: `from` inclusive, `until` exclusive,
 * either open. Eras of one symbol do not overlap.
 */
export interface Era {
  from?: string;
  until?: string;
  /** The symbol does not exist in this range. */
  absent?: boolean;
  text: string;
  refs: KernelRef[];
}

/** A change to the symbol in one kernel release. */
export interface Change {
  version: string;
  text: string;
  /** False when the release number is recalled rather than read in a commit or a tree. */
  verified: boolean;
}

export type SymbolKind = 'gup-flag' | 'entry-point' | 'mm-function' | 'fault-flag';

export interface SymbolDoc {
  name: string;
  kind: SymbolKind;
  /** One or two sentences that hold on every kernel. */
  summary: string;
  eras: Era[];
  changes: Change[];
}
