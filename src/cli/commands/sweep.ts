import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { JobCancelledError } from '../../core/runFolder/context';
import { runJobRequest } from '../../core/dispatch/dispatch';
import { planSweep, SweepPlanError, type SweepPlan } from '../../core/jobs/sweep';
import { cancelEntries, queueProgress, readQueue } from '../../core/jobs/sweepQueue';
import type { SweepComparison } from '../../core/jobs/sweepSummary';
import { formatMeanInterval } from '../../core/stats';
import { formatTable, interruptSignal, TerminalReporter, UsageError } from '../terminal';
import { deviceFlag, parseFlags, wholeFlag } from './engineArgs';
import { reporterOf } from './train';

const HELP = `usage: smoe sweep --config EXPERIMENT.smoe.json [--yes] [--device auto|cpu|cuda] [--threads N]
       smoe sweep --config EXPERIMENT.smoe.json --resume SWEEP_DIR
       smoe sweep --cancel RUN_ID|all --sweep SWEEP_DIR
       smoe sweep --status SWEEP_DIR

Runs every combination of the experiment's "sweep" lists (seeds, strategies, budgets, percentiles): for each,
allocate the experts, train, evaluate. The runs are queued in .smoe/runs/<time>-sweep/queue.json and run one
at a time; Ctrl-C (or a killed process) keeps the queue, --resume continues it without repeating finished
runs. At the end it prints each configuration's mean ± 95% CI across seeds and the paired differences.

  --config FILE     the experiment file with a "sweep" section
  --yes             run even when the sweep has more runs than sweep.maxRuns (otherwise it asks)
  --resume DIR      continue a sweep run folder
  --cancel ID|all   cancel one queued or running run (it stops after its current phase), or all of them
  --sweep DIR       the sweep run folder for --cancel
  --status DIR      print the queue (k of n done, each run's state)`;

async function confirmed(runs: number, maxRuns: number, yes: boolean): Promise<boolean> {
  if (yes || runs <= maxRuns) return true;
  if (!process.stdin.isTTY) throw new UsageError(`the sweep makes ${runs} runs, more than sweep.maxRuns (${maxRuns}); add --yes to run them all`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`The sweep makes ${runs} runs (more than sweep.maxRuns ${maxRuns}). Run them all? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export function formatComparison(c: SweepComparison): string {
  const rows = c.configurations.map((r) => [
    r.key, r.trainableParams?.toLocaleString('en-US') ?? '-', r.seeds.join(','),
    ...c.tasks.map((t) => formatMeanInterval(r.perTask[t].accuracy)), formatMeanInterval(r.accuracy), formatMeanInterval(r.loss, 3, 1, ''),
  ]);
  const table = formatTable(['configuration', 'trainable', 'seeds', ...c.tasks.map((t) => `${t} acc`), 'average acc', 'average loss'], rows);
  const lines = c.differences.flatMap((d) => d.lines.map((l) => `  ${l}`));
  return lines.length ? `${table}\n\npaired differences (95% paired-bootstrap CI over the common seeds and test examples):\n${lines.join('\n')}` : table;
}

function statusText(dir: string): string {
  const queue = readQueue(dir);
  const { done, total } = queueProgress(queue);
  return `${done} of ${total} runs finished${queue.stopRequested ? ' (stop requested)' : ''}\n${formatTable(['run', 'status'], queue.entries.map((e) => [e.spec.id, e.status]))}`;
}

function cancelCommand(flags: Map<string, string>): number {
  const dir = flags.get('--sweep');
  if (!dir) throw new UsageError(`--cancel needs --sweep SWEEP_DIR\n\n${HELP}`);
  const which = flags.get('--cancel') as string;
  const cancelled = cancelEntries(path.resolve(dir), which === 'all' ? undefined : which);
  process.stdout.write(`cancelled: ${cancelled.length ? cancelled.join(', ') : 'nothing (those runs had finished)'}\n`);
  return 0;
}

/** The checked plan, or undefined after printing why the sweep cannot start. */
function checkedPlan(experimentFile: string): SweepPlan | undefined {
  try {
    return planSweep(experimentFile);
  } catch (error) {
    if (!(error instanceof SweepPlanError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

async function runSweep(flags: Map<string, string>, yes: boolean): Promise<number> {
  const config = flags.get('--config');
  if (!config) throw new UsageError(`--config is required\n\n${HELP}`);
  const experimentFile = path.resolve(config);
  const resume = flags.get('--resume');
  const plan = checkedPlan(experimentFile);
  if (!plan) return 2;
  if (!resume && !(await confirmed(plan.specs.length, plan.maxRuns, yes))) { process.stderr.write('not started\n'); return 1; }
  const reporter = new TerminalReporter();
  let sweepDir: string | undefined;
  try {
    const outcome = await runJobRequest(
      { kind: 'sweep', experimentFile, resumeSweep: resume ? path.resolve(resume) : undefined, confirmed: true, device: deviceFlag(flags), threads: wholeFlag(flags, '--threads', 0) },
      { ...reporterOf(reporter), signal: interruptSignal() },
      (dir) => { sweepDir = dir; },
    );
    process.stdout.write(`${formatComparison(outcome.summary?.comparison as SweepComparison)}\n\nsweep: ${outcome.runDir}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof JobCancelledError)) throw error;
    process.stderr.write(`stopped; finished runs are kept. Continue with: smoe sweep --config ${path.relative(process.cwd(), experimentFile)} --resume ${sweepDir ?? 'SWEEP_DIR'}\n`);
    return 130;
  }
}

/** `smoe sweep`: the comparison on stdout, progress on stderr. */
export async function runSweepCommand(argv: string[]): Promise<number> {
  const yes = argv.includes('--yes');
  const { flags, help } = parseFlags(argv.filter((a) => a !== '--yes'), { values: ['--config', '--resume', '--cancel', '--sweep', '--status', '--device', '--threads'], help: HELP });
  if (help) { process.stdout.write(`${HELP}\n`); return 0; }
  if (flags.has('--status')) { process.stdout.write(`${statusText(path.resolve(flags.get('--status') as string))}\n`); return 0; }
  if (flags.has('--cancel')) return cancelCommand(flags);
  return runSweep(flags, yes);
}
