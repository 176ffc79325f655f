import * as path from 'node:path';
import { runJobRequest } from '../../core/dispatch/dispatch';
import { interruptSignal, TerminalReporter, UsageError } from '../terminal';
import { parseFlags, requiredFlag } from './engineArgs';
import { reporterOf } from './train';

const HELP = `usage: smoe export-job --config EXPERIMENT.smoe.json --out DIR [--launcher accelerate|torchrun] [--deepspeed none|zero2|zero3]

Writes a self-contained PyTorch job for the experiment into DIR: train.py (reproduces \`smoe train\` step for
step: same data, batches, initial adapter, optimiser and schedule), probe.py (the sensitivity probe), the
LoRA-MoE layers (smoe_moe.py), job.json, pre-tokenized data, init_adapter.safetensors, requirements.txt,
accelerate_config.yaml, launch.sh and a README. It runs with transformers + PEFT when installed and with plain
PyTorch otherwise, and writes smoe's run-folder format, so its runs can be brought back (smoe.extraRunRoots).

  --config FILE     the experiment file (required)
  --out DIR         the job folder to write (required; files in it are replaced)
  --launcher L      accelerate (default) or torchrun, for launch.sh's multi-GPU lines
  --deepspeed Z     none (default: DDP-style, every process holds the model), zero2 (optimizer state and
                    gradients partitioned) or zero3 (the parameters too, the frozen base included); writes
                    ds_zero2.json / ds_zero3.json either way, and launches with the chosen one`;

export async function runExportJobCommand(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(argv, { values: ['--config', '--out', '--launcher', '--deepspeed'], help: HELP });
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const experimentFile = path.resolve(requiredFlag(flags, '--config', HELP));
  const outDir = path.resolve(requiredFlag(flags, '--out', HELP));
  const launcher = flags.get('--launcher') ?? 'accelerate';
  if (launcher !== 'accelerate' && launcher !== 'torchrun') throw new UsageError(`--launcher: "${launcher}" is not accelerate or torchrun`);
  const deepspeed = flags.get('--deepspeed') ?? 'none';
  if (deepspeed !== 'none' && deepspeed !== 'zero2' && deepspeed !== 'zero3') throw new UsageError(`--deepspeed: "${deepspeed}" is not none, zero2 or zero3`);
  const outcome = await runJobRequest({ kind: 'export-job', experimentFile, outDir, launcher, deepspeed }, { ...reporterOf(new TerminalReporter()), signal: interruptSignal() });
  const s = outcome.summary ?? {};
  process.stdout.write(`job: ${String(s.outDir)}\n  ${String(s.files)} files, ${String(s.tasks)} tasks (${String(s.examples)} examples), ${String(s.modules)} adapted modules\n  run it: cd ${path.relative(process.cwd(), outDir) || '.'} && ./launch.sh\n`);
  return 0;
}
