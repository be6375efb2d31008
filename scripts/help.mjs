// `--help` (or `-h`) for every script that takes arguments: prints the script's leading comment,
// which says what it does and how to call it, and exits 0. Shell scripts do the same with sed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Call first thing with the script's own path (import.meta.url or __filename). */
export function answerHelp(script, argv = process.argv.slice(2)) {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  const path = script.startsWith('file:') ? fileURLToPath(script) : script;
  const lines = readFileSync(path, 'utf8').split('\n');
  const comment = [];
  for (const line of lines.slice(lines[0]?.startsWith('#!') ? 1 : 0)) {
    const m = /^\/\/ ?(.*)$/.exec(line);
    if (!m) break;
    comment.push(m[1]);
  }
  process.stdout.write(`${comment.join('\n')}\n`);
  process.exit(0);
}
