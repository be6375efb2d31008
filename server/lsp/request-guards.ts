// Checks on request parameters that turn a bad request into an LSP error (InvalidParams) instead
// of an exception deep inside a feature. The server stays up either way.
import { ErrorCodes, ResponseError, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentStore, OpenDocument } from './document-store.js';

export function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The open document named by `params.textDocument.uri`, or an InvalidParams error. */
export function requireDocument(store: DocumentStore, params: unknown): OpenDocument {
  const uri = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
  if (typeof uri !== 'string') throw invalidParams('textDocument.uri is missing');
  const doc = store.get(uri);
  if (!doc) throw invalidParams(`unknown document ${uri}: pinsight answers only for documents opened with textDocument/didOpen`);
  return doc;
}

/** `params[key]` as a position inside `document`, or an InvalidParams error. */
export function requirePosition(document: TextDocument, value: unknown, key = 'position'): Position {
  const p = value as Partial<Position> | undefined;
  if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line! < 0 || p.character! < 0) {
    throw invalidParams(`${key} must be {line, character} with non-negative integers`);
  }
  if (p.line! >= document.lineCount) {
    throw invalidParams(`${key} line ${p.line} is past the end of the document (${document.lineCount} lines)`);
  }
  const lineLength = lineText(document, p.line!).length;
  if (p.character! > lineLength) {
    throw invalidParams(`${key} character ${p.character} is past the end of line ${p.line} (${lineLength} characters)`);
  }
  return { line: p.line!, character: p.character! };
}

/** `params.range` with both ends inside `document`, or an InvalidParams error. */
export function requireRange(document: TextDocument, value: unknown): { start: Position; end: Position } {
  const r = value as { start?: unknown; end?: unknown } | undefined;
  if (!r) throw invalidParams('range is missing');
  const start = requirePosition(document, r.start, 'range.start');
  const end = requirePosition(document, r.end, 'range.end');
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) {
    throw invalidParams('range.start is after range.end');
  }
  return { start, end };
}

/** The text of one line without its line break. */
export function lineText(document: TextDocument, line: number): string {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$|\r$/, '');
}
