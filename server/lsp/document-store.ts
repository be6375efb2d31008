// The open documents: for each, its text (LSP's TextDocument) and one tree-sitter tree kept current
// by incremental re-parse. Every LSP feature reads documents from here.
//
// The parse is lazy: a change edits the old tree at once (cheap) and the re-parse, incremental on
// that edited tree, waits until something reads `tree`. Most keystrokes need none: in a file whose
// code calls no entry point the analysis is answered from the text (analysis.ts), so typing in
// mm/gup.c costs no parse at all. Several changes before a read are one re-parse.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import type { CParser, Tree } from '../engine/parser.js';
import { treeEditFor, type RangeChange } from './tree-edit.js';
import { malformedChanges } from './content-change.js';

export interface OpenDocument {
  uri: string;
  /** File-system path for file: URIs (kernel-version detection, workspace membership). */
  path: string | undefined;
  document: TextDocument;
  /** The syntax tree of `document`'s text, parsed (incrementally) on first read after a change. */
  readonly tree: Tree;
  /** Frees the tree (a document too large to analyse); the next read of `tree` parses afresh. */
  dropTree(): void;
}

export type ContentChange = RangeChange | { text: string };

class LiveDocument implements OpenDocument {
  readonly path: string | undefined;
  /** The last tree parsed, with every change since `edit`ed into it; none after a full-text change. */
  private parsed: Tree | undefined;
  private stale = true;

  constructor(
    private readonly parser: CParser,
    readonly uri: string,
    public document: TextDocument,
  ) {
    this.path = pathOf(uri);
  }

  get tree(): Tree {
    if (!this.stale && this.parsed) return this.parsed;
    const old = this.parsed;
    this.parsed = this.parser.parse(this.document.getText(), old ?? null);
    old?.delete();
    this.stale = false;
    return this.parsed;
  }

  /** One change against the current document: the old tree is edited, or dropped for a full text. */
  apply(change: ContentChange, version: number): void {
    if ('range' in change && change.range) this.parsed?.edit(treeEditFor(this.document, change));
    else this.dropTree();
    this.document = TextDocument.update(this.document, [change], version);
    this.stale = true;
  }

  dropTree(): void {
    this.parsed?.delete();
    this.parsed = undefined;
    this.stale = true;
  }
}

export class DocumentStore {
  private readonly docs = new Map<string, LiveDocument>();

  constructor(private readonly parser: CParser) {}

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const doc = new LiveDocument(this.parser, uri, TextDocument.create(uri, languageId, version, text));
    this.docs.set(uri, doc);
    return doc;
  }

  /**
   * Applies LSP content changes in order. Each range change edits the old tree, so the next parse
   * re-parses only what changed; a full-text change drops the old tree.
   */
  change(uri: string, version: number, changes: readonly ContentChange[]): OpenDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    // All or nothing: a bad change after good ones would leave the text changed and the tree not.
    const malformed = malformedChanges(changes);
    if (malformed) throw new Error(`didChange of ${uri} ignored: ${malformed}`);
    const before = doc.document;
    try {
      for (const change of changes) doc.apply(change, version);
    } catch (error) {
      // Never text and tree apart: back to the old text, and a fresh parse when the tree is next read.
      doc.document = before;
      doc.dropTree();
      throw error;
    }
    return doc;
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.dropTree();
    this.docs.delete(uri);
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}

export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
