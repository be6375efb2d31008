// Runs `pinsight scan` in-process, capturing its output and exit code.
import { runCli } from '../../server/cli/main.js';
import { commands } from '../../server/cli/commands.js';

export interface Run {
  code: number;
  out: string;
  err: string;
}

export async function pinsight(argv: string[], cwd: string): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(commands, argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd });
  return { code, out, err };
}
