// The status-bar item: the kernel the active C file is analysed for (click to change it).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { TargetKernelResult } from '../protocol/requests.js';
import { TARGET_KERNEL_REQUEST } from './protocol.js';

/** Versions offered in the picker: the two modelled trees and the releases where GUP changed. */
const OFFERED = ['6.1', '6.2', '6.3', '6.5', '6.12'];

export class KernelStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pinsight.kernel', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'pinsight target kernel';
    this.item.command = 'pinsight.selectKernel';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pinsight.kernel')) void this.refresh();
      }),
    );
  }

  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      this.item.hide();
      return;
    }
    try {
      const target = await this.client.sendRequest<TargetKernelResult>(TARGET_KERNEL_REQUEST, { textDocument: { uri: editor.document.uri.toString() } });
      this.item.text = `$(circuit-board) Linux ${target.kernel}${target.source === 'fallback' ? '?' : ''}`;
      this.item.tooltip = `pinsight: ${target.note}. Click to change the target kernel.`;
      this.item.show();
    } catch {
      this.item.hide(); // the server is restarting; the next editor change refreshes it
    }
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Quick pick for `pinsight.kernel`: auto, the offered versions, or any other version. */
export async function selectKernel(): Promise<void> {
  const config = vscode.workspace.getConfiguration('pinsight');
  const current = config.get<string>('kernel', 'auto');
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    { label: 'auto', description: 'from the kernel tree\'s top Makefile', value: 'auto' },
    ...OFFERED.map((v) => ({ label: v, description: v === '6.2' ? 'reliable R/O long-term pinning' : undefined, value: v })),
    { label: 'Other version…' },
  ];
  for (const item of items) if (item.value === current) item.picked = true;
  const picked = await vscode.window.showQuickPick(items, { title: 'pinsight: target kernel', placeHolder: `now: ${current}` });
  if (!picked) return;
  let value = picked.value;
  if (value === undefined) {
    value = await vscode.window.showInputBox({
      title: 'pinsight: target kernel',
      prompt: 'A kernel version, e.g. 6.4',
      validateInput: (v) => (/^\d+\.\d+$/.test(v.trim()) ? undefined : 'major.minor, e.g. 6.4'),
    });
    if (!value) return;
  }
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('kernel', value.trim(), target);
}
