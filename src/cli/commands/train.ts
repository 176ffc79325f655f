import * as path from 'node:path';
import { JobCancelledError, type MetricEvent } from '../../core/runFolder/context';
import { runJobRequest } from '../../core/dispatch/dispatch';
import { formatDuration, formatTable, interruptSignal, TerminalReporter } from '../terminal';
import { deviceFlag, parseFlags, positiveFlag, requiredFlag, wholeFlag } from './engineArgs';

const HELP = `usage: smoe train --config EXPERIMENT.smoe.json [--max-steps N] [--learning-rate LR] [--seed N] [--resume RUN_DIR [--from-checkpoint step-N]] [--device auto|cpu|cuda|webgpu] [--threads N] [--verbose]

Fine-tunes the experiment's base model with LoRA-MoE adapters placed by its expert map, on all its
tasks at once. The run lands in .smoe/runs/<time>-train/ beside the experiment file: checkpoints,
events.jsonl and, at the end, adapter.safetensors + adapter_config.json + experts.json.
Ctrl-C (or SIGTERM) stops at the next step boundary and writes a checkpoint; --resume continues it exactly,
taking from the experiment file the training settings that can change safely (learning rate, schedule, steps,
weight decay, clipping, betas, eps, checkpointing) and saying which.

  --config FILE     the experiment file (required)
  --max-steps N     override training.maxSteps
  --learning-rate LR  override training.learningRate
  --seed N          override training.seed (run.json records every override)
  --resume RUN_DIR  continue a stopped or crashed training run from its newest readable checkpoint
  --from-checkpoint step-N  with --resume: continue from that checkpoint instead (e.g. before a divergence)
  --device D        execution provider: auto (default), cpu, cuda or webgpu
  --threads N       onnxruntime intra-op threads (0: one per core)
  --verbose         also print where each graph's nodes ran (nodes that fell off a GPU always print)`;

/** `smoe train`: progress with ETA on stderr, the summary table on stdout. */
export async function runTrainCommand(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(argv, { values: ['--config', '--max-steps', '--learning-rate', '--seed', '--resume', '--from-checkpoint', '--device', '--threads'], switches: ['--verbose'], help: HELP });
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const experimentFile = path.resolve(requiredFlag(flags, '--config', HELP));
  const resume = flags.get('--resume');
  const reporter = new TerminalReporter(process.stderr, false, flags.has('--verbose'));
  let runDir: string | undefined;
  try {
    const outcome = await runJobRequest(
      {
        kind: 'train', experimentFile, maxSteps: wholeFlag(flags, '--max-steps', 1), learningRate: positiveFlag(flags, '--learning-rate'), seed: wholeFlag(flags, '--seed', 0), resumeRun: resume ? path.resolve(resume) : undefined, fromCheckpoint: flags.get('--from-checkpoint'),
        device: deviceFlag(flags), threads: wholeFlag(flags, '--threads', 0),
      },
      { ...reporterOf(reporter), signal: interruptSignal() },
      (dir) => { runDir = dir; },
    );
    const s = outcome.summary ?? {};
    const rows: (string | number)[][] = [
      ['steps', String(s.steps ?? '-')],
      ['final loss', typeof s.finalLoss === 'number' ? s.finalLoss.toFixed(4) : '-'],
      ['trainable parameters', typeof s.trainableParams === 'number' ? s.trainableParams.toLocaleString('en-US') : '-'],
      ['experts', String(s.totalExperts ?? '-')],
      ['tokens/s', typeof s.tokensPerSecond === 'number' ? s.tokensPerSecond.toFixed(0) : '-'],
      ['time', typeof s.seconds === 'number' ? formatDuration(s.seconds) : '-'],
    ];
    process.stdout.write(`${formatTable(['train', 'value'], rows)}\n\nrun: ${outcome.runDir ?? runDir ?? '?'}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof JobCancelledError)) throw error;
    process.stderr.write(`${error.message === 'cancelled' ? 'stopped' : error.message}\nresume with: smoe train --config ${path.relative(process.cwd(), experimentFile)} --resume ${runDir ?? 'RUN_DIR'}\n`);
    return 130;
  }
}

export function reporterOf(reporter: TerminalReporter) {
  return {
    progress: (e: Parameters<TerminalReporter['progress']>[0]) => reporter.progress(e),
    log: (level: 'info' | 'warn' | 'error', message: string) => reporter.log(level, message),
    metric: (e: MetricEvent) => reporter.metric(e),
    artifact: () => reporter.artifact(),
  };
}
