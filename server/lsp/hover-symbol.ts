// Hover on a kernel symbol wherever its name stands (call, declaration, definition, comment, macro
// body): version-aware documentation from server/knowledge for the target kernel.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import { describeSymbol, renderSymbolMarkdown } from '../knowledge/index.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lineText } from './request-guards.js';
import { wordAt } from './word-at.js';

/** The documented kernel symbol at `position`, if any. */
export function symbolAt(document: TextDocument, position: { line: number; character: number }) {
  const word = wordAt(lineText(document, position.line), position.character);
  return word && { ...word, line: position.line };
}

export function symbolHover(document: TextDocument, position: { line: number; character: number }, kernel: string, kernelNote: string): Hover | null {
  const word = symbolAt(document, position);
  if (!word) return null;
  const described = describeSymbol(word.word, kernel);
  if (!described) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: `${renderSymbolMarkdown(described)}\n\n_${kernelNote}_` },
    range: { start: { line: word.line, character: word.start }, end: { line: word.line, character: word.end } },
  };
}
