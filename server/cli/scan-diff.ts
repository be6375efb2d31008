// `pinsight scan --diff`: which files under the PATHs a change touches, and on which lines
// (diff-lines.ts reads the diff). The scan then analyses only those files and keeps the findings on
// those lines.
import { dirname, resolve, sep } from 'node:path';
import { SOURCE_FILE } from '../scan/walk.js';
import type { CliIO } from './command.js';
import { gitDiff, parseUnifiedDiff, resolveTouched } from './diff-lines.js';
import { UsageError } from './usage-error.js';
import { isDirectory, isFile } from './file-kind.js';

/** A patch on stdin larger than this is not one to review. */
const MAX_STDIN_BYTES = 256 * 1024 * 1024;

/**
 * The source files (.c, .h) under the PATHs that a diff touches, with their touched lines: `git diff
 * REV` in the first PATH's repository, or a unified diff on stdin (`-`; paths relative to the current
 * directory, with or without git's a/ b/ prefixes).
 */
export async function touchedUnder(diff: string, paths: readonly string[], io: CliIO): Promise<Map<string, Set<number>>> {
  let touched;
  if (diff === '-') {
    const text = await (io.stdin ?? readProcessStdin)();
    touched = resolveTouched(parseUnifiedDiff(text), io.cwd);
  } else {
    const first = resolve(io.cwd, paths[0]!);
    const { base, diff: text } = gitDiff(isDirectory(first) ? first : dirname(first), diff);
    touched = resolveTouched(parseUnifiedDiff(text), base);
  }
  const roots = paths.map((p) => resolve(io.cwd, p));
  const out = new Map<string, Set<number>>();
  for (const [file, lines] of touched) {
    if (!SOURCE_FILE.test(file) || !isFile(file)) continue;
    if (roots.some((r) => file === r || file.startsWith(r.endsWith(sep) ? r : r + sep))) out.set(file, lines);
  }
  return out;
}



/** Standard input, whole (a patch); at most 256 MiB. */
function readProcessStdin(): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_STDIN_BYTES) {
        process.stdin.destroy();
        fail(new UsageError('--diff -: the diff on stdin is larger than 256 MiB'));
      } else chunks.push(chunk);
    });
    process.stdin.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', (error) => fail(new UsageError(`--diff -: cannot read stdin: ${error.message}`)));
  });
}
