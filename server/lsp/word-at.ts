// The C identifier under the cursor, read from the line's text rather than the tree: names stand in
// comments, macro bodies and ERROR regions too, where the tree has no identifier node.
export interface WordAt {
  word: string;
  start: number;
  end: number;
}

const IDENT = /[A-Za-z0-9_]/;

/** The identifier that `character` touches in `line` (at its start, inside, or just after its end). */
export function wordAt(line: string, character: number): WordAt | undefined {
  let start = Math.min(character, line.length);
  if ((start === line.length || !IDENT.test(line[start]!)) && start > 0 && IDENT.test(line[start - 1]!)) start--;
  if (start >= line.length || !IDENT.test(line[start]!)) return undefined;
  while (start > 0 && IDENT.test(line[start - 1]!)) start--;
  let end = start;
  while (end < line.length && IDENT.test(line[end]!)) end++;
  const word = line.slice(start, end);
  if (/^[0-9]/.test(word)) return undefined;
  return { word, start, end };
}
