// The top: experiment, job buttons (disabled when untrusted), running jobs with Cancel, notes and notices.
import type { ActiveJobView, DashboardSnapshot, JobCommandKind, MemoryView } from '../../../src/protocol/webview';
import { byId, custom, el, replaceChildren } from '../dom';
import { post } from '../vscodeApi';

const JOBS: { kind: JobCommandKind; label: string }[] = [{ kind: 'probe', label: 'Probe Sensitivity' }, { kind: 'train', label: 'Train' }, { kind: 'evaluate', label: 'Evaluate' }];
let noticeTimer: number | undefined;

export function headerSection(): HTMLElement {
  const buttons = JOBS.map(({ kind, label }) => {
    const button = custom('vscode-button', { id: `start-${kind}`, appearance: 'secondary' }, label);
    button.addEventListener('click', () => post({ type: 'startJob', kind }));
    return button;
  });
  return el('header', { class: 'header' },
    el('div', {}, el('h1', { id: 'experiment-name' }), el('p', { class: 'caption', id: 'experiment-file' }), el('p', { class: 'caption', id: 'memory-estimate' })),
    el('div', { class: 'actions' }, ...buttons),
    el('div', { id: 'notice', role: 'status' }),
    el('div', { id: 'jobs' }),
    el('ul', { id: 'notes', class: 'notes' }),
  );
}

function jobLine(job: ActiveJobView): HTMLElement {
  const progress = job.total ? `${job.phase ?? job.kind} ${job.done ?? 0}/${job.total}` : job.phase ?? '';
  const eta = job.etaSeconds !== undefined ? ` · ETA ${Math.round(job.etaSeconds)} s` : '';
  const cancel = custom('vscode-button', { appearance: 'secondary' }, 'Cancel');
  cancel.addEventListener('click', () => post({ type: 'cancelJob', jobId: job.jobId }));
  return el('div', { class: 'job' },
    job.state === 'running' ? custom('vscode-progress-ring') : custom('vscode-tag', {}, 'queued'),
    el('span', {}, `${job.kind}: ${job.state}${progress ? ` · ${progress}` : ''}${eta}`),
    cancel,
  );
}

/** "Memory estimate: probe ≈ 4.7 GiB · train ≈ 4.0 GiB · evaluate ≈ 2.1 GiB of 24 GiB" (a job that does not fit says so). */
export function memoryText(memory: MemoryView | undefined): string {
  if (!memory) return '';
  const jobs = memory.jobs.map((j) => `${j.kind} ≈ ${j.peakGiB.toFixed(1)} GiB${j.fits ? '' : ' (does not fit)'}`);
  return `Memory estimate: ${jobs.join(' · ')} of ${memory.machineGiB.toFixed(0)} GiB`;
}

export function renderHeader(snapshot: DashboardSnapshot): void {
  byId('experiment-name').textContent = snapshot.experiment.name;
  byId('experiment-file').textContent = snapshot.experiment.label;
  byId('memory-estimate').textContent = memoryText(snapshot.memory);
  byId('memory-estimate').classList.toggle('warning', snapshot.memory?.jobs.some((j) => !j.fits) ?? false);
  for (const { kind } of JOBS) {
    const button = byId(`start-${kind}`);
    button.toggleAttribute('disabled', !snapshot.trusted);
    button.title = snapshot.trusted ? '' : 'Disabled in an untrusted workspace: jobs run model code and write files.';
  }
  replaceChildren(byId('jobs'), ...snapshot.jobs.map(jobLine));
  replaceChildren(byId('notes'), ...snapshot.notes.map((n) => el('li', {}, n)));
}

export function showNotice(level: 'info' | 'warning' | 'error', message: string): void {
  const notice = byId('notice');
  notice.className = `notice ${level}`;
  notice.textContent = message;
  window.clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => { notice.textContent = ''; notice.className = ''; }, 10_000);
}
