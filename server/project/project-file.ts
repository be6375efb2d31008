// `.pinsight.json`: one project file at the root of a tree or module, read the same way by the CLI
// and the language server. Found by walking up from the scanned path or the document to the nearest
// one (up to the filesystem root). Bad content gives one warning naming the file and what was wrong,
// and the defaults for the bad fields: never a crash.
import { statSync } from 'node:fs';
import { dirname, resolve, join, relative, sep } from 'node:path';
import { compareKernel, normalizeKernel, parseKernelVersion } from '../engine/kernel-version.js';
import type { KernelRange, Severity } from '../engine/types.js';
import { globToRegExp, matchesAny } from './glob.js';
import { parseSeverity, type FindingPolicy } from './policy.js';
import { readSmallFile } from './safe-read.js';

export const PROJECT_FILE_NAME = '.pinsight.json';
/** A project file is a few lines; anything bigger is not one. */
export const MAX_PROJECT_FILE_BYTES = 64 * 1024;

export interface ProjectConfig {
  /** The file, and the directory its globs are relative to. */
  path: string;
  dir: string;
  kernel?: string;
  kernels?: KernelRange;
  disable: string[];
  severity: Record<string, Severity>;
  /** Path globs whose files are not reported. */
  ignore: string[];
  /**
   * Include directories, as written (relative to `dir`): their headers are read for wrappers of
   * entry points (server/index/), never reported. includeDirsOf() resolves them.
   */
  include: string[];
  /** `compileCommands`: the build's compile_commands.json, absolute (given relative to `dir`). */
  compileCommands?: string;
}

export interface ReadProject {
  config: ProjectConfig;
  /** At most one: everything wrong with the file, in one line. */
  warning?: string;
}

const FIELDS = ['$schema', 'kernel', 'kernels', 'disable', 'severity', 'ignore', 'include', 'compileCommands'];

/** Reads and validates one project file; `knownCodes` are the finding codes the engine reports. */
export function readProjectFile(path: string, knownCodes: readonly string[]): ReadProject {
  const config: ProjectConfig = { path, dir: dirname(path), disable: [], severity: {}, ignore: [], include: [] };
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(readSmallFile(path, MAX_PROJECT_FILE_BYTES));
  } catch (error) {
    return { config, warning: `${path}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message}; using the defaults` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { config, warning: `${path}: expected a JSON object; using the defaults` };
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!FIELDS.includes(key)) problems.push(`unknown field "${key}" ignored`);

  if (o.kernel !== undefined) {
    if (typeof o.kernel === 'string' && parseKernelVersion(o.kernel)) config.kernel = normalizeKernel(o.kernel);
    else problems.push(`"kernel": ${JSON.stringify(o.kernel)} is not a kernel version such as "6.1"`);
  }
  if (o.kernels !== undefined) {
    const range = parseKernelRange(o.kernels);
    if (range) config.kernels = range;
    else problems.push(`"kernels": ${JSON.stringify(o.kernels)} is not a range such as "6.1..6.12"`);
  }
  if (o.disable !== undefined) {
    if (!Array.isArray(o.disable) || !o.disable.every((c) => typeof c === 'string')) problems.push('"disable" must be a list of finding codes');
    else {
      const unknown = o.disable.filter((c) => !knownCodes.includes(c));
      if (unknown.length > 0) problems.push(`"disable": unknown finding code(s) ${unknown.join(', ')} (known: ${knownCodes.join(', ')})`);
      config.disable = o.disable.filter((c) => knownCodes.includes(c));
    }
  }
  if (o.severity !== undefined) {
    if (typeof o.severity !== 'object' || o.severity === null || Array.isArray(o.severity)) problems.push('"severity" must map finding codes to error, warning, note or hint');
    else {
      for (const [code, level] of Object.entries(o.severity)) {
        const severity = parseSeverity(level);
        if (!knownCodes.includes(code)) problems.push(`"severity": unknown finding code ${code}`);
        else if (!severity) problems.push(`"severity"."${code}": ${JSON.stringify(level)} is not error, warning, note or hint`);
        else config.severity[code] = severity;
      }
    }
  }
  for (const key of ['ignore', 'include'] as const) {
    if (o[key] === undefined) continue;
    const v = o[key];
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string' && p.length > 0)) problems.push(`"${key}" must be a list of paths`);
    else config[key] = v as string[];
  }
  if (o.compileCommands !== undefined) {
    if (typeof o.compileCommands === 'string' && o.compileCommands.length > 0) config.compileCommands = resolve(config.dir, o.compileCommands);
    else problems.push('"compileCommands" must be the path of a compile_commands.json');
  }
  return { config, warning: problems.length > 0 ? `${path}: ${problems.join('; ')}; using the defaults for those` : undefined };
}

/** The project's include directories, absolute. */
export function includeDirsOf(config: ProjectConfig | undefined): string[] {
  return config ? config.include.map((p) => resolve(config.dir, p)) : [];
}

/** "6.1..6.12" (both ends included, the first not after the second). */
export function parseKernelRange(value: unknown): KernelRange | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([^.\s]+\.[^.\s]+(?:\.[^.\s]+)?)\s*\.\.\s*(\S+)\s*$/.exec(value);
  if (!m || !parseKernelVersion(m[1]!) || !parseKernelVersion(m[2]!)) return undefined;
  const from = normalizeKernel(m[1]!);
  const to = normalizeKernel(m[2]!);
  return compareKernel(from, to) <= 0 ? { from, to } : undefined;
}

/** The finding policy a project file asks for. */
export function projectPolicy(config: ProjectConfig | undefined): FindingPolicy {
  return { disabled: new Set(config?.disable ?? []), severity: config?.severity ?? {} };
}

/** Whether the project file's `ignore` globs cover a file (absolute path). */
export function isIgnored(config: ProjectConfig | undefined, path: string): boolean {
  if (!config || config.ignore.length === 0) return false;
  const rel = relative(config.dir, path);
  if (rel.startsWith('..')) return false;
  return matchesAny(rel.split(sep).join('/'), globsOf(config));
}

const compiled = new WeakMap<ProjectConfig, RegExp[]>();
function globsOf(config: ProjectConfig): RegExp[] {
  let globs = compiled.get(config);
  if (!globs) compiled.set(config, (globs = config.ignore.map(globToRegExp)));
  return globs;
}

/**
 * The project files of many paths, each looked up once per directory. `maxAgeMs` bounds how long
 * an answer is trusted (the language server runs for hours while files change; the CLI, once).
 */
export class ProjectFiles {
  private readonly byDir = new Map<string, { at: number; path: string | undefined }>();
  private readonly read = new Map<string, { at: number; result: ReadProject }>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly knownCodes: readonly string[],
    private readonly onWarning: (warning: string) => void = () => {},
    private readonly maxAgeMs = Infinity,
  ) {}

  /** The project file that governs a file or directory (absolute path), if any. */
  forPath(path: string, isDirectory = false): ProjectConfig | undefined {
    const file = this.find(isDirectory ? path : dirname(path));
    if (!file) return undefined;
    const now = Date.now();
    let entry = this.read.get(file);
    if (!entry || now - entry.at > this.maxAgeMs) {
      entry = { at: now, result: readProjectFile(file, this.knownCodes) };
      this.read.set(file, entry);
    }
    const warning = entry.result.warning;
    if (warning && !this.warned.has(warning)) {
      this.warned.add(warning);
      this.onWarning(warning);
    }
    return entry.result.config;
  }

  /** Forgets every answer (the server's settings changed); a warning already given is not repeated. */
  clear(): void {
    this.byDir.clear();
    this.read.clear();
  }

  private find(dir: string): string | undefined {
    const now = Date.now();
    const seen: string[] = [];
    let found: string | undefined;
    for (let d = dir; ; ) {
      const cached = this.byDir.get(d);
      if (cached && now - cached.at <= this.maxAgeMs) {
        found = cached.path;
        break;
      }
      seen.push(d);
      const candidate = join(d, PROJECT_FILE_NAME);
      if (exists(candidate)) {
        found = candidate;
        break;
      }
      const up = dirname(d);
      if (up === d) break; // the filesystem root
      d = up;
    }
    for (const d of seen) this.byDir.set(d, { at: now, path: found });
    return found;
  }
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // a directory we may not search: as if absent
  }
}
