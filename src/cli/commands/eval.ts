import * as path from 'node:path';
import { JobCancelledError } from '../../core/runFolder/context';
import { runJobRequest } from '../../core/dispatch/dispatch';
import type { EvalReport } from '../../core/train/evalReport';
import { formatTable, interruptSignal, TerminalReporter } from '../terminal';
import { deviceFlag, parseFlags, requiredFlag, wholeFlag } from './engineArgs';
import { reporterOf } from './train';

const HELP = `usage: smoe eval --config EXPERIMENT.smoe.json [--adapter RUN_DIR] [--limit N] [--device auto|cpu|cuda|webgpu] [--threads N] [--verbose]

Evaluates every task's test set: greedy generation (up to evaluation.maxNewTokens), the first match of
the task's answer pattern against its answer, accuracy per task and on average, and the mean held-out
loss. Without --adapter it evaluates the base model alone (the "before" row). Writes eval.json into
.smoe/runs/<time>-evaluate/.

  --config FILE      the experiment file (required)
  --adapter RUN_DIR  a finished training run, or a folder with an exported adapter
  --limit N          at most N test examples per task (overrides evaluation.limit)
  --device D         execution provider: auto (default), cpu, cuda or webgpu
  --threads N        onnxruntime intra-op threads (0: one per core)
  --verbose          also print where each graph's nodes ran (nodes that fell off a GPU always print)`;

export function evalTable(report: EvalReport): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const count = (t: { accuracy: number | null; correct: number; examples: number }) => (t.accuracy === null ? 'n/a' : `${t.correct}/${t.examples}`);
  const rows = Object.entries(report.tasks).map(([task, t]) => [task, count(t), pct(t.accuracy), t.loss.toFixed(4)]);
  const answered = Object.values(report.tasks).filter((t) => t.accuracy !== null).reduce((n, t) => n + t.examples, 0);
  rows.push(['average', count({ ...report.average, examples: answered }), pct(report.average.accuracy), report.average.loss.toFixed(4)]);
  const note = Object.values(report.tasks).some((t) => t.accuracy === null) ? '\nn/a: the test data has no answer text (pre-tokenized records); only the held-out loss is measured' : '';
  return `${formatTable(['task', 'correct', 'accuracy', 'loss'], rows)}${note}`;
}

export async function runEvalCommand(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(argv, { values: ['--config', '--adapter', '--limit', '--device', '--threads'], switches: ['--verbose'], help: HELP });
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const adapter = flags.get('--adapter');
  const reporter = new TerminalReporter(process.stderr, false, flags.has('--verbose'));
  try {
    const outcome = await runJobRequest(
      {
        kind: 'evaluate', experimentFile: path.resolve(requiredFlag(flags, '--config', HELP)), adapterRun: adapter ? path.resolve(adapter) : undefined,
        limit: wholeFlag(flags, '--limit', 1), device: deviceFlag(flags), threads: wholeFlag(flags, '--threads', 0),
      },
      { ...reporterOf(reporter), signal: interruptSignal() },
    );
    const report = outcome.summary?.report as EvalReport | undefined;
    process.stdout.write(`${report ? evalTable(report) : ''}\n\nrun: ${outcome.runDir ?? '?'}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof JobCancelledError)) throw error;
    process.stderr.write('stopped; nothing was written to eval.json\n');
    return 130;
  }
}
