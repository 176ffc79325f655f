// A status-bar item while jobs run: the job and its step, or how many jobs; clicking shows the log.
import * as vscode from 'vscode';
import type { JobManager } from './jobManager';

export class JobsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('smoe.jobs', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: { dispose(): void };

  constructor(private readonly jobs: JobManager) {
    this.item.name = 'LoRA-SMoE jobs';
    this.item.command = 'smoe.showLogs';
    this.subscription = jobs.onEvent((e) => {
      if (e.type !== 'output' && e.type !== 'log' && e.type !== 'metric' && e.type !== 'artifact') this.update();
    });
  }

  update(): void {
    const all = this.jobs.jobs();
    const running = all.filter((j) => j.state === 'running');
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const first = running[0];
    const step = first?.progress && first.progress.total > 0 ? ` ${first.progress.done}/${first.progress.total}` : '';
    const queued = all.length - running.length;
    this.item.text = running.length === 1
      ? `$(sync~spin) LoRA-SMoE: ${first.request.kind}${step}${queued ? ` (+${queued} queued)` : ''}`
      : `$(sync~spin) LoRA-SMoE: ${running.length} jobs${queued ? `, ${queued} queued` : ''}`;
    this.item.tooltip = all.map((j) => `${j.label}: ${j.state}${j.progress ? ` — ${j.progress.phase} ${j.progress.done}/${j.progress.total}` : ''}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
