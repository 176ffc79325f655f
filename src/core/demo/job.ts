import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobContext } from '../runFolder/context';
import type { JobOutcome, RunDirListener } from '../runFolder/context';
import type { JobRequest } from '../jobs/requests';
import { EXPERIMENT_FILES } from './experimentFiles';
import { noteStartedRun, runPhases } from './phases';
import { pipelinePhases } from './pipeline';
import { gatherResults, writeReport } from './report/write';
import { demoSettings, workspaceKey } from './settings';
import { readState } from './state';
import { formatResultsTable } from './table';

type DemoRequest = Extract<JobRequest, { kind: 'demo' }>;

/** The inner jobs each repeat engine notices (e.g. why CUDA is not used); say each warning once. */
function warnOnce(ctx: JobContext): JobContext {
  const seen = new Set<string>();
  return {
    ...ctx,
    log: (level, message) => {
      if (level === 'warn' && seen.has(message)) return;
      seen.add(message);
      ctx.log(level, message);
    },
  };
}

/**
 * The demo job: writes the workspace into `request.outDir`, runs probe → allocate → train → evaluate
 * through the other jobs, and writes report.html. Resumable: finished phases are skipped on a rerun.
 * The outer run-folder listener is not told about the inner jobs' folders (there are eleven); the
 * experiment file and the report are announced as artifacts instead.
 */
export async function runDemoJob(request: DemoRequest, outer: JobContext, _onRunDir?: RunDirListener): Promise<JobOutcome> {
  const ctx = warnOnce(outer);
  const workspace = path.resolve(request.outDir);
  const settings = demoSettings(Boolean(request.quick));
  fs.mkdirSync(workspace, { recursive: true });
  const { state, reset } = readState(workspace, workspaceKey(settings));
  if (reset) ctx.log('info', `${workspace} was made with other settings: starting over (earlier runs stay in .smoe/runs)`);
  const engine = { device: request.device, threads: request.threads };
  const phases = pipelinePhases(
    { workspace, settings, engine, onRunDir: (id, dir) => noteStartedRun(workspace, state, id, dir) },
    (id) => (state.phases[id]?.runDir ? path.resolve(workspace, state.phases[id].runDir as string) : undefined),
  );
  await runPhases(phases, { workspace, state, ctx });
  const results = gatherResults(workspace, state, settings);
  const written = writeReport(workspace, results);
  if (written.warning) ctx.log('warn', written.warning);
  const experimentFile = path.join(workspace, EXPERIMENT_FILES.vote);
  ctx.artifact({ name: EXPERIMENT_FILES.vote, path: experimentFile });
  ctx.artifact({ name: 'report.html', path: written.report });
  const table = formatResultsTable(results);
  ctx.log('info', `report: ${written.report}`);
  // The table is in the summary: the CLI prints it on stdout, the extension in its output channel.
  return { summary: { workspace, experimentFile, report: written.report, results: written.results, table } };
}
