/** One `pinsight <name>` subcommand. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Where a command writes; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  /** Output as it is, in parts (no line break added): a long report is written as it is made; out() when absent. */
  write?(part: string): void;
  err(text: string): void;
  cwd: string;
}
