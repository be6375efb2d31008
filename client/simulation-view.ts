// "pinsight: Simulate pin at cursor": asks the server for sim-core's outcomes for the call at the
// cursor and shows them in a webview (SVG, theme colours, no scripts, strict CSP). "... then
// steps": first lets the user pick what the process does after the pin (the server's list of
// sim-core steps: MADV_DONTNEED, munmap, mremap, swap-in, NUMA hinting, fork, ...), in order.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SimulateParams, SimulateResult } from '../protocol/requests.js';
import { SIMULATE_REQUEST } from './protocol.js';
import { renderSimulation } from './webview/render.js';

export class SimulationView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly client: LanguageClient) {}

  async showForActiveEditor(then?: string[]): Promise<void> {
    const result = await this.request(then);
    if (result) this.show(result);
  }

  /** Asks which steps follow the pin (one pick per step, in order), then shows the simulation. */
  async chooseStepsAndShow(): Promise<void> {
    const first = await this.request();
    if (!first) return;
    const steps = first.steps ?? [];
    if (steps.length === 0) {
      this.show(first);
      return;
    }
    const chosen: string[] = [];
    const RUN = '$(play) Simulate';
    for (;;) {
      const items: vscode.QuickPickItem[] = [
        ...(chosen.length ? [{ label: RUN, description: chosen.join(' → ') }] : []),
        ...steps.map((s) => ({ label: s.name, detail: s.description })),
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: `pinsight: after the pin, step ${chosen.length + 1}`,
        placeHolder: chosen.length ? `so far: ${chosen.join(' → ')}; pick the next step or Simulate` : 'what does the process do after the pin?',
        matchOnDetail: true,
      });
      if (!pick) return;
      if (pick.label === RUN) break;
      chosen.push(pick.label);
      if (chosen.length >= 16) break;
    }
    await this.showForActiveEditor(chosen);
  }

  private async request(then?: string[]): Promise<SimulateResult | null> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      void vscode.window.showInformationMessage('pinsight: open a C file and put the cursor on a GUP/PUP call.');
      return null;
    }
    const result = await this.client.sendRequest<SimulateResult | null>(SIMULATE_REQUEST, {
      textDocument: { uri: editor.document.uri.toString() },
      position: editor.selection.active,
      ...(then ? { then } : {}),
    } satisfies SimulateParams);
    if (!result) void vscode.window.showInformationMessage('pinsight: no get_user_pages/pin_user_pages call in this file.');
    return result;
  }

  private show(result: SimulateResult): void {
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
