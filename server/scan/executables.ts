// Programs pinsight runs (ripgrep, git), found on PATH as the user's shell would, with one
// difference that matters in an untrusted workspace: a relative PATH entry ('.', 'bin') resolves
// against the current directory, where a planted `rg` or `git` must never run, so it is skipped.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The executable `name` in the first absolute PATH entry that has one, or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
