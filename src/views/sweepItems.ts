// A sweep in the Experiments view: its run row expands into one row per queued run (status, error), and each of
// those into its training and evaluation runs.
import * as vscode from 'vscode';
import type { QueueStatus } from '../core/jobs/sweepQueue';
import { sweepEntries } from '../runs/sweepListing';
import type { RunNode, SweepMemberNode } from './nodes';

const ICONS: Record<QueueStatus, { icon: string; color?: string }> = {
  pending: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  done: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'list.warningForeground' },
};

/** Whether the experiment file's value has a `sweep` object (Run Sweep is offered then). */
export function hasSweep(value: unknown): boolean {
  const sweep = typeof value === 'object' && value !== null ? (value as { sweep?: unknown }).sweep : undefined;
  return typeof sweep === 'object' && sweep !== null && !Array.isArray(sweep);
}

export function sweepMembers(node: RunNode): SweepMemberNode[] {
  return sweepEntries(node.entry.dir).map((entry) => ({ type: 'sweepMember', sweepDir: node.entry.dir, experimentFile: node.experimentFile, entry }));
}

export function sweepMemberItem(node: SweepMemberNode): vscode.TreeItem {
  const { entry } = node;
  const hasRuns = Boolean(entry.trainRun || entry.evalRun);
  const item = new vscode.TreeItem(entry.spec.id, hasRuns ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `${node.sweepDir}#${entry.spec.id}`;
  item.description = entry.status;
  item.tooltip = [`sweep run ${entry.spec.id}`, `status: ${entry.status}`, `seed ${entry.spec.seed}`, entry.error && `error: ${entry.error}`].filter(Boolean).join('\n');
  const { icon, color } = ICONS[entry.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = `smoe.sweepRun.${entry.status}`;
  return item;
}
