// "pinsight: Simulate pin at cursor": asks the server for sim-core's outcomes for the call at the
// cursor and shows them in a webview (SVG, theme colours, no scripts, strict CSP).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SimulateParams, SimulateResult } from '../protocol/requests.js';
import { SIMULATE_REQUEST } from './protocol.js';
import { renderSimulation } from './webview/render.js';

export class SimulationView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly client: LanguageClient) {}

  async showForActiveEditor(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      void vscode.window.showInformationMessage('pinsight: open a C file and put the cursor on a GUP/PUP call.');
      return;
    }
    const result = await this.client.sendRequest<SimulateResult | null>(SIMULATE_REQUEST, {
      textDocument: { uri: editor.document.uri.toString() },
      position: editor.selection.active,
    } satisfies SimulateParams);
    if (!result) {
      void vscode.window.showInformationMessage('pinsight: no get_user_pages/pin_user_pages call in this file.');
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('pinsight.simulation', 'pinsight: simulation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `pinsight: ${result.callee}() on ${result.kernel}`;
    this.panel.webview.html = renderSimulation(result, { nonce: randomBytes(16).toString('base64') });
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
