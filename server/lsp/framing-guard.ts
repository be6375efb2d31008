// Broken LSP framing on stdin: a header without a numeric Content-Length, a header block that
// never ends, or a Content-Length over MAX_BODY (vscode-jsonrpc would buffer up to that many bytes
// and wait for them for ever: `Content-Length: 9999999999` kept a server alive and deaf). vscode-jsonrpc cannot resynchronise after one: it reads the next header from the
// middle of the bad message's body, and the server stays alive but never answers again. A server
// that exits (code 1, one line on stderr) is better than a deaf one: the editor restarts it.
// This watches the same bytes the connection reads, alongside it, and changes nothing else.

const MAX_HEADER = 64 * 1024;
/**
 * The largest message body taken: 64 MiB. The largest real message is a didOpen or full-text
 * didChange of a whole file, JSON-escaped: the largest .c of 6.12 is 1.8 MB, the fuzz harness's
 * giant 20 MB; so the pending input is at most MAX_HEADER + MAX_BODY.
 */
export const MAX_BODY = 64 * 1024 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export class FramingGuard {
  private header = Buffer.alloc(0);
  /** Bytes of the current message body still to skip; -1 while reading a header. */
  private bodyLeft = -1;

  /** Feeds bytes; returns why the framing is broken, or undefined while it is fine. */
  feed(input: Buffer): string | undefined {
    let chunk = input;
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft >= 0) {
        const n = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= n;
        at += n;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const pending = this.header.length > 0 ? Buffer.concat([this.header, chunk.subarray(at)]) : chunk.subarray(at);
      const end = pending.indexOf(CRLFCRLF);
      if (end === -1) {
        this.header = Buffer.from(pending);
        return this.header.length > MAX_HEADER ? `a header longer than ${MAX_HEADER} bytes` : undefined;
      }
      const why = this.startBody(pending.subarray(0, end).toString('ascii'));
      if (why) return why;
      this.header = Buffer.alloc(0);
      if (this.bodyLeft === 0) this.bodyLeft = -1;
      // The bytes after the header are the body, and maybe the next messages.
      chunk = pending;
      at = end + CRLFCRLF.length;
    }
    return undefined;
  }

  private startBody(header: string): string | undefined {
    let length: number | undefined;
    for (const line of header.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `a header line without a name: ${JSON.stringify(line.slice(0, 60))}`;
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,15}$/.test(value)) return `Content-Length ${JSON.stringify(value.slice(0, 30))} is not a byte count`;
      length = Number(value);
    }
    if (length === undefined) return 'a header without Content-Length';
    if (length > MAX_BODY) return `Content-Length ${length} is over the limit of ${MAX_BODY} bytes`;
    this.bodyLeft = length;
    return undefined;
  }
}

/** Exits the process when the bytes on `input` stop being LSP frames (call after the connection listens). */
export function exitOnBrokenFraming(input: NodeJS.ReadableStream): void {
  const guard = new FramingGuard();
  input.on('data', (chunk: Buffer | string) => {
    const why = guard.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (!why) return;
    process.stderr.write(`pinsight-lsp: broken LSP framing on stdin (${why}); exiting so that the editor restarts the server\n`);
    process.exit(1);
  });
}
