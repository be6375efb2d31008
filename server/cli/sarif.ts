// SARIF 2.1.0 output for `pinsight scan --format sarif`: one run, the rules with their help links,
// one result per finding with its preferred fix, so GitHub code scanning and SARIF viewers take it.
// Columns are UTF-16 code units, SARIF's default columnKind, as everywhere in the engine.
import { pathToFileURL } from 'node:url';
import { isAbsolute, relative } from 'node:path';
import { RULES, ruleDocsUrl } from '../engine/index.js';
import { findingFingerprint } from '../project/baseline.js';
import type { Finding, Range, Severity } from '../engine/types.js';
import { PINSIGHT_VERSION } from './main.js';
import type { ScanResult } from './scan-report.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function region(range: Range) {
  return {
    startLine: range.start.row + 1,
    startColumn: range.start.column + 1,
    endLine: range.end.row + 1,
    endColumn: range.end.column + 1,
  };
}

function artifact(path: string, cwd: string) {
  const rel = relative(cwd, path);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split('\\').join('/'), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(path).href };
}

export function toSarif(result: ScanResult, cwd: string): unknown {
  const rules = RULES.map((r) => ({
    id: r.meta.code,
    name: r.meta.code.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: r.meta.title },
    fullDescription: { text: r.meta.description },
    // One page per rule (docs/rules/<code>.md); the kernel's own documentation is linked from it and from help.
    helpUri: ruleDocsUrl(r.meta.code),
    help: {
      text: `${r.meta.description} See ${ruleDocsUrl(r.meta.code)} and ${r.meta.link}`,
      markdown: `${r.meta.description}\n\nSee [docs/rules/${r.meta.code}.md](${ruleDocsUrl(r.meta.code)}) and [${r.meta.link}](${r.meta.link}).`,
    },
    defaultConfiguration: { level: LEVEL[r.meta.severity(result.kernel)] },
    properties: { tags: ['linux-kernel', 'gup'], fixable: r.meta.fixable },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = result.files.flatMap((file) =>
    file.findings.map((f: Finding) => {
      const location = { physicalLocation: { artifactLocation: artifact(file.path, cwd), region: region(f.range) } };
      const fix = f.fixes.find((x) => x.preferred);
      return {
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code) ?? -1,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [location],
        // Line-independent (server/engine/fingerprint.ts + the file): alerts stay put when lines shift.
        partialFingerprints: { 'pinsightFingerprint/v1': findingFingerprint(file.path, f, cwd) },
        ...(f.suppressed
          ? {
              suppressions: [
                f.suppressed.kind === 'inline'
                  ? { kind: 'inSource', status: 'accepted', justification: f.suppressed.reason }
                  : { kind: 'external', status: 'accepted', justification: f.suppressed.reason },
              ],
            }
          : {}),
        ...(f.related.length
          ? {
              relatedLocations: f.related.map((r, i) => ({
                id: i + 1,
                message: { text: r.message },
                physicalLocation: { artifactLocation: artifact(file.path, cwd), region: region(r.range) },
              })),
            }
          : {}),
        ...(fix
          ? {
              fixes: [
                {
                  description: { text: fix.title },
                  artifactChanges: [
                    {
                      artifactLocation: artifact(file.path, cwd),
                      replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                    },
                  ],
                },
              ],
            }
          : {}),
        properties: { kernel: result.kernel },
      };
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pinsight',
            version: PINSIGHT_VERSION,
            informationUri: 'https://docs.kernel.org/core-api/pin_user_pages.html',
            rules,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href } },
        invocations: [{ executionSuccessful: true, properties: { kernel: result.kernel, kernelSource: result.kernelSource, ...(result.kernels ? { kernels: result.kernels } : {}) } }],
        results,
        properties: { kernel: result.kernel, kernelSource: result.kernelSource, filesScanned: result.filesScanned },
      },
    ],
  };
}
