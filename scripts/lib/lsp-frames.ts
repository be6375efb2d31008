// The LSP base protocol's framing as a client reads a server's stdout: `Content-Length: N`, a blank
// line, N bytes of JSON. Shared by the test client (json-rpc-client.ts) and the fuzzer's
// (fuzz/lsp-client.ts); a header without a length or a body that is not JSON is handed to
// `onMalformed` and skipped, never thrown.
export class FrameReader {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (message: unknown) => void,
    private readonly onMalformed: (text: string) => void = (text) => {
      throw new Error(`malformed LSP frame: ${text.slice(0, 200)}`);
    },
  ) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
      if (!Number.isInteger(length)) {
        this.buffer = this.buffer.subarray(headerEnd + 4);
        this.onMalformed(header);
        continue;
      }
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch {
        this.onMalformed(body.slice(0, 200));
        continue;
      }
      this.onMessage(message);
    }
  }
}
