/** Bad input to sim-core (unknown memory kind, flag, behaviour, version): a one-line message listing the valid names. */
export class SimError extends Error {
  override name = 'SimError';
}

/** One-line "unknown X 'y' (valid: a, b, c)" message, the same everywhere. */
export function unknownName(what: string, got: string, valid: readonly string[]): SimError {
  return new SimError(`unknown ${what} '${got}' (valid: ${valid.join(', ')})`);
}
