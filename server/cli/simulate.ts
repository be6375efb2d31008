// `pinsight simulate --kernel V --memory KIND --mapping private|shared --flags FOLL_A,FOLL_B
//  [--path slow|fast] [--api NAME] [--prot read-write|read-only] [--then STEP,...] [--with NAME]... [--without NAME]... [--json]`
// One pin scenario on sim-core, printed as a readable trace with its verdict.
import { MEMORY_KINDS, type ScenarioInput, THEN_STEPS, formatTrace, simulate } from '../../sim-core/index.js';
import type { Command } from './command.js';
import { kernelSpecOf, parseModelArgs, simOrUsage } from './model-options.js';
import { EXIT_OK, UsageError } from './usage-error.js';

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '0');

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run one pin scenario on the sim-core model and print its trace and verdict',
  usage: [
    'usage: pinsight simulate --kernel V --memory KIND --mapping private|shared --flags FOLL_A,FOLL_B',
    '                         [--path slow|fast] [--api NAME] [--prot read-write|read-only] [--then STEP,...]',
    '                         [--with NAME]... [--without NAME]... [--json]',
    '',
    'Maps KIND, pins its first page through pin_user_pages() (--path fast: pin_user_pages_fast();',
    'FOLL_GET in --flags: get_user_pages*(); --api: any entry point) with the flags, then runs the',
    'steps (default: write) and says whether the pin still sees what the process sees.',
    '--api io_uring_register_buffers pins as io_uring fixed buffers do; --prot read-only maps the',
    'memory PROT_READ before the pin (FOLL_FORCE territory).',
    '',
    `memory kinds: ${MEMORY_KINDS.map((k) => k.name).join(', ')}`,
    `steps: ${Object.keys(THEN_STEPS).join(', ')}`,
  ].join('\n'),
  async run(argv, io) {
    const values = parseModelArgs(argv, {
      memory: { type: 'string' },
      mapping: { type: 'string' },
      flags: { type: 'string' },
      path: { type: 'string' },
      api: { type: 'string' },
      prot: { type: 'string' },
      then: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    const kernel = kernelSpecOf(values, true)!;
    if (values.memory === undefined) throw new UsageError(`--memory KIND is required (kinds: ${MEMORY_KINDS.map((k) => k.name).join(', ')})`);
    const mapping = values.mapping ?? 'private';
    if (mapping !== 'private' && mapping !== 'shared') throw new UsageError(`unknown mapping '${mapping}' (valid: private, shared)`);
    const path = values.path ?? 'slow';
    if (path !== 'slow' && path !== 'fast') throw new UsageError(`unknown path '${path}' (valid: slow, fast)`);
    const input: ScenarioInput = { kernel, memory: values.memory, mapping, flags: list(values.flags), path };
    if (values.api !== undefined) input.api = values.api;
    if (values.prot !== undefined) {
      if (values.prot !== 'read-write' && values.prot !== 'read-only') throw new UsageError(`unknown protection '${values.prot}' (valid: read-write, read-only)`);
      input.prot = values.prot;
    }
    if (values.then !== undefined) input.then = values.then.flatMap((t) => list(t));
    const result = simOrUsage(() => simulate(input));
    if (values.json) {
      io.out(JSON.stringify(result, null, 2));
      return EXIT_OK;
    }
    const lines = formatTrace(result.trace);
    lines.push('', `verdict: ${result.verdict}${result.errno ? ` (${result.errno})` : ''}`, result.summary);
    io.out(lines.join('\n'));
    return EXIT_OK;
  },
};
