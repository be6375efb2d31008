// Fix safety over a whole kernel tree: copies the tree, runs `pinsight scan --fix` on the copy (the
// CLI, as a user would), then checks every file it changed against the original:
// - it re-parses with no more ERROR/MISSING nodes than before;
// - its brackets ( [ { balance as before;
// - only the intended lines changed: replaying the fix passes in-process (the same preferred
//   edits scan --fix takes), every line outside a pass's edit ranges is kept, and the replay ends
//   on the very text the CLI wrote;
// - a second `scan --fix` changes nothing;
// - it has no more findings of warning severity or above, per finding code, than before: a fix
//   never leaves a problem the code did not have (the advice is right on the tree's own kernel).
// Files it did not change must be byte-identical to the original.
// usage: npm run fuzz -- --fix-safety [--tree DIR] [--force-flags]   (default: the cached linux-source-6.1)
// --force-flags first turns every FOLL_WRITE of a GUP caller into FOLL_WRITE | FOLL_FORCE, so the
// fixes run on every pinning call of the tree that passes FOLL_WRITE, not only the dozen the tree has.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { preferredEdits } from '../../server/cli/scan.js';
import { analyzeFile, applyEdits, type AnalyzeOptions } from '../../server/engine/index.js';
import { indexAnalysis } from '../../server/index/analyse.js';
import { indexTree } from '../../server/index/tree-sources.js';
import { loadCParser, type CParser } from '../../server/engine/parser.js';
import { countParseErrors } from '../../server/engine/scratch-parser.js';
import { kernelTrees } from './corpus.js';

export interface FixSafetyReport {
  tree: string;
  kernel: string;
  files: number;
  changedFiles: number;
  fixedFindings: string;
  problems: string[];
  secondRunChanged: number;
  seconds: { copy: number; fix: number; check: number; second: number };
}

const MAX_FIX_PASSES = 5;

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(path);
    else if (e.isFile() && /\.[ch]$/.test(e.name)) yield path;
  }
}

function balance(text: string): string {
  return ['()', '[]', '{}'].map(([o, c]) => text.split(o!).length - text.split(c!).length).join(',');
}

function parseErrors(parser: CParser, text: string): number {
  const tree = parser.parse(text);
  try {
    return countParseErrors(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Replays scan --fix's passes on `text`; returns the problems with lines changed outside the edits, and the final text. */
function replay(parser: CParser, path: string, text: string, options: AnalyzeOptions): { text: string; problems: string[] } {
  const problems: string[] = [];
  let analysis = analyzeFile(parser, path, text, options);
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const { edits, count } = preferredEdits(analysis);
    if (count === 0) break;
    const next = applyEdits(text, edits);
    const touched = new Set(edits.flatMap((e) => Array.from({ length: e.range.end.row - e.range.start.row + 1 }, (_, i) => e.range.start.row + i)));
    // Lines before the first touched row are at the same rows; lines after the last one keep
    // their order: check each untouched line is still there, in order.
    const nextLines = next.split('\n');
    let at = 0;
    for (const [row, line] of text.split('\n').entries()) {
      if (touched.has(row)) continue;
      while (at < nextLines.length && nextLines[at] !== line) at++;
      if (at === nextLines.length) {
        problems.push(`pass ${pass + 1}: line ${row + 1} changed though no edit covers it: ${JSON.stringify(line.slice(0, 80))}`);
        break;
      }
      at++;
    }
    text = next;
    analysis = analyzeFile(parser, path, text, options);
  }
  return { text, problems };
}

/** Findings of warning severity or above, per code. */
function warningCounts(analysis: { findings: { code: string; severity: string }[] }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of analysis.findings) if (f.severity === 'error' || f.severity === 'warning') counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return counts;
}

function copyTree(from: string, to: string): void {
  const cp = spawnSync('cp', ['-a', from, to]);
  if (cp.status !== 0) throw new Error(`cp failed: ${cp.stderr}`);
}

/** Every FOLL_WRITE in the files that call GUP becomes `FOLL_WRITE | FOLL_FORCE`: the 6.1 driver idiom everywhere. */
function forceFlags(dir: string): number {
  let files = 0;
  for (const path of sourceFiles(dir)) {
    const text = readFileSync(path, 'latin1');
    if (!/\b(?:get|pin)_user_pages\w*\s*\(/.test(text) || !text.includes('FOLL_WRITE')) continue;
    writeFileSync(path, text.replace(/\bFOLL_WRITE\b/g, 'FOLL_WRITE | FOLL_FORCE'), 'latin1');
    files++;
  }
  return files;
}

export async function fixSafety(given: string, cli: string, log: (s: string) => void, options: { force?: boolean } = {}): Promise<FixSafetyReport> {
  const parser = await loadCParser();
  const work = mkdtempSync(join(tmpdir(), 'pinsight-fix-safety-'));
  const copy = join(work, 'tree');
  const seconds = { copy: 0, fix: 0, check: 0, second: 0 };
  let tree = given;
  try {
    let t = performance.now();
    if (options.force) {
      // The reference is then a forced copy, and the fixes run on a copy of that.
      tree = join(work, 'forced');
      log(`fix-safety: copying ${given} to ${tree} and forcing FOLL_FORCE beside every FOLL_WRITE of a GUP caller`);
      copyTree(given, tree);
      log(`fix-safety: ${forceFlags(tree)} files forced`);
    }
    log(`fix-safety: copying ${tree} to ${copy}`);
    copyTree(tree, copy);
    seconds.copy = (performance.now() - t) / 1000;

    t = performance.now();
    log('fix-safety: pinsight scan --fix on the copy');
    const first = spawnSync(process.execPath, [cli, 'scan', '--fix', copy], { encoding: 'utf8', maxBuffer: 1 << 30 });
    seconds.fix = (performance.now() - t) / 1000;
    const problems: string[] = [];
    if (first.status !== 0 && first.status !== 1) problems.push(`scan --fix exited ${first.status}: ${first.stderr.split('\n')[0]}`);
    const kernel = /pinsight: Linux (\S+)/.exec(first.stdout)?.[1] ?? '6.1';
    const fixedFindings = /pinsight: fixed .*/.exec(first.stdout)?.[0] ?? '(no fix line)';
    for (const line of first.stderr.split('\n').filter(Boolean)) problems.push(`scan --fix said: ${line}`);

    t = performance.now();
    log('fix-safety: comparing every source file with the original');
    // The calls the scan saw through the tree's own wrappers (get_vaddr_frames() in 5.10's
    // mm/frame_vector.c passes its gup_flags on): the replay reads the tree with the same index.
    const { index } = await indexTree({ dirs: [tree], files: [] }, [], indexAnalysis(parser, () => kernel));
    const analyzeOptions: AnalyzeOptions = { kernel, wrappers: index.table };
    let files = 0;
    const changed: string[] = [];
    for (const path of sourceFiles(copy)) {
      files++;
      const rel = relative(copy, path);
      const original = readFileSync(join(tree, rel));
      const now = readFileSync(path);
      if (!original.equals(now)) changed.push(rel);
      else if (statSync(path).mode !== statSync(join(tree, rel)).mode) problems.push(`${rel}: mode changed`);
    }
    for (const rel of changed) {
      const before = readFileSync(join(tree, rel), 'utf8');
      const after = readFileSync(join(copy, rel), 'utf8');
      const errorsBefore = parseErrors(parser, before);
      const errorsAfter = parseErrors(parser, after);
      if (errorsAfter > errorsBefore) problems.push(`${rel}: parse errors ${errorsBefore} -> ${errorsAfter}`);
      if (balance(before) !== balance(after)) problems.push(`${rel}: bracket balance ${balance(before)} -> ${balance(after)}`);
      const replayed = replay(parser, join(copy, rel), before, analyzeOptions);
      problems.push(...replayed.problems.map((p) => `${rel}: ${p}`));
      if (replayed.text !== after) problems.push(`${rel}: the file on disk is not what the fix passes give`);
      const had = warningCounts(analyzeFile(parser, join(tree, rel), before, analyzeOptions));
      for (const [code, n] of warningCounts(analyzeFile(parser, join(copy, rel), after, analyzeOptions))) {
        if (n > (had.get(code) ?? 0)) problems.push(`${rel}: ${n} ${code} finding(s) of warning severity or above after the fix, ${had.get(code) ?? 0} before`);
      }
      if (statSync(join(copy, rel)).mode !== statSync(join(tree, rel)).mode) problems.push(`${rel}: mode changed`);
    }
    seconds.check = (performance.now() - t) / 1000;

    t = performance.now();
    log('fix-safety: a second scan --fix must change nothing');
    const snapshot = new Map(changed.map((rel) => [rel, readFileSync(join(copy, rel))]));
    const second = spawnSync(process.execPath, [cli, 'scan', '--fix', copy], { encoding: 'utf8', maxBuffer: 1 << 30 });
    seconds.second = (performance.now() - t) / 1000;
    const again = /pinsight: fixed (\d+) finding\(s\) in (\d+) file\(s\)/.exec(second.stdout);
    const secondRunChanged = again ? Number(again[2]) : -1;
    if (secondRunChanged !== 0) problems.push(`the second run: ${again?.[0] ?? second.stdout.split('\n').slice(-3).join(' ')}`);
    for (const [rel, bytes] of snapshot) if (!readFileSync(join(copy, rel)).equals(bytes)) problems.push(`${rel}: changed again by the second run`);
    return { tree: options.force ? `${given} (forced)` : given, kernel, files, changedFiles: changed.length, fixedFindings, problems, secondRunChanged, seconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function defaultFixSafetyTree(): string | undefined {
  return kernelTrees().find((t) => t.endsWith('linux-source-6.1'));
}

export function fixSafetyAvailable(tree: string | undefined): tree is string {
  return tree !== undefined && existsSync(join(tree, 'Makefile'));
}
