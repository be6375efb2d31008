// The VS Code side, kept thin: start the bundled language server for C files, show the target
// kernel in the status bar, and open the simulation view. Everything that knows about GUP lives
// in the server; pinsight never runs code from the workspace (untrusted workspaces are supported).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { KernelStatus, selectKernel } from './kernel-status.js';
import { SimulationView } from './simulation-view.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }],
    // The server pulls `pinsight.*` with workspace/configuration and is told about changes.
    initializationOptions: { pinsight: vscode.workspace.getConfiguration('pinsight') },
  };
  client = new LanguageClient('pinsight', 'pinsight', serverOptions, clientOptions);
  await client.start();

  const status = new KernelStatus(client);
  const view = new SimulationView(client);
  context.subscriptions.push(
    status,
    view,
    vscode.commands.registerCommand('pinsight.selectKernel', () => selectKernel()),
    vscode.commands.registerCommand('pinsight.simulateAtCursor', () => view.showForActiveEditor()),
    vscode.commands.registerCommand('pinsight.simulateAtCursorWithSteps', () => view.chooseStepsAndShow()),
  );
  void status.refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
