/** Prints the script's leading comment and exits 0 when argv holds --help or -h (help.mjs). */
export function answerHelp(script: string, argv?: readonly string[]): void;
