// What `pinsight scan` takes from the build (server/project/file-facts.ts): the macro facts of each
// file a compile_commands.json lists under the PATHs, and the kernel its version.h names.
import { resolve } from 'node:path';
import type { MacroFacts } from '../engine/macro-facts.js';
import { macroFactsFor } from '../project/build-facts.js';
import type { BuildFactsLookup } from '../project/file-facts.js';
import { displayPath } from './scan-report.js';
import { isDirectory } from './file-kind.js';

/** The build's macro facts of every file a compile_commands.json lists under the PATHs (build-facts.ts). */
export function macrosUnder(paths: readonly string[], cwd: string, kernel: string, build: BuildFactsLookup): Record<string, MacroFacts> | undefined {
  const out: Record<string, MacroFacts> = {};
  let any = false;
  for (const p of paths) {
    const path = resolve(cwd, p);
    for (const [file, facts] of build.factsUnder(path, isDirectory(path))) {
      out[file] = macroFactsFor(facts, kernel);
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The kernel a compile_commands.json's files are built against (their version.h), if it says. */
export function kernelOfBuild(path: string, build: BuildFactsLookup, cwd: string): { version: string; source: string } | undefined {
  for (const [, facts] of build.factsUnder(path, isDirectory(path))) {
    if (facts.kernelVersion) return { version: facts.kernelVersion.version, source: displayPath(facts.kernelVersion.file, cwd) };
  }
  return undefined;
}

