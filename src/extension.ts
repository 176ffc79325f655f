import * as vscode from 'vscode';
import { COMMAND_IDS, TRUSTED_ONLY, type CommandHandler, type CommandId, type CommandTable } from './commandIds';
import { registerFeatures } from './features';

function guardTrust(id: CommandId, handler: CommandHandler): CommandHandler {
  if (!TRUSTED_ONLY.has(id)) return handler;
  return (...args: unknown[]) => {
    if (!vscode.workspace.isTrusted) {
      return vscode.window.showWarningMessage(
        'LoRA-SMoE: probing, training, evaluation and the demo run model code and write files, so they are disabled in an untrusted workspace. Trust this folder (Workspaces: Manage Workspace Trust) to use them.',
      );
    }
    return handler(...args);
  };
}

/** Registers every contributed command; the table's type requires a handler for each. */
function registerCommandTable(context: vscode.ExtensionContext, table: CommandTable): void {
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, guardTrust(id, table[id])));
  }
}

export function activate(context: vscode.ExtensionContext): void {
  registerCommandTable(context, registerFeatures(context));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
