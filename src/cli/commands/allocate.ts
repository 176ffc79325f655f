// `smoe allocate`: sensitivities → an expert map in the authors' flat format, with a budget summary.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { allocateExperts, readSensitivity, type AdapterStyle, type AllocationRequest, type AllocationResult, type AllocationStrategy, type Budget, type ThresholdScope } from '../../core/algo';
import { TableMismatchError } from '../../core/algo/tableFit';
import { writeFileAtomic } from '../../core/data/atomicFile';
import { readArchitecture } from '../../core/model/load';
import { isModuleType, type ModuleType } from '../../core/model/config';
import { UsageError } from '../terminal';

const HELP = `usage: smoe allocate --sensitivity FILE_OR_DIR --strategy vote|uniform|layerwise|proportional --out FILE [options]

Turns per-task sensitivities into experts per module (DESIGN.md §3.3) and writes the flat map
{"model.layers.0.self_attn.v_proj": 8, ...} (no .weight, zero-expert modules omitted, model order).
The summary goes to stderr, or as JSON to stdout with --summary-json.

  --sensitivity PATH     sensitivity.json, a probe run folder, or a folder of per-task .jsonl files
  --strategy S           vote (default, the paper), uniform, layerwise or proportional
  --percentile P         vote: each task votes for its top P% of modules (default 60)
  --scope S              vote threshold over all candidates (pooled, default) or per module type (per-type)
  --modules LIST         module types that may get experts (default q_proj,k_proj,v_proj,o_proj)
  --budget-experts N     at most N experts in total
  --budget-params N      at most N trainable parameters (needs --model)
  --budget-lora-rank R   the parameters of plain LoRA of rank R on the same modules (needs --model)
  --min-experts A        fewest experts per candidate module (default 0)
  --max-experts B        most experts per module (default 8)
  --rank R               LoRA rank of each expert, for parameter counts (default 8)
  --style S              adapter style for parameter counts: shared-a (default) or independent
  --layerwise LIST       layerwise: experts per depth group (default 2,4,6,8, by quarter)
  --uniform-experts N    uniform without a budget: experts per module (default 1)
  --model PATH           the base model (HF folder or llama2.c .bin): shapes for parameter counts
  --out FILE             where to write the expert map (required)
  --summary-json         print the summary as JSON on stdout`;

const OPTIONS = {
  sensitivity: { type: 'string' }, strategy: { type: 'string' }, percentile: { type: 'string' }, scope: { type: 'string' },
  modules: { type: 'string' }, 'budget-experts': { type: 'string' }, 'budget-params': { type: 'string' },
  'budget-lora-rank': { type: 'string' }, 'min-experts': { type: 'string' }, 'max-experts': { type: 'string' },
  rank: { type: 'string' }, style: { type: 'string' }, layerwise: { type: 'string' }, 'uniform-experts': { type: 'string' },
  model: { type: 'string' }, out: { type: 'string' }, 'summary-json': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];

function parse(argv: string[]): Values {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
}

function numberFlag(values: Values, flag: keyof Values, check: (n: number) => boolean, what: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || typeof raw !== 'string' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} must be ${what}, not "${String(raw)}"`);
  return n;
}

const whole = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

function oneOf<T extends string>(values: Values, flag: 'strategy' | 'scope' | 'style', allowed: readonly T[], fallback: T): T {
  const raw = values[flag] ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${flag} must be ${allowed.join(', ')}, not "${raw}"`);
  return raw as T;
}

function moduleTypes(values: Values): ModuleType[] | undefined {
  if (values.modules === undefined) return undefined;
  const types = values.modules.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = types.find((t) => !isModuleType(t));
  if (bad !== undefined || types.length === 0) throw new UsageError(`--modules: "${bad ?? values.modules}" is not a module type (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)`);
  return types as ModuleType[];
}

function budgetOf(values: Values): Budget {
  const given = (['budget-experts', 'budget-params', 'budget-lora-rank'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`give at most one budget, not ${given.map((f) => `--${f}`).join(' and ')}`);
  const experts = numberFlag(values, 'budget-experts', whole(1), 'a whole number of at least 1');
  if (experts !== undefined) return { kind: 'experts', value: experts };
  const params = numberFlag(values, 'budget-params', whole(1), 'a whole number of at least 1');
  if (params !== undefined) return { kind: 'params', value: params };
  const rank = numberFlag(values, 'budget-lora-rank', (n) => n > 0, 'a positive number');
  return rank !== undefined ? { kind: 'loraRank', value: rank } : { kind: 'none' };
}

function layerwiseOf(values: Values): number[] | undefined {
  if (values.layerwise === undefined) return undefined;
  const counts = values.layerwise.split(',').map((s) => Number(s.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 0)) throw new UsageError(`--layerwise must be whole numbers separated by commas (e.g. 2,4,6,8), not "${values.layerwise}"`);
  return counts;
}

/** The allocation request the flags describe (files are read here; flag errors are UsageErrors). */
export function requestFromFlags(values: Values): AllocationRequest {
  const strategy = oneOf<AllocationStrategy>(values, 'strategy', ['vote', 'uniform', 'layerwise', 'proportional'], 'vote');
  const budget = budgetOf(values);
  if (!values.sensitivity && (strategy === 'vote' || strategy === 'proportional')) throw new UsageError(`--strategy ${strategy} needs --sensitivity FILE_OR_DIR\n\n${HELP}`);
  if (!values.model && budget.kind !== 'none' && budget.kind !== 'experts') throw new UsageError(`a parameter budget needs the model's shapes: add --model PATH (an HF folder or a llama2.c .bin), or use --budget-experts`);
  if (!values.model && !values.sensitivity) throw new UsageError(`give --sensitivity or --model: the candidate modules come from one of them\n\n${HELP}`);
  return {
    strategy, budget,
    table: values.sensitivity ? readSensitivity(path.resolve(values.sensitivity)) : undefined,
    model: values.model ? readArchitecture(path.resolve(values.model)) : undefined,
    moduleTypes: moduleTypes(values),
    percentile: numberFlag(values, 'percentile', (n) => n >= 0 && n <= 100, 'a number in [0, 100]'),
    scope: oneOf<ThresholdScope>(values, 'scope', ['pooled', 'per-type'], 'pooled'),
    layerwise: layerwiseOf(values),
    uniformExperts: numberFlag(values, 'uniform-experts', whole(1), 'a whole number of at least 1'),
    minExperts: numberFlag(values, 'min-experts', whole(0), 'a whole number of at least 0'),
    maxExperts: numberFlag(values, 'max-experts', whole(1), 'a whole number of at least 1'),
    adapter: { style: oneOf<AdapterStyle>(values, 'style', ['shared-a', 'independent'], 'shared-a'), rank: numberFlag(values, 'rank', whole(1), 'a whole number of at least 1') ?? 8 },
  };
}

function settingText(request: AllocationRequest, result: AllocationResult): string {
  switch (request.strategy) {
    case 'vote': return `vote, p = ${+result.setting.toFixed(4)}, ${request.scope ?? 'pooled'} thresholds`;
    case 'uniform': return `uniform, ${result.setting} per module before any fill`;
    case 'layerwise': return `layerwise [${(request.layerwise ?? [2, 4, 6, 8]).join(', ')}] x ${+result.setting.toFixed(4)}`;
    case 'proportional': return `proportional, ${result.setting} experts shared out`;
  }
}

/** The human summary printed to stderr. */
export function summaryText(request: AllocationRequest, result: AllocationResult): string {
  const s = result.summary;
  const lines = [`${s.totalExperts} experts on ${s.modulesWithAdapters} of ${result.candidates.length} candidate modules (${settingText(request, result)})`];
  if (s.trainableParams !== undefined) {
    const adapter = request.adapter ?? { style: 'shared-a', rank: 8 };
    const rank = s.loraRankEquivalent !== undefined ? `, as many as plain LoRA of rank ${s.loraRankEquivalent.toFixed(2)} on the same modules` : '';
    lines.push(`trainable parameters: ${s.trainableParams.toLocaleString('en-US')} (${adapter.style}, rank ${adapter.rank})${rank}`);
  }
  lines.push(`per type:  ${s.perType.map((t) => `${t.type} ${t.experts} (${t.modules} modules)`).join(', ')}`);
  lines.push(`per layer: ${s.perLayer.map((l) => `${l.layer}:${l.experts}`).join(' ')}`);
  return lines.join('\n');
}

/** allocateExperts; a table that does not fit is reported with its file. */
function allocateNaming(request: AllocationRequest, sensitivity: string | undefined): AllocationResult {
  try {
    return allocateExperts(request);
  } catch (error) {
    if (error instanceof TableMismatchError && sensitivity) throw new TableMismatchError(`${path.resolve(sensitivity)}: ${error.message}`);
    throw error;
  }
}

export async function allocateCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!values.out) throw new UsageError(`--out FILE is required\n\n${HELP}`);
  const request = requestFromFlags(values);
  const result = allocateNaming(request, values.sensitivity);
  const out = path.resolve(values.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, `${JSON.stringify(result.experts, null, 4)}\n`);
  if (values['summary-json']) process.stdout.write(`${JSON.stringify({ ...result.summary, candidates: result.candidates.length, setting: result.setting, out }, null, 2)}\n`);
  else process.stderr.write(`${summaryText(request, result)}\nwrote ${out}\n`);
  return 0;
}
