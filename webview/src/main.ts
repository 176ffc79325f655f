// Dashboard front end (src/panel hosts it; src/protocol/webview.ts is the contract). Builds the page once, says
// `ready`, then renders every snapshot; every message from the extension is checked before use.
import { isToWebviewMessage, type DashboardSnapshot, type ToWebviewMessage } from '../../src/protocol/webview';
import { byId, replaceChildren } from './dom';
import { allocationSection, renderAllocation } from './sections/allocation';
import { comparisonSection, renderComparison } from './sections/comparison';
import { evaluationSection, renderEvaluation } from './sections/evaluation';
import { headerSection, renderHeader, showNotice } from './sections/header';
import { renderRuns, runsSection } from './sections/runs';
import { renderSensitivity, sensitivitySection } from './sections/sensitivity';
import { renderTraining, trainingSection } from './sections/training';
import { renderWhatIf, renderWhatIfAnswer, whatIfSection } from './sections/whatIf';
import { registerToolkit } from './toolkit';
import { post, rememberExperiment } from './vscodeApi';

let latest: DashboardSnapshot | undefined;

function render(snapshot: DashboardSnapshot): void {
  latest = snapshot;
  rememberExperiment(snapshot.experiment.file);
  renderHeader(snapshot);
  renderSensitivity(snapshot.sensitivity);
  renderAllocation(snapshot.allocation);
  renderWhatIf(snapshot.whatIf, true);
  renderTraining(snapshot.training);
  renderEvaluation(snapshot.evaluation);
  renderComparison(snapshot.comparison);
  renderRuns(snapshot.runs);
  if (snapshot.focus) byId(`section-${snapshot.focus}`).scrollIntoView({ block: 'start' });
  const app = byId('app');
  app.setAttribute('aria-busy', 'false');
  app.dataset.rendered = String(Number(app.dataset.rendered ?? '0') + 1);
}

function receive(message: ToWebviewMessage): void {
  switch (message.type) {
    case 'snapshot':
      render(message.snapshot);
      return;
    case 'whatIfResult':
      renderWhatIfAnswer(message.requestId, message.view);
      return;
    case 'notice':
      showNotice(message.level, message.message);
      return;
    default: {
      const never: never = message;
      void never;
    }
  }
}

function main(): void {
  registerToolkit();
  replaceChildren(byId('app'), headerSection(), sensitivitySection(), allocationSection(), whatIfSection(), trainingSection(), evaluationSection(), comparisonSection(), runsSection());
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isToWebviewMessage(event.data)) receive(event.data);
  });
  // Theme switches change the CSS variables the charts read: draw again.
  new MutationObserver(() => { if (latest) render(latest); }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  post({ type: 'ready' });
}

main();
