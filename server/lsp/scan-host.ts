// The workspace scan's view of the server: files are parsed, analysed for their own target kernel
// and turned into diagnostics exactly as open documents are.
import type { Diagnostic } from 'vscode-languageserver';
import { mentionsEntryPoint } from '../engine/index.js';
import { definesEntryMacro, mentionsWrapper } from '../engine/wrappers.js';
import { findRipgrep } from '../scan/ripgrep.js';
import type { CParser } from '../engine/parser.js';
import type { Analyzer } from './analysis.js';
import { diagnosticsOf } from './diagnostics.js';
import type { DocumentStore } from './document-store.js';
import type { ScanHost } from './workspace-scan.js';
import { pathToFileURL } from 'node:url';

export interface ScanHostDeps {
  parser: CParser;
  analyzer: Analyzer;
  store: DocumentStore;
  roots: () => readonly string[];
  publish: (uri: string, diagnostics: Diagnostic[]) => void;
}

export function createScanHost({ parser, analyzer, store, roots, publish }: ScanHostDeps): ScanHost {
  return {
    roots,
    ripgrep: findRipgrep(),
    isOpen: (uri) => store.get(uri) !== undefined,
    mayMatter: (text) => mentionsEntryPoint(text) || mentionsWrapper(text, analyzer.index.table) || definesEntryMacro(text),
    moreFiles: () => analyzer.index.callerFiles(),
    analyzeFile(path, text) {
      const tree = parser.parse(text);
      try {
        const uri = pathToFileURL(path).href;
        return diagnosticsOf(analyzer.analyzeText(text, tree, path).findings, uri, analyzer.current);
      } finally {
        tree.delete();
      }
    },
    publish,
  };
}
