// The engine's public face: what the CLI and the language server import. Editor-free.
export { analyzeTree, type AnalyzeOptions } from './analyze.js';
export { analyzeFile, mentionsEntryPoint } from './analyze-file.js';
export { applyEdits, TextIndex } from './edits.js';
export { detectKernelVersion, normalizeKernel, parseKernelVersion, compareKernel } from './kernel-version.js';
export { ENTRY_POINTS, entryPointAt, isEntryPointName, RELEASES, type EntryPoint, type ResolvedEntryPoint, type Rejection } from './entry-point-table.js';
export { FINDING_RULES, RULE_DOCS_BASE, RULES, ruleDocsUrl } from './rules/index.js';
export { findSuppressionComments, suppressionRows } from './suppressions.js';
export type * from './types.js';
