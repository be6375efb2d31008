// Patch mode (`pinsight scan --diff REV`, `--diff -`): the lines a change touches, so that only the
// findings on them are reported, as checkpatch reports on what a patch adds. The change is read as a
// unified diff (`git diff REV` in the scanned tree, or a diff on stdin) whose new side is the files
// as they are now: apply a mailed patch before scanning it. A finding counts as touched when its
// range, or one of its related locations (the `flags |= FOLL_FORCE` line that reaches a call), is
// on an added line, or next to where lines were removed.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Finding } from '../engine/types.js';
import { UsageError } from './usage-error.js';
import { findExecutable } from '../scan/executables.js';
import { isFile } from './file-kind.js';

/** Touched 1-based line numbers of the new side, per path as the diff names it. */
export type TouchedLines = Map<string, Set<number>>;

/** A diff bigger than this is not a patch to review line by line. */
const MAX_DIFF_BYTES = 256 * 1024 * 1024;

/** Reads a unified diff (git's, or diff -u's): the new file's path and its added lines per hunk. */
export function parseUnifiedDiff(text: string): TouchedLines {
  const touched: TouchedLines = new Map();
  let lines: Set<number> | undefined;
  let next = 0; // the new side's line number of the next ' ' or '+' line
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of text.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      // Inside a hunk: count lines until both sides are done.
      if (line.startsWith('+')) {
        lines?.add(next++);
        newLeft--;
      } else if (line.startsWith('-')) {
        // Lines removed before `next`: the lines either side of the gap are touched.
        lines?.add(next - 1).add(next);
        oldLeft--;
      } else if (line.startsWith(' ') || line === '') {
        next++;
        oldLeft--;
        newLeft--;
      } else if (line.startsWith('\\')) {
        // "\ No newline at end of file"
      } else {
        oldLeft = newLeft = 0;
      }
      continue;
    }
    if (line.startsWith('+++ ')) {
      const path = diffPath(line.slice(4));
      lines = path === undefined ? undefined : touched.get(path) ?? new Set();
      if (path !== undefined && lines) touched.set(path, lines);
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      next = Number(hunk[2]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      // `+N,0`: nothing added; the removed lines sat after line N.
      if (newLeft === 0) next++;
    }
  }
  for (const set of touched.values()) set.delete(0);
  return touched;
}

/** "b/drivers/x.c" or "drivers/x.c\t2024-..." -> the path; /dev/null (a deleted file) -> undefined. */
function diffPath(raw: string): string | undefined {
  let path = raw.replace(/\t.*$/, '').trim();
  if (path.startsWith('"') && path.endsWith('"')) path = path.slice(1, -1).replace(/\\(.)/g, '$1');
  return path === '/dev/null' ? undefined : path;
}

/** The git executable on PATH (absolute entries only: a `git` in an untrusted tree must never run). */
export function findGit(path = process.env.PATH ?? ''): string | undefined {
  return findExecutable('git', path);
}

/** `git diff REV` in `dir`'s repository, paths relative to its top level; the top level and the diff. */
export function gitDiff(dir: string, rev: string): { base: string; diff: string } {
  if (rev.startsWith('-')) throw new UsageError(`--diff: '${rev}' is not a revision`);
  const git = findGit();
  if (!git) throw new UsageError('--diff REV needs git on PATH (or pass a unified diff on stdin with --diff -)');
  // What a repository's own configuration could make git run is turned off: an fsmonitor hook, an
  // external diff, textconv filters (.gitattributes). No shell; the revision is one argument.
  const run = (args: string[]) => {
    try {
      return execFileSync(git, ['-c', 'core.fsmonitor=false', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: MAX_DIFF_BYTES, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_EXTERNAL_DIFF: '', GIT_PAGER: 'cat' } });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0];
      throw new UsageError(`--diff ${rev}: git ${args[0]} failed in ${dir}${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const base = run(['rev-parse', '--show-toplevel']).trim();
  // --no-ext-diff and --no-color: the plain format whatever the user's configuration; -U0: touched lines only.
  const diff = run(['diff', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', '-U0', rev, '--']);
  return { base, diff };
}

/** The diff's files, resolved: against `base`, trying without git's a/ b/ prefixes first. */
export function resolveTouched(touched: TouchedLines, base: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [path, lines] of touched) {
    const stripped = /^[ab]\//.test(path) ? resolve(base, path.slice(2)) : undefined;
    const file = stripped && isFile(stripped) ? stripped : resolve(base, path);
    const had = out.get(file);
    if (had) for (const l of lines) had.add(l);
    else out.set(file, new Set(lines));
  }
  return out;
}


/** Whether a finding's range or one of its related locations is on a touched line (1-based). */
export function findingTouched(finding: Finding, lines: ReadonlySet<number>): boolean {
  const within = (start: number, end: number) => {
    for (let l = start + 1; l <= end + 1; l++) if (lines.has(l)) return true;
    return false;
  };
  if (within(finding.range.start.row, finding.range.end.row)) return true;
  return finding.related.some((r) => within(r.range.start.row, r.range.end.row));
}
