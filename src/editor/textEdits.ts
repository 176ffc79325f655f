import * as vscode from 'vscode';
import type { Edit, FormattingOptions } from '../core/experiment/edits';
import type { TextSpan } from '../core/experiment/positions';

export function rangeOf(document: vscode.TextDocument, span: TextSpan): vscode.Range {
  return new vscode.Range(document.positionAt(span.offset), document.positionAt(span.offset + span.length));
}

/** The document's own indentation and line ends, so inserted JSON looks like the text around it. */
export function formattingFor(document: vscode.TextDocument): FormattingOptions {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const tabSize = typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : detectIndent(document.getText());
  const insertSpaces = editor?.options.insertSpaces !== false;
  return { tabSize, insertSpaces, eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' };
}

function detectIndent(text: string): number {
  const match = /\n( +)"/.exec(text);
  return match ? Math.min(match[1].length, 8) : 2;
}

/** jsonc-parser edits of one document as a WorkspaceEdit (one undo step when applied at once). */
export function workspaceEditOf(document: vscode.TextDocument, edits: readonly Edit[], edit = new vscode.WorkspaceEdit()): vscode.WorkspaceEdit {
  for (const e of edits) edit.replace(document.uri, rangeOf(document, e), e.content);
  return edit;
}
