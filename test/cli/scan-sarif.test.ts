// `pinsight scan --format sarif` validates against the official SARIF 2.1.0 schema (vendored in
// test/fixtures/sarif with its source; a draft-04 schema, so ajv-draft-04 with ajv-formats).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { pinsight } from './scan-helpers.js';
import { FINDING_RULES } from '../../server/engine/index.js';

const root = join(__dirname, '../..');
const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

test('scan --format sarif on examples/ is valid SARIF 2.1.0', async () => {
  const run = await pinsight(['scan', '--format', 'sarif', 'examples'], root);
  assert.equal(run.code, 1);
  const log = JSON.parse(run.out);
  const validate = validator();
  assert.ok(validate(structuredClone(log)), JSON.stringify(validate.errors, null, 2));
  const [sarifRun] = log.runs;
  assert.equal(sarifRun.properties.kernel, '6.1');
  assert.deepEqual(sarifRun.tool.driver.rules.map((r: { id: string }) => r.id), FINDING_RULES.map((r) => r.code));
  for (const rule of sarifRun.tool.driver.rules) assert.match(rule.helpUri, /^https:\/\//);
  assert.ok(sarifRun.results.length > 0);
  for (const result of sarifRun.results) {
    assert.equal(sarifRun.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    const loc = result.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, 'SRCROOT');
    assert.match(loc.artifactLocation.uri, /^examples\//);
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
  }
  assert.ok(sarifRun.results.some((r: { fixes?: unknown[] }) => r.fixes && r.fixes.length > 0));
});

test('the validator rejects a log that breaks the schema (the check can fail)', async () => {
  const run = await pinsight(['scan', '--format', 'sarif', 'examples'], root);
  const log = JSON.parse(run.out);
  log.runs[0].results[0].level = 'fatal';
  assert.equal(validator()(log), false);
});
