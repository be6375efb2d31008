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
  /**
   * Output as it is, in parts (no line break added): a long report is written as it is made; out()
   * when absent. A promise says to wait before the next part (the reader is behind).
   */
  write?(part: string): void | Promise<void>;
  err(text: string): void;
  cwd: string;
  /** All of standard input (`scan --diff -`); the process's own when absent. */
  stdin?: () => Promise<string>;
}
