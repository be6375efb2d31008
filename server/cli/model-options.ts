// The options of the commands that run sim-core's model (`behaviours`, `cow-table`, `simulate`):
// the kernel (--kernel, --with, --without) and each command's own, parsed one way, with every
// parse error and every error sim-core raises on bad input turned into a one-line usage error.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type KernelSpec, SimError, behavioursFor } from '../../sim-core/index.js';
import { UsageError } from './usage-error.js';

export const KERNEL_OPTIONS = {
  kernel: { type: 'string' },
  with: { type: 'string', multiple: true },
  without: { type: 'string', multiple: true },
} as const;

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

/** A model command's arguments: the kernel options and `options`, no positionals. */
export function parseModelArgs<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return parseOrUsage({ args, strict: true, allowPositionals: false, options: { ...KERNEL_OPTIONS, ...options } }).values;
}
