// `pinsight behaviours [--kernel V] [--with NAME]... [--without NAME]... [--json]`
// The switches sim-core models kernel versions with: what each changes, since when, where.
import { behaviours, behavioursFor } from '../../sim-core/index.js';
import type { Command } from './command.js';
import { kernelSpecOf, parseModelArgs } from './model-options.js';
import { EXIT_OK } from './usage-error.js';

export const behavioursCommand: Command = {
  name: 'behaviours',
  summary: "list sim-core's kernel-version switches (what changed, in which release, where)",
  usage: [
    'usage: pinsight behaviours [--kernel V [--with NAME]... [--without NAME]...] [--json]',
    '',
    'Lists the named behaviours sim-core uses to tell kernel versions apart, with the commit that',
    'introduced each and the kernel file and function it models. With --kernel, says which are on.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseModelArgs(argv, { json: { type: 'boolean' } });
    const spec = kernelSpecOf(values, false);
    const on = spec ? behavioursFor(spec) : undefined;
    const list = behaviours().map((b) => ({ ...b, ...(on ? { on: on.has(b.name) } : {}) }));
    if (values.json) {
      io.out(JSON.stringify({ ...(spec ? { kernel: spec.version } : {}), behaviours: list }, null, 2));
      return EXIT_OK;
    }
    const lines: string[] = [];
    if (spec) lines.push(`Linux ${spec.version}${spec.with ? ` with ${spec.with.join(', ')}` : ''}${spec.without ? ` without ${spec.without.join(', ')}` : ''}:`, '');
    for (const b of list) {
      const state = 'on' in b ? (b.on ? '  [on]' : '  [off]') : '';
      lines.push(`${b.name}  (since ${b.since}${b.until ? `, until ${b.until}` : ''})${state}`);
      lines.push(`    ${b.kernelFile} ${b.kernelFunction}()`);
      lines.push(`    ${b.summary}`);
      lines.push(`    commit: ${b.commit}`);
      lines.push('');
    }
    io.out(lines.join('\n').trimEnd());
    return EXIT_OK;
  },
};
