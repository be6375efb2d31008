// What a path the user named (or a diff or a build names) is, for the CLI's choices: a path that
// cannot be stat'ed (absent, no permission) is neither.
import { statSync } from 'node:fs';

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
