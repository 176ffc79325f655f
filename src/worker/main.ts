/**
 * The background worker: one job per process, driven over Node IPC by the extension (src/protocol/worker.ts).
 * onnxruntime blocks its thread for a whole run, so it lives here and never in the extension host.
 */
import { JobCancelledError, type JobContext } from '../core/runFolder/context';
import { runJobRequest } from '../core/dispatch/dispatch';
import { userMessage } from '../core/runFolder/userMessage';
import { isToWorkerMessage, type FromWorkerMessage, type StartJobMessage } from '../protocol/worker';
import { ProgressPace } from './progressPace';

const controller = new AbortController();
let started = false;

function send(message: FromWorkerMessage): void {
  process.send?.(message);
}

function contextFor(jobId: string, pace: ProgressPace): JobContext {
  return {
    signal: controller.signal,
    progress: (progress) => pace.report(progress),
    metric: (metric) => send({ type: 'metric', jobId, metric }),
    log: (level, message) => send({ type: 'log', jobId, level, message }),
    artifact: (artifact) => send({ type: 'artifact', jobId, artifact }),
  };
}

async function runStart(message: StartJobMessage): Promise<void> {
  const { jobId, request } = message;
  let runDir: string | undefined;
  const pace = new ProgressPace((progress) => send({ type: 'progress', jobId, progress }));
  try {
    const outcome = await runJobRequest(request, contextFor(jobId, pace), (dir) => {
      runDir = dir;
      send({ type: 'started', jobId, runDir: dir });
    });
    pace.flush();
    send({ type: 'done', jobId, cancelled: false, runDir: outcome.runDir ?? runDir, summary: outcome.summary });
  } catch (error) {
    pace.flush();
    if (error instanceof JobCancelledError) send({ type: 'done', jobId, cancelled: true, runDir });
    else send({ type: 'failed', jobId, message: userMessage(error), runDir });
  }
}

process.on('message', (raw: unknown) => {
  if (!isToWorkerMessage(raw)) return;
  switch (raw.type) {
    case 'start':
      if (started) return;
      started = true;
      void runStart(raw).finally(() => setTimeout(() => process.exit(0), 50));
      return;
    case 'cancel':
      controller.abort();
      return;
    default: {
      const never: never = raw;
      void never;
    }
  }
});

process.on('disconnect', () => process.exit(0));
// A SIGTERM (the extension host shutting down, or `kill`) cancels like the Cancel command: checkpoint, "cancelled".
process.on('SIGTERM', () => {
  if (!started || controller.signal.aborted) process.exit(143);
  controller.abort();
});
