// SARIF 2.1.0 output (filled in below).
import type { ScanResult } from './scan-report.js';
export function toSarif(result: ScanResult, cwd: string): unknown {
  return { version: '2.1.0', runs: [], result, cwd };
}
