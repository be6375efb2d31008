import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';

/** Starts the language server on the transport given on the command line (--stdio, --node-ipc, ...). */
export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'pinsight' },
  }));
  connection.listen();
}
