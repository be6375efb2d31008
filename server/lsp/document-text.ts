// pinsight/documentText: the text and version the server holds for an open document, and whether
// its incrementally re-parsed tree is the tree a fresh parse of that text gives. For tests (after a
// flood of incremental changes, the server's view must still be the client's) and for clients that
// want to check their view agrees with the server's.
import type { Connection } from 'vscode-languageserver';
import type { CParser } from '../engine/parser.js';
import type { DocumentStore } from './document-store.js';
import { requireDocument } from './request-guards.js';

export const DOCUMENT_TEXT_REQUEST = 'pinsight/documentText';

export interface DocumentTextResult {
  uri: string;
  version: number;
  text: string;
  /** The document's tree, printed as an S-expression, equals a fresh parse's. */
  treeMatchesText: boolean;
}

export function registerDocumentText(connection: Connection, store: () => DocumentStore, parser: Promise<CParser>): void {
  connection.onRequest(DOCUMENT_TEXT_REQUEST, async (params: unknown): Promise<DocumentTextResult> => {
    const doc = requireDocument(store(), params);
    const text = doc.document.getText();
    const fresh = (await parser).parse(text);
    try {
      return { uri: doc.uri, version: doc.document.version, text, treeMatchesText: sameTree(doc.tree.rootNode, fresh.rootNode) };
    } finally {
      fresh.delete();
    }
  });
}

/** Same node types, ranges and shape, compared with cursors (no recursion: trees can be deep). */
function sameTree(a: import('../engine/parser.js').SyntaxNode, b: import('../engine/parser.js').SyntaxNode): boolean {
  const x = a.walk();
  const y = b.walk();
  try {
    for (;;) {
      if (x.nodeType !== y.nodeType || x.startIndex !== y.startIndex || x.endIndex !== y.endIndex || x.currentNode.isMissing !== y.currentNode.isMissing) return false;
      const down = x.gotoFirstChild();
      if (down !== y.gotoFirstChild()) return false;
      if (down) continue;
      for (;;) {
        const next = x.gotoNextSibling();
        if (next !== y.gotoNextSibling()) return false;
        if (next) break;
        const up = x.gotoParent();
        if (up !== y.gotoParent()) return false;
        if (!up) return true;
      }
    }
  } finally {
    x.delete();
    y.delete();
  }
}
