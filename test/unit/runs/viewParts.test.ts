// Tree items, progress text, the webview contract's validators and the page's CSP.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, dashboardHtml } from '../../../src/panel/html';
import { isDashboardWebviewState, isFromWebviewMessage, isToWebviewMessage } from '../../../src/protocol/webview';
import { estimateEta, formatDuration, ProgressTracker, progressText } from '../../../src/runs/progressState';
import { collectRunItem, keyFigureText, runRowId } from '../../../src/views/runItem';

describe('collectRunItem', () => {
  it('shows kind, key figure and started time, with a status icon and a context value for the menus', () => {
    const item = collectRunItem({ id: '20260301-103000-train', kind: 'train', status: 'succeeded', startedAt: '2026-03-01T10:30:00Z', figures: { lastLoss: 2.345678 } });
    assert.equal(item.label, 'train');
    assert.match(item.description, /^loss 2\.346 · \d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.deepEqual([item.icon, item.color, item.contextValue], ['pass', 'testing.iconPassed', 'smoe.run.succeeded.train']);
  });

  it('failed runs carry the error in the tooltip; running ones show progress; queued jobs have their own context', () => {
    const failed = collectRunItem({ id: 'r', kind: 'probe', status: 'failed', figures: {}, error: 'the background worker was killed (SIGKILL)' });
    assert.equal(failed.icon, 'error');
    assert.match(failed.tooltip, /error: the background worker was killed/);
    const running = collectRunItem({ id: 'r', kind: 'train', status: 'running', figures: {}, progress: { phase: 'train', done: 3, total: 10 } });
    assert.deepEqual([running.icon, running.description, running.contextValue], ['sync~spin', 'train · 3/10', 'smoe.run.running.train']);
    const queued = collectRunItem({ id: 'job-1', kind: 'evaluate', status: 'queued', figures: {} });
    assert.deepEqual([queued.icon, queued.description, queued.contextValue], ['clock', 'queued', 'smoe.job.queued']);
  });

  it('key figures per kind', () => {
    assert.equal(keyFigureText('probe', { totalExperts: 24 }), '24 experts');
    assert.equal(keyFigureText('evaluate', { averageAccuracy: 0.63541 }), 'avg acc 63.5%');
    assert.equal(keyFigureText('train', {}), undefined);
  });
});

describe('progress', () => {
  it('estimates the time left from the rate since the phase started, and restarts on a new phase', () => {
    assert.equal(estimateEta({ done: 0, at: 0 }, { done: 10, at: 5000 }, 30), 10);
    assert.equal(estimateEta({ done: 5, at: 0 }, { done: 5, at: 5000 }, 30), undefined);
    const tracker = new ProgressTracker();
    tracker.update({ phase: 'probe boolq', done: 0, total: 8 }, 0);
    assert.equal(tracker.update({ phase: 'probe boolq', done: 4, total: 8 }, 2000).etaSeconds, 2);
    assert.equal(tracker.update({ phase: 'probe piqa', done: 1, total: 8 }, 3000).etaSeconds, undefined);
  });

  it('formats the notification line', () => {
    assert.equal(formatDuration(65), '1 min 05 s');
    assert.equal(formatDuration(3720), '1 h 02 min');
    assert.equal(progressText({ phase: 'train', done: 12, total: 100, etaSeconds: 65 }), 'train · 12/100 · ETA 1 min 05 s');
    assert.equal(progressText({ phase: 'train', done: 100, total: 100, etaSeconds: 0 }), 'train · 100/100');
  });
});

describe('webview contract', () => {
  const choice = { strategy: 'vote', budgetKind: 'experts', budgetValue: 24, percentile: 60, scope: 'pooled' };

  it('accepts every well-formed request from the webview', () => {
    for (const message of [
      { type: 'ready' }, { type: 'whatIf', requestId: 3, choice }, { type: 'applyAllocation', choice }, { type: 'startJob', kind: 'train' },
      { type: 'cancelJob', jobId: 'job-1' }, { type: 'selectTrainingRun', runId: 'r' },
    ]) assert.ok(isFromWebviewMessage(message), JSON.stringify(message));
  });

  it('drops anything else', () => {
    for (const message of [
      null, 'ready', { type: 'nope' }, { type: 'whatIf', requestId: 1.5, choice }, { type: 'whatIf', requestId: 1, choice: { ...choice, percentile: 120 } },
      { type: 'applyAllocation', choice: { ...choice, strategy: 'magic' } }, { type: 'applyAllocation', choice: { ...choice, budgetValue: -1 } },
      { type: 'startJob', kind: 'demo' }, { type: 'cancelJob', jobId: '' }, { type: 'selectTrainingRun' },
    ]) assert.ok(!isFromWebviewMessage(message), JSON.stringify(message));
  });

  it('checks what the extension sends and the persisted state', () => {
    assert.ok(isToWebviewMessage({ type: 'notice', level: 'info', message: 'x' }));
    assert.ok(isToWebviewMessage({ type: 'whatIfResult', requestId: 2, view: { choice } }));
    assert.ok(!isToWebviewMessage({ type: 'snapshot', snapshot: {} }));
    assert.ok(isDashboardWebviewState({ experimentFile: '/w/a.smoe.json' }));
    assert.ok(!isDashboardWebviewState({ experimentFile: '' }));
  });
});

describe('dashboard page', () => {
  it('has a strict CSP: nothing by default, scripts and styles by nonce or from the extension', () => {
    const csp = contentSecurityPolicy('vscode-resource:', 'abc');
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    assert.doesNotMatch(csp, /unsafe/);
    const html = dashboardHtml({ cspSource: 'vscode-resource:', scriptUri: 'https://x/webview.js', styleUri: 'https://x/dashboard.css', title: 'Dashboard: <a>' }, 'abc');
    assert.match(html, /<script nonce="abc" src="https:\/\/x\/webview.js"><\/script>/);
    assert.match(html, /<title>Dashboard: &#60;a&#62;<\/title>/);
    assert.doesNotMatch(html, /<script>(?!<)/);
  });
});

describe('runRowId', () => {
  it('a training run row changes id when its job ends (the progress row under it goes with the old row)', () => {
    assert.notEqual(runRowId('/w/.smoe/runs/1-train', 'train', true), runRowId('/w/.smoe/runs/1-train', 'train', false));
  });

  it('a sweep row keeps its id when its job ends: a new id is a new, collapsed row, and the member runs under it vanish', () => {
    assert.equal(runRowId('/w/.smoe/runs/1-sweep', 'sweep', true), runRowId('/w/.smoe/runs/1-sweep', 'sweep', false));
  });
});
