// The open documents: for each, its text (LSP's TextDocument) and one tree-sitter tree kept current
// by incremental re-parse. Every LSP feature reads documents from here.
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
  tree: Tree;
}

export type ContentChange = RangeChange | { text: string };

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(private readonly parser: CParser) {}

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const doc: OpenDocument = {
      uri,
      path: pathOf(uri),
      document: TextDocument.create(uri, languageId, version, text),
      tree: this.parser.parse(text),
    };
    this.docs.set(uri, doc);
    return doc;
  }

  /**
   * Applies LSP content changes in order. Each range change edits the old tree; the document is
   * parsed once at the end with the edited tree, so tree-sitter re-parses only what changed.
   * A full-text change drops the old tree.
   */
  change(uri: string, version: number, changes: readonly ContentChange[]): OpenDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    // All or nothing: a bad change after good ones would leave the text changed and the tree not.
    const malformed = malformedChanges(changes);
    if (malformed) throw new Error(`didChange of ${uri} ignored: ${malformed}`);
    let document = doc.document;
    let reuse = true;
    for (const change of changes) {
      if ('range' in change && change.range) {
        if (reuse) doc.tree.edit(treeEditFor(document, change));
      } else {
        reuse = false;
      }
      document = TextDocument.update(document, [change], version);
    }
    const old = doc.tree;
    doc.tree = this.parser.parse(document.getText(), reuse ? old : null);
    old.delete();
    doc.document = document;
    return doc;
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.tree.delete();
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
