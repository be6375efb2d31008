// What a didChange notification's contentChanges must look like before the document store applies
// any of them. A notification cannot be answered with an error, so a malformed one is refused as a
// whole: applying the good changes before a bad one would leave the text changed and the tree not.
// Positions past the end of a line or of the document are fine (LSP clamps them); negative,
// fractional or non-numeric ones are not.

/** Why `changes` is not a list of LSP content changes, or undefined when it is one. */
export function malformedChanges(changes: unknown): string | undefined {
  if (!Array.isArray(changes)) return 'contentChanges is not an array';
  for (let i = 0; i < changes.length; i++) {
    const why = malformedChange(changes[i]);
    if (why) return `change ${i}: ${why}`;
  }
  return undefined;
}

function malformedChange(change: unknown): string | undefined {
  if (typeof change !== 'object' || change === null) return 'not an object';
  const c = change as { text?: unknown; range?: unknown; rangeLength?: unknown };
  if (typeof c.text !== 'string') return 'text is not a string';
  if (c.rangeLength !== undefined && typeof c.rangeLength !== 'number') return 'rangeLength is not a number';
  if (c.range === undefined) return c.rangeLength === undefined ? undefined : 'rangeLength without a range';
  const range = c.range as { start?: unknown; end?: unknown } | null;
  if (typeof range !== 'object' || range === null) return 'range is not an object';
  if (!isPosition(range.start)) return 'range.start is not {line, character} with non-negative integers';
  if (!isPosition(range.end)) return 'range.end is not {line, character} with non-negative integers';
  return undefined;
}

function isPosition(value: unknown): boolean {
  const p = value as { line?: unknown; character?: unknown } | null | undefined;
  return !!p && Number.isSafeInteger(p.line) && Number.isSafeInteger(p.character) && (p.line as number) >= 0 && (p.character as number) >= 0;
}
