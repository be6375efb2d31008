// `pinsight behaviours [--kernel V] [--with NAME]... [--without NAME]... [--json]`
// The switches sim-core models kernel versions with: what each changes, since when, where.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type KernelSpec, SimError, behaviours, behavioursFor } from '../../sim-core/index.js';
import type { Command } from './command.js';
import { EXIT_OK, UsageError } from './usage-error.js';

/** node's parseArgs, with its errors (and sim-core's) turned into one-line usage errors. */
export function parseOrUsage<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/** Runs `f`, turning sim-core's SimError (bad kernel version, memory kind, flag, behaviour) into a usage error. */
export function simOrUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof SimError) throw new UsageError(error.message);
    throw error;
  }
}

/** --kernel/--with/--without as a sim-core KernelSpec (validated). */
export function kernelSpecOf(values: { kernel?: string | undefined; with?: string[] | undefined; without?: string[] | undefined }, required: boolean): KernelSpec | undefined {
  if (values.kernel === undefined) {
    if (required) throw new UsageError('--kernel V is required (e.g. --kernel 6.1)');
    if (values.with?.length || values.without?.length) throw new UsageError('--with/--without need --kernel V');
    return undefined;
  }
  const spec: KernelSpec = { version: values.kernel };
  if (values.with?.length) spec.with = values.with;
  if (values.without?.length) spec.without = values.without;
  simOrUsage(() => behavioursFor(spec));
  return spec;
}

export const KERNEL_OPTIONS = {
  kernel: { type: 'string' },
  with: { type: 'string', multiple: true },
  without: { type: 'string', multiple: true },
} as const;

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
    const { values } = parseOrUsage({ args: argv, strict: true, allowPositionals: false, options: { ...KERNEL_OPTIONS, json: { type: 'boolean' } } });
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
