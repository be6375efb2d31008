// Entry point of dist/cli-main.js: the `pinsight` command's code, loaded by dist/cli.js (cli.ts).
export { runCli } from './cli/main.js';
export { commands } from './cli/commands.js';
export { offerRipgrepRun } from './scan/ripgrep.js';
