import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, MAX_FILE_SIZE_LIMIT_MB, SETTING_KEYS, SEVERITIES, validateSettings } from '../../server/lsp/settings.js';

const CODES = ['foll-force-misuse', 'longterm-readonly'];

test('absent settings give the defaults without warnings', () => {
  for (const raw of [undefined, null, {}]) {
    assert.deepEqual(validateSettings(raw, CODES), { settings: { ...DEFAULT_SETTINGS }, warnings: [] });
  }
});

test('valid settings are taken as given', () => {
  const { settings, warnings } = validateSettings(
    { kernel: '6.1', findings: { disabled: ['longterm-readonly'], severity: { 'foll-force-misuse': 'error' } }, scan: { onStartup: false }, analysis: { maxFileSize: 0.5 }, index: { includeDirs: ['/usr/src/linux/include'] } },
    CODES,
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(settings, { kernel: '6.1', disabledFindings: ['longterm-readonly'], severity: { 'foll-force-misuse': 'error' }, scanOnStartup: false, maxFileSizeMB: 0.5, includeDirs: ['/usr/src/linux/include'] });
});

test('each bad value gives one warning naming the setting, and its default', () => {
  const { settings, warnings } = validateSettings(
    { kernel: 'latest', findings: { disabled: 'all', severity: { 'foll-force-misuse': 'fatal', 'no-such-rule': 'error' } }, scan: { onStartup: 'yes' }, index: { includeDirs: 'include' } },
    CODES,
  );
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS });
  assert.equal(warnings.length, 6);
  assert.match(warnings[0]!, /^pinsight\.kernel: "latest" is not valid .*using the default "auto"/);
  assert.match(warnings[1]!, /^pinsight\.findings\.disabled: "all" is not valid/);
  assert.match(warnings[2]!, /^pinsight\.findings\.severity\.foll-force-misuse: "fatal" is not one of error, warning, information, hint/);
  assert.match(warnings[3]!, /unknown finding code no-such-rule/);
  assert.match(warnings[4]!, /^pinsight\.scan\.onStartup: "yes" is not valid/);
});

test('a file size limit that is not a positive number of MB up to the cap is a warning and the default', () => {
  for (const bad of [0, -1, '4', Number.NaN, MAX_FILE_SIZE_LIMIT_MB + 1, true]) {
    const { settings, warnings } = validateSettings({ analysis: { maxFileSize: bad } }, CODES);
    assert.equal(settings.maxFileSizeMB, DEFAULT_SETTINGS.maxFileSizeMB);
    assert.equal(warnings.length, 1, String(bad));
    assert.match(warnings[0]!, /^pinsight\.analysis\.maxFileSize: .* is not valid \(expected a size in MB/);
  }
});

test('unknown codes in the disabled list are dropped with a warning, known ones kept', () => {
  const { settings, warnings } = validateSettings({ findings: { disabled: ['foll-force-misuse', 'typo'] } }, CODES);
  assert.deepEqual(settings.disabledFindings, ['foll-force-misuse']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /typo/);
});

test('a settings section that is not an object is a warning, not a crash', () => {
  for (const raw of [42, 'x', [1, 2], true]) {
    const { settings, warnings } = validateSettings(raw, CODES);
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS });
    assert.equal(warnings.length, 1);
  }
});

test('package.json declares every setting of the schema with the same default and choices', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', `file://${__filename}`), 'utf8'));
  const props = pkg.contributes?.configuration?.properties ?? {};
  assert.equal(props[SETTING_KEYS.kernel]?.default, DEFAULT_SETTINGS.kernel);
  assert.deepEqual(props[SETTING_KEYS.disabledFindings]?.default, DEFAULT_SETTINGS.disabledFindings);
  assert.deepEqual(props[SETTING_KEYS.severity]?.default, DEFAULT_SETTINGS.severity);
  assert.deepEqual(props[SETTING_KEYS.severity]?.additionalProperties?.enum, SEVERITIES);
  assert.equal(props[SETTING_KEYS.scanOnStartup]?.default, DEFAULT_SETTINGS.scanOnStartup);
  assert.equal(props[SETTING_KEYS.maxFileSizeMB]?.default, DEFAULT_SETTINGS.maxFileSizeMB);
  assert.equal(props[SETTING_KEYS.maxFileSizeMB]?.maximum, MAX_FILE_SIZE_LIMIT_MB);
  const declared = Object.keys(props).filter((k) => k !== 'pinsight.trace.server').sort();
  assert.deepEqual(declared, Object.values(SETTING_KEYS).sort());
});
