// `smoe probe`: per-task sensitivity of every target matrix (DESIGN.md §3.2) from flags, or an experiment's run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SENSITIVITY_FILE } from '../../core/algo/sensitivity';
import type { ProbeSettings } from '../../core/experiment/types';
import { sectionDefaults } from '../../core/experiment/defaults';
import { JobCancelledError, type JobContext } from '../../core/runFolder/context';
import { runJobRequest } from '../../core/dispatch/dispatch';
import { isModuleType, MODULE_TYPES, type ModuleType } from '../../core/model/config';
import { probeWithInputs, type ProbeJobPlan } from '../../core/jobs/probe';
import type { ProbeOutcome } from '../../core/probe/run';
import type { MethodChoice } from '../../core/probe/targets';
import { formatDuration, formatTable, interruptSignal, TerminalReporter, UsageError } from '../terminal';
import { engineReports } from '../../core/jobs/engineOptions';
import { deviceFlag } from './engineArgs';
import { reporterOf } from './train';

const HELP = `usage: smoe probe --model PATH --task NAME=FILE [--task NAME=FILE ...] --out FILE [options]
       smoe probe --config EXPERIMENT.smoe.json [--out FILE] [--device D] [--threads N] [--verbose]

Measures, per task, S_t(W) = sum over sampled examples of ||dL_e/dW||_F^2 for every target matrix of
the frozen model (DESIGN.md §3.2) and writes sensitivity.json for \`smoe allocate\`. With --config the
run lands in .smoe/runs/<time>-probe/ beside the experiment file (--out copies the result too).
Ctrl-C stops after the current batch and keeps the examples already probed (meta.partial = true).

  --model PATH       HF model folder or llama2.c .bin
  --tokenizer PATH   tokenizer.json / tokenizer.bin for text data (default: the model's own)
  --task NAME=FILE   a task and its data (LLM-Adapters JSON/JSONL or pre-tokenized JSONL); repeatable
  --modules LIST     module types to measure (default all seven: ${MODULE_TYPES.join(',')})
  --samples N        examples sampled per task (default 32; all, in file order, when fewer)
  --seed S           sampling seed (default 42)
  --max-length L     examples are truncated to L tokens (default 256)
  --clip C           per-example gradient clipping at norm C (default off)
  --method M         auto (default: the cheaper form per module), ghost or direct
  --batch-size N     examples per graph run (default 8)
  --device D         execution provider: auto (default), cpu, cuda or webgpu
  --threads N        onnxruntime intra-op threads (0: one per core)
  --out FILE         where to write sensitivity.json
  --verbose          also print where each graph's nodes ran (nodes that fell off a GPU always print)
  --config FILE      probe an experiment file instead (its model, tasks, adapter.targetModules, probe settings)`;

const OPTIONS = {
  config: { type: 'string' }, model: { type: 'string' }, tokenizer: { type: 'string' }, task: { type: 'string', multiple: true },
  modules: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, 'max-length': { type: 'string' },
  clip: { type: 'string' }, method: { type: 'string' }, 'batch-size': { type: 'string' }, device: { type: 'string' },
  threads: { type: 'string' }, out: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];
type NumberFlag = 'samples' | 'seed' | 'max-length' | 'clip' | 'batch-size' | 'threads';

const DIRECT_ONLY = ['model', 'tokenizer', 'task', 'modules', 'samples', 'seed', 'max-length', 'clip', 'method', 'batch-size'] as const;

function parse(argv: string[]): Values {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
}

function numberFlag(values: Values, flag: NumberFlag, check: (n: number) => boolean, what: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} must be ${what}, not "${raw}"`);
  return n;
}

const deviceOf = (values: Values) => deviceFlag(new Map(values.device === undefined ? [] : [['--device', values.device]]));

const whole = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

function tasksOf(values: Values): { name: string; file: string }[] {
  const tasks = (values.task ?? []).map((spec) => {
    const match = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(spec);
    if (!match) throw new UsageError(`--task "${spec}" must be NAME=FILE (name: letters, digits, _ . -)`);
    return { name: match[1], file: path.resolve(match[2]) };
  });
  if (tasks.length === 0) throw new UsageError(`give at least one --task NAME=FILE\n\n${HELP}`);
  const names = tasks.map((t) => t.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new UsageError(`--task ${repeated} is given twice; task names must be unique`);
  return tasks;
}

function modulesOf(values: Values): ModuleType[] {
  if (values.modules === undefined) return [...MODULE_TYPES];
  const types = values.modules.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = types.find((t) => !isModuleType(t));
  if (bad !== undefined || types.length === 0) throw new UsageError(`--modules: "${bad ?? values.modules}" is not a module type (${MODULE_TYPES.join(', ')})`);
  return types as ModuleType[];
}

function methodOf(values: Values, fallback: MethodChoice): MethodChoice {
  const raw = values.method ?? fallback;
  if (raw !== 'auto' && raw !== 'ghost' && raw !== 'direct') throw new UsageError(`--method must be auto, ghost or direct, not "${raw}"`);
  return raw;
}

function planOf(values: Values, ctx: JobContext): ProbeJobPlan {
  const defaults = sectionDefaults('probe') as ProbeSettings;
  if (values.model === undefined) throw new UsageError(`--model is required (or --config)\n\n${HELP}`);
  const threads = numberFlag(values, 'threads', whole(0), 'a whole number of at least 0');
  return {
    model: { path: path.resolve(values.model), format: 'auto', tokenizer: values.tokenizer ? path.resolve(values.tokenizer) : undefined, field: '--model' },
    tasks: tasksOf(values),
    modules: modulesOf(values),
    samplesPerTask: numberFlag(values, 'samples', whole(1), 'a whole number of at least 1') ?? defaults.samplesPerTask,
    seed: numberFlag(values, 'seed', Number.isInteger, 'a whole number') ?? defaults.seed,
    maxLength: numberFlag(values, 'max-length', whole(2), 'a whole number of at least 2') ?? defaults.maxLength,
    clip: numberFlag(values, 'clip', (n) => n > 0, 'a positive number') ?? defaults.clip,
    method: methodOf(values, defaults.method),
    batchSize: numberFlag(values, 'batch-size', whole(1), 'a whole number of at least 1'),
    trainOnInputs: false,
    tokenizerHint: '--tokenizer',
    engine: { device: deviceOf(values) ?? 'auto', intraOpThreads: threads || undefined, ...engineReports(ctx) },
  };
}

function summaryTable(outcome: Pick<ProbeOutcome, 'table' | 'examples'>): string {
  const rows = Object.entries(outcome.table.tasks).map(([task, values]) => {
    const ranked = Object.entries(values).sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((sum, [, s]) => sum + s, 0);
    return [task, String(outcome.examples[task] ?? 0), total.toExponential(3), ranked[0]?.[0] ?? '-'];
  });
  return formatTable(['task', 'examples', 'sum of S', 'most sensitive'], rows);
}

async function runDirect(values: Values, ctx: JobContext): Promise<number> {
  if (values.out === undefined) throw new UsageError(`--out is required\n\n${HELP}`);
  const out = path.resolve(values.out);
  const outcome = await probeWithInputs(planOf(values, ctx), out, ctx);
  const total = Object.values(outcome.examples).reduce((a, b) => a + b, 0);
  process.stdout.write(`${summaryTable(outcome)}\n\n${outcome.modules} modules, ${total} examples in ${formatDuration(outcome.seconds)}`
    + ` (${(outcome.seconds / Math.max(1, total)).toFixed(3)} s/example)\n${outcome.partial ? 'stopped: partial results' : 'wrote'} ${out}\n`);
  return outcome.partial ? 130 : 0;
}

async function runConfig(values: Values, ctx: JobContext): Promise<number> {
  const given = DIRECT_ONLY.filter((flag) => values[flag] !== undefined);
  if (given.length > 0) throw new UsageError(`--config takes its model, tasks and probe settings from the experiment file; drop ${given.map((f) => `--${f}`).join(', ')} (or drop --config)`);
  const experimentFile = path.resolve(values.config as string);
  let runDir: string | undefined;
  const request = { kind: 'probe' as const, experimentFile, device: deviceOf(values), threads: numberFlag(values, 'threads', whole(0), 'a whole number of at least 0') };
  const copyOut = () => {
    if (values.out && runDir && fs.existsSync(path.join(runDir, SENSITIVITY_FILE))) fs.copyFileSync(path.join(runDir, SENSITIVITY_FILE), path.resolve(values.out));
  };
  try {
    const outcome = await runJobRequest(request, ctx, (dir) => { runDir = dir; });
    copyOut();
    const s = outcome.summary ?? {};
    process.stdout.write(`${s.tasks ?? '?'} tasks, ${s.modules ?? '?'} modules in ${typeof s.seconds === 'number' ? formatDuration(s.seconds) : '?'}\n${typeof s.stability === 'string' ? `stability: ${s.stability}\n` : ''}run: ${outcome.runDir ?? runDir ?? '?'}\n${values.out ? `wrote ${path.resolve(values.out)}\n` : ''}`);
    return 0;
  } catch (error) {
    if (!(error instanceof JobCancelledError)) throw error;
    copyOut();
    process.stderr.write(`stopped: partial results in ${runDir ? path.join(runDir, SENSITIVITY_FILE) : 'the run folder'}\n`);
    return 130;
  }
}

export async function runProbeCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const ctx: JobContext = { ...reporterOf(new TerminalReporter(process.stderr, false, values.verbose === true)), signal: interruptSignal() };
  return values.config !== undefined ? runConfig(values, ctx) : runDirect(values, ctx);
}
