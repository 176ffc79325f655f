// The `export-job` job for the CLI and the worker (core/jobs/dispatch loads it lazily, like the demo).
import type { JobContext, JobOutcome, RunDirListener } from '../runFolder/context';
import type { JobRequest } from '../jobs/requests';
import { exportJob } from './exportJob';

type ExportJobRequest = Extract<JobRequest, { kind: 'export-job' }>;

export async function runExportJob(request: ExportJobRequest, ctx: JobContext, _onRunDir: RunDirListener): Promise<JobOutcome> {
  ctx.progress({ phase: 'export job', done: 0, total: 1, message: 'encoding the tasks' });
  const result = await exportJob({ experimentFile: request.experimentFile, outDir: request.outDir, launcher: request.launcher, deepspeed: request.deepspeed, warn: (m) => ctx.log('warn', m) });
  ctx.progress({ phase: 'export job', done: 1, total: 1 });
  const examples = result.spec.tasks.reduce((s, t) => s + t.examples, 0);
  ctx.log('info', `exported ${result.files.length} files to ${result.outDir}: ${result.spec.tasks.length} tasks (${examples} examples), ${result.spec.modules.length} adapted modules`);
  return { summary: { outDir: result.outDir, files: result.files.length, tasks: result.spec.tasks.length, examples, modules: result.spec.modules.length } };
}
