import * as path from 'node:path';
import { JobCancelledError } from '../../core/runFolder/context';
import { runJobRequest } from '../../core/dispatch/dispatch';
import type { DeviceChoice } from '../../core/experiment/types';
import { interruptSignal, TerminalReporter, UsageError } from '../terminal';
import { deviceValue } from './engineArgs';

const HELP = `usage: smoe demo [--out DIR] [--quick] [--device auto|cpu|cuda|webgpu] [--threads N] [--verbose]

Writes a self-contained demo workspace (a small pre-trained LLaMA-style model, four generated tasks,
experiment files), then probes, allocates experts (vote, uniform, plain LoRA at one budget), trains,
evaluates, prints the results table and writes report.html. Ctrl-C stops after the current step;
running it again resumes.

  --out DIR       workspace folder (default ./smoe-demo)
  --quick         a smaller, faster version (about 2 minutes)
  --device D      execution provider: auto (default), cpu, cuda or webgpu
  --threads N     onnxruntime intra-op threads (0: one per core)
  --verbose       also print where each graph's nodes ran (nodes that fell off a GPU always print)`;

export interface DemoArgs {
  outDir: string;
  quick: boolean;
  verbose: boolean;
  device?: DeviceChoice;
  threads?: number;
  help: boolean;
}

function valueOf(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n\n${HELP}`);
  return value;
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { outDir: 'smoe-demo', quick: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--quick') args.quick = true;
    else if (flag === '--verbose') args.verbose = true;
    else if (flag === '--out') args.outDir = valueOf(argv, i++, flag);
    else if (flag === '--device') {
      args.device = deviceValue(valueOf(argv, i++, flag));
    } else if (flag === '--threads') {
      const threads = Number(valueOf(argv, i++, flag));
      if (!Number.isInteger(threads) || threads < 0) throw new UsageError('--threads must be a whole number (0: one per core)');
      args.threads = threads;
    } else throw new UsageError(`unknown option "${flag}"\n\n${HELP}`);
  }
  return args;
}

/** `smoe demo`: the table goes to stdout, progress bars and logs to stderr. */
export async function runDemoCommand(argv: string[]): Promise<number> {
  const args = parseDemoArgs(argv);
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const outDir = path.resolve(args.outDir);
  const reporter = new TerminalReporter(process.stderr, false, args.verbose);
  try {
    const outcome = await runJobRequest(
      { kind: 'demo', outDir, quick: args.quick, device: args.device, threads: args.threads },
      {
        signal: interruptSignal(),
        progress: (e) => reporter.progress(e),
        log: (level, message) => reporter.log(level, message),
        metric: (e) => reporter.metric(e),
        artifact: () => reporter.artifact(),
      },
    );
    process.stdout.write(`\n${String(outcome.summary?.table ?? '')}\n\nreport: ${String(outcome.summary?.report ?? '')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof JobCancelledError)) throw error;
    process.stderr.write(`stopped; completed phases are kept in ${outDir}. Run the same command again to resume.\n`);
    return 130;
  }
}
