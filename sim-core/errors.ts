/** Bad input to sim-core (unknown memory kind, flag, behaviour, version): a one-line message listing the valid names. */
export class SimError extends Error {
  override name = 'SimError';
}

/** One-line "unknown X 'y' (valid: a, b, c)" message, the same everywhere. */
export function unknownName(what: string, got: unknown, valid: readonly string[]): SimError {
  return new SimError(`unknown ${what} '${show(got)}' (valid: ${valid.join(', ')})`);
}

/** Any value as text, even one String() throws on (`{ toString: null }`). */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
