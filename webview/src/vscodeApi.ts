// The webview side of the contract: the one message channel to the extension and the persisted state.
import type { DashboardWebviewState, FromWebviewMessage } from '../../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): DashboardWebviewState | undefined;
  setState(state: DashboardWebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: FromWebviewMessage): void {
  api.postMessage(message);
}

/** Remembered by VS Code with the panel, so the serializer can reopen this experiment's dashboard after a reload. */
export function rememberExperiment(experimentFile: string): void {
  if (api.getState()?.experimentFile !== experimentFile) api.setState({ experimentFile });
}
