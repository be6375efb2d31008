// Every `pinsight.*` setting in one schema: its default, what it accepts, and why. A bad value is
// reported as a warning and replaced by its default, so no setting can crash the server.
// package.json's `contributes.configuration` mirrors this table (test/lsp/settings.test.ts checks it).
import type { Severity } from '../engine/types.js';
import { normalizeKernel } from '../engine/kernel-version.js';
import { isKernelVersion } from '../knowledge/version.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export interface Settings {
  /** Target kernel: "auto" (from the tree's top Makefile) or a version such as "6.1". */
  kernel: string;
  /** Finding codes that are not reported. */
  disabledFindings: string[];
  /** Per-code severity overrides. */
  severity: Record<string, Severity>;
  /** Scan the whole workspace at start-up so the Problems panel covers files not open. */
  scanOnStartup: boolean;
  /**
   * The largest document, in MB (10^6 characters), the editor analyses. A larger one is not parsed:
   * its tree alone would take some 45 bytes of memory per character (a 20 MB file, 0.9 GB), and each
   * analysis seconds of a thread that every other request waits for. `pinsight scan` reads any size.
   */
  maxFileSizeMB: number;
  /**
   * Directories (absolute, or relative to the first workspace folder) whose headers the project
   * index reads for wrappers of entry points, e.g. the include/ of the kernel a module is built
   * against; never reported. Added to a `.pinsight.json`'s `include`.
   */
  includeDirs: string[];
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  kernel: 'auto',
  disabledFindings: [],
  severity: {},
  scanOnStartup: true,
  maxFileSizeMB: 4,
  includeDirs: [],
});

/** The setting names as users write them, for messages. */
export const SETTING_KEYS = {
  kernel: 'pinsight.kernel',
  disabledFindings: 'pinsight.findings.disabled',
  severity: 'pinsight.findings.severity',
  scanOnStartup: 'pinsight.scan.onStartup',
  maxFileSizeMB: 'pinsight.analysis.maxFileSize',
  includeDirs: 'pinsight.index.includeDirs',
} as const;

/** The most a document may be, in MB, for the editor to analyse it (see Settings.maxFileSizeMB). */
export const MAX_FILE_SIZE_LIMIT_MB = 1024;

export interface ValidatedSettings {
  settings: Settings;
  /** One line per rejected value, naming the setting and the default used instead. */
  warnings: string[];
}

/**
 * Validates the `pinsight` section as a client sends it (nested objects, or VS Code's dotted keys
 * flattened by the client). `knownCodes` are the finding codes the engine reports.
 */
export function validateSettings(raw: unknown, knownCodes: readonly string[]): ValidatedSettings {
  const warnings: string[] = [];
  const section = isObject(raw) ? raw : {};
  if (raw !== undefined && raw !== null && !isObject(raw)) warnings.push(`pinsight: settings must be an object; using the defaults`);
  const findings = isObject(section.findings) ? section.findings : {};
  const scan = isObject(section.scan) ? section.scan : {};
  const analysis = isObject(section.analysis) ? section.analysis : {};
  const index = isObject(section.index) ? section.index : {};

  const kernel = pick(section.kernel, SETTING_KEYS.kernel, DEFAULT_SETTINGS.kernel, warnings, (v) =>
    typeof v === 'string' && (v.trim() === 'auto' || isKernelVersion(v)) ? (v.trim() === 'auto' ? 'auto' : normalizeKernel(v)) : undefined,
  'expected "auto" or a kernel version such as "6.1"');

  const disabledFindings = pick(findings.disabled, SETTING_KEYS.disabledFindings, [...DEFAULT_SETTINGS.disabledFindings], warnings, (v) => {
    if (!Array.isArray(v) || !v.every((c) => typeof c === 'string')) return undefined;
    const unknown = v.filter((c) => !knownCodes.includes(c));
    if (unknown.length > 0) warnings.push(`${SETTING_KEYS.disabledFindings}: unknown finding code(s) ${unknown.join(', ')} ignored (known: ${knownCodes.join(', ')})`);
    return v.filter((c) => knownCodes.includes(c));
  }, 'expected a list of finding codes');

  const severity = pick(findings.severity, SETTING_KEYS.severity, { ...DEFAULT_SETTINGS.severity }, warnings, (v) => {
    if (!isObject(v)) return undefined;
    const out: Record<string, Severity> = {};
    for (const [code, level] of Object.entries(v)) {
      if (!knownCodes.includes(code)) warnings.push(`${SETTING_KEYS.severity}: unknown finding code ${code} ignored`);
      else if (typeof level !== 'string' || !SEVERITIES.includes(level as Severity)) warnings.push(`${SETTING_KEYS.severity}.${code}: ${JSON.stringify(level)} is not one of ${SEVERITIES.join(', ')}; using the rule's own severity`);
      else out[code] = level as Severity;
    }
    return out;
  }, 'expected an object mapping finding codes to severities');

  const scanOnStartup = pick(scan.onStartup, SETTING_KEYS.scanOnStartup, DEFAULT_SETTINGS.scanOnStartup, warnings, (v) =>
    typeof v === 'boolean' ? v : undefined,
  'expected true or false');

  const maxFileSizeMB = pick(analysis.maxFileSize, SETTING_KEYS.maxFileSizeMB, DEFAULT_SETTINGS.maxFileSizeMB, warnings, (v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_FILE_SIZE_LIMIT_MB ? v : undefined,
  `expected a size in MB above 0 and at most ${MAX_FILE_SIZE_LIMIT_MB}`);

  const includeDirs = pick(index.includeDirs, SETTING_KEYS.includeDirs, [...DEFAULT_SETTINGS.includeDirs], warnings, (v) =>
    Array.isArray(v) && v.every((d) => typeof d === 'string' && d.length > 0) ? (v as string[]) : undefined,
  'expected a list of directories');

  return { settings: { kernel, disabledFindings, severity, scanOnStartup, maxFileSizeMB, includeDirs }, warnings };
}

/** The value if it is absent (default) or valid; otherwise a warning and the default. */
function pick<T>(value: unknown, key: string, fallback: T, warnings: string[], parse: (v: unknown) => T | undefined, expected: string): T {
  if (value === undefined || value === null) return fallback;
  const parsed = parse(value);
  if (parsed !== undefined) return parsed;
  warnings.push(`${key}: ${describe(value)} is not valid (${expected}); using the default ${JSON.stringify(fallback)}`);
  return fallback;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
