// "Create Demo Workspace" end to end, in a real VS Code (code-server): the real worker writes a quick demo
// (tiny pre-trained model, four tasks, probe → allocate → train → evaluate, report.html) into the test
// workspace; when the job ends the extension opens the demo's experiment file and its dashboard.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE } from '../../../src/panel/dashboardPanel';
import { activatedExtension } from './manifest';
import { hook, job, pollAsync, uniqueDir, waitForExchange, waitJob } from './runsFixture';

// --quick takes ~15 s on a quiet machine and up to ~70 s on a loaded one; the waits below poll, this only bounds them.
const DEMO_TIMEOUT_MS = 240_000;

const samePath = (a: string, b: string) => path.resolve(a) === path.resolve(b);

function openTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

/** The tab showing `file` as text, if any. */
function textTab(file: string): vscode.Tab | undefined {
  return openTabs().find((tab) => tab.input instanceof vscode.TabInputText && samePath(tab.input.uri.fsPath, file));
}

/** Dashboard tabs (code-server may prefix the view type, e.g. `mainThreadWebview-smoe.dashboard`). */
function dashboardTabs(): vscode.Tab[] {
  return openTabs().filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(DASHBOARD_VIEW_TYPE));
}

function assertNonEmptyFile(file: string): void {
  assert.ok(fs.existsSync(file), `${file} is missing`);
  assert.ok(fs.statSync(file).size > 0, `${file} is empty`);
}

describe('Create Demo Workspace', function () {
  this.timeout(DEMO_TIMEOUT_MS);

  before(async () => {
    await activatedExtension();
    await hook('setWorker', {}); // the real worker, whatever an earlier suite left
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('writes a quick demo workspace, then opens its experiment file and dashboard', async () => {
    const outDir = path.join(uniqueDir('demo'), 'smoe-demo');
    const experimentFile = path.join(outDir, 'demo.smoe.json');

    const started = await vscode.commands.executeCommand<{ jobId: string }>('smoe.createDemoWorkspace', { outDir, quick: true });
    assert.ok(started?.jobId, 'smoe.createDemoWorkspace did not start a job');
    assert.strictEqual((await job(started.jobId))?.kind, 'demo');

    const outcome = await waitJob(started.jobId);
    assert.strictEqual(outcome.status, 'succeeded', JSON.stringify(outcome));
    const finished = await job(started.jobId);
    assert.strictEqual(finished?.state, 'finished');
    assert.strictEqual(finished?.outcome?.status, 'succeeded');
    const summary = outcome.status === 'succeeded' ? outcome.summary : undefined;
    assert.ok(summary && typeof summary.experimentFile === 'string', `no experiment file in the summary: ${JSON.stringify(outcome)}`);
    assert.ok(samePath(summary.experimentFile as string, experimentFile), `summary names ${String(summary.experimentFile)}`);

    // The workspace: experiment file, Hugging Face model folder, task data, report.
    for (const rel of ['demo.smoe.json', 'model/config.json', 'model/model.safetensors', 'model/tokenizer.json', 'report.html']) {
      assertNonEmptyFile(path.join(outDir, rel));
    }
    const experiment = JSON.parse(fs.readFileSync(experimentFile, 'utf8')) as { model: { path: string }; tasks: { name: string; train: string; test?: string }[] };
    assert.strictEqual(experiment.model.path, 'model');
    assert.ok(experiment.tasks.length > 0, 'the demo experiment has no tasks');
    for (const task of experiment.tasks) {
      for (const rel of [task.train, task.test]) {
        assert.ok(rel, `task ${task.name} lacks a data file`);
        const data = JSON.parse(fs.readFileSync(path.join(outDir, rel), 'utf8')) as unknown;
        assert.ok(Array.isArray(data) && data.length > 0, `${rel} holds no examples`);
      }
    }
    assert.match(fs.readFileSync(path.join(outDir, 'report.html'), 'utf8'), /<html/i);

    // announceDemo runs after the job settles: poll for the editor and the dashboard.
    const tab = await pollAsync(async () => textTab(experimentFile), 30_000, `an editor tab for ${experimentFile}`);
    assert.ok(vscode.workspace.textDocuments.some((d) => samePath(d.uri.fsPath, experimentFile)), 'the experiment file is not an open document');
    assert.ok(!tab.isPreview, 'the experiment file was opened as a preview');
    const log = await waitForExchange(experimentFile, (l) => l.sent.includes('snapshot'), 60_000);
    assert.strictEqual(log.received[0], 'ready', `the webview sent ${JSON.stringify(log.received)} first`);
    assert.ok(!log.received.includes('invalid'), `invalid messages from the webview: ${JSON.stringify(log.received)}`);
    assert.ok((log.lastSnapshot?.runs ?? 0) > 0, `the dashboard shows no runs: ${JSON.stringify(log.lastSnapshot)}`);
    // The vote, uniform and plain-LoRA runs live in three experiment files; the comparison shows them in one table.
    const rows = (await waitForExchange(experimentFile, (l) => (l.lastSnapshot?.comparisonRows.length ?? 0) >= 3, 30_000)).lastSnapshot?.comparisonRows ?? [];
    for (const name of ['demo.smoe.json', 'demo-uniform.smoe.json', 'demo-lora.smoe.json']) {
      assert.ok(rows.some((id) => id.includes(`smoe-demo/${name}/`)), `no comparison row of ${name}: ${JSON.stringify(rows)}`);
    }
    const dashboards = dashboardTabs();
    assert.strictEqual(dashboards.length, 1, `dashboard tabs: ${JSON.stringify(openTabs().map((t) => t.label))}`);
    assert.strictEqual(dashboards[0].label, `Dashboard: ${path.basename(experimentFile)}`);
  });
});
