// Entry point of dist/server.js (`pinsight-lsp`): the language server. The transport comes from the
// command line, as every LSP client passes it: --stdio, --node-ipc or --socket=PORT.
import { startServer } from './lsp/start.js';
import { exitOnBrokenFraming } from './lsp/framing-guard.js';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket=', '--pipe='];
const args = process.argv.slice(2);

if (args.includes('--version')) {
  process.stdout.write(`${typeof __PINSIGHT_VERSION__ === 'string' ? __PINSIGHT_VERSION__ : 'dev'}\n`);
} else if (args.includes('--help') || !args.some((a) => TRANSPORTS.some((t) => a === t || (t.endsWith('=') && a.startsWith(t))))) {
  const out = args.includes('--help') ? process.stdout : process.stderr;
  out.write('usage: pinsight-lsp --stdio | --node-ipc | --socket=PORT\n  the pinsight language server (LSP); editors start it, e.g. `node dist/server.js --stdio`\n');
  process.exitCode = args.includes('--help') ? 0 : 2;
} else {
  startServer();
  if (args.includes('--stdio')) exitOnBrokenFraming(process.stdin); // a deaf server is worse than a restarted one
}

declare const __PINSIGHT_VERSION__: string | undefined;
