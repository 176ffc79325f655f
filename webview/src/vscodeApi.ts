// The webview side of the contract: the one message channel to the extension and the persisted state.
import type { ComparisonUiState } from '../../src/protocol/comparison';
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
  const state = api.getState();
  if (state?.experimentFile !== experimentFile) api.setState({ ...state, experimentFile });
}

/** The comparison's sort, filter and baseline as the user left them (kept across reloads). */
export function comparisonState(): ComparisonUiState | undefined {
  return api.getState()?.comparison;
}

export function rememberComparison(comparison: ComparisonUiState): void {
  const state = api.getState();
  api.setState({ experimentFile: state?.experimentFile ?? '', ...state, comparison });
}
