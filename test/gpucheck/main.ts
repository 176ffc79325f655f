/**
 * The GPU check (`npm run check:gpu`; on the GPU machine through the pack's run.sh): the probe and 10 training steps
 * on stories260K and on a generated Qwen2.5-0.5B-shaped checkpoint, on each GPU provider that works here and on the
 * CPU as reference; agreement, speed and op placement go to DIR/gpucheck-summary.json.
 * Usage: node dist/gpucheck.js --out DIR [--stories FILE] [--qwen-layers N] [--work DIR] [--budget-s S]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { cudaProviderInstalled, EngineSession, Graph, type ResolvedDevice } from '../../src/core/engine';
import { readArchitecture } from '../../src/core/model';
import { adapterLog, printAdapterLog } from './adapter';
import { offDeviceTotals, probeOn, trainOn, type ProbeRecord, type TrainRecord } from './phases';
import { compareSeries, compareTables, GPU_TOLERANCE } from './precision';
import { qwenModel, storiesModel, type CheckModel } from './workspace';

interface ModelResult {
  label: string;
  generatedSeconds?: number;
  probe: Partial<Record<ResolvedDevice, ProbeRecord>>;
  train: Partial<Record<ResolvedDevice, TrainRecord>>;
  comparison: Record<string, unknown>;
  skipped: string[];
}

const args = parseArgs({
  options: {
    out: { type: 'string' }, stories: { type: 'string' }, 'qwen-layers': { type: 'string' }, work: { type: 'string' },
    'budget-s': { type: 'string' }, 'adapter-log': { type: 'boolean' },
  },
}).values;

/** Whether a session on `device` really runs there; the fallback notice is the reason when not. */
async function providerStatus(device: ResolvedDevice): Promise<{ available: boolean; reason?: string }> {
  const g = new Graph('provider_check');
  g.output(g.softmax(g.matmul(g.input('x', 'float32', [64, 64]), g.input('w', 'float32', [64, 64])), -1), 'y');
  const notices: string[] = [];
  const session = await EngineSession.fromGraph(g, { device, onNotice: (m) => notices.push(m) });
  await session.dispose();
  return session.device === device ? { available: true } : { available: false, reason: notices.join(' ') || `the session ran on ${session.device}` };
}

function gpuName(): string | undefined {
  const smi = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  return smi.status === 0 ? smi.stdout.trim() : undefined;
}

function compare(result: ModelResult, gpu: ResolvedDevice): Record<string, unknown> {
  const [cpuProbe, gpuProbe, cpuTrain, gpuTrain] = [result.probe.cpu, result.probe[gpu], result.train.cpu, result.train[gpu]];
  const ratio = (a?: number, b?: number) => (a && b ? a / b : undefined);
  return {
    sensitivities: cpuProbe?.table && gpuProbe?.table ? compareTables(cpuProbe.table, gpuProbe.table) : 'not compared: a probe did not finish',
    losses: cpuTrain?.losses.length && gpuTrain?.losses.length ? compareSeries(cpuTrain.losses, gpuTrain.losses, GPU_TOLERANCE.loss, 10) : 'not compared: a training did not finish',
    probeSpeedupOverCpu: ratio(cpuProbe?.secondsPerExample, gpuProbe?.secondsPerExample),
    trainSpeedupOverCpu: ratio(gpuTrain?.tokensPerSecond, cpuTrain?.tokensPerSecond),
    probePlacement: gpuProbe ? offDeviceTotals(gpuProbe.placements) : undefined,
    trainPlacement: gpuTrain ? offDeviceTotals(gpuTrain.placements) : undefined,
  };
}

interface CheckRun {
  runsRoot: string;
  overBudget: () => boolean;
  /** Results so far; written out after every job, so a run cut short still leaves its figures. */
  models: ModelResult[];
  write: () => void;
}

async function checkModel(model: CheckModel, devices: readonly ResolvedDevice[], check: CheckRun): Promise<void> {
  const result: ModelResult = { label: model.label, generatedSeconds: model.generatedSeconds, probe: {}, train: {}, comparison: {}, skipped: [] };
  check.models.push(result);
  for (const [job, run] of [['probe', probeOn], ['train', trainOn]] as const) {
    for (const device of devices) {
      if (check.overBudget()) {
        result.skipped.push(`${job} on ${device}: time budget spent`);
        continue;
      }
      const record = await run(model.experimentFile, device, check.runsRoot);
      (result[job] as Record<string, ProbeRecord | TrainRecord>)[device] = record;
      result.comparison = Object.fromEntries(devices.filter((d) => d !== 'cpu').map((gpu) => [gpu, compare(result, gpu)]));
      check.write();
      process.stdout.write(`${model.label} ${job} on ${device}: ${record.error ? `failed: ${record.error}` : `${record.seconds.toFixed(1)} s`}\n`);
    }
  }
}

/** One line per model and device: speed, and for GPUs agreement with the CPU and nodes off the GPU. */
function summaryLines(models: readonly ModelResult[]): string[] {
  const fixed = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));
  return models.flatMap((m) => Object.keys({ ...m.probe, ...m.train }).map((device) => {
    const probe = m.probe[device as ResolvedDevice];
    const train = m.train[device as ResolvedDevice];
    const c = m.comparison[device] as { sensitivities?: { worstRel?: number }; losses?: { worstRel?: number }; probePlacement?: { offDevice: number; nodes: number } } | undefined;
    const agreement = c ? `, sensitivities worst rel ${fixed(c.sensitivities?.worstRel, 6)}, losses worst rel ${fixed(c.losses?.worstRel, 6)}, probe nodes off GPU ${c.probePlacement?.offDevice ?? '-'}/${c.probePlacement?.nodes ?? '-'}` : '';
    return `${m.label} on ${device}: probe ${fixed(probe?.secondsPerExample, 3)} s/example, training ${fixed(train?.tokensPerSecond, 0)} tokens/s${agreement}`;
  }));
}

function defaultStories(): string {
  return [path.join(__dirname, '..', 'data', 'stories260K.bin'), path.resolve('..', 'shared', 'data', 'models', 'stories260K', 'stories260K.bin')].find((f) => fs.existsSync(f)) ?? '';
}

async function main(): Promise<void> {
  if (args['adapter-log']) return printAdapterLog();
  if (!args.out) throw new Error('--out DIR is required (the folder for gpucheck-summary.json)');
  const started = Date.now();
  const budget = Number(args['budget-s'] ?? 420);
  const overBudget = () => (Date.now() - started) / 1000 > budget;
  const out = path.resolve(args.out);
  const work = path.resolve(args.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-gpucheck-')));
  fs.mkdirSync(out, { recursive: true });
  const summary: Record<string, unknown> = {
    startedAt: new Date(started).toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length,
    gpu: gpuName() ?? 'nvidia-smi not available', budgetSeconds: budget, tolerances: GPU_TOLERANCE,
  };
  const write = () => fs.writeFileSync(path.join(out, 'gpucheck-summary.json'), `${JSON.stringify({ ...summary, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
  const providers: Record<string, unknown> = { webgpu: await providerStatus('webgpu') };
  if (cudaProviderInstalled()) providers.cuda = await providerStatus('cuda');
  else providers.cuda = { available: false, reason: 'CUDA provider libraries are not installed: not checked' };
  summary.providers = providers;
  summary.adapterLog = (providers.webgpu as { available: boolean }).available ? adapterLog(__filename) : [];
  const gpus = (['cuda', 'webgpu'] as const).filter((d) => (providers[d] as { available: boolean }).available);
  summary.devices = ['cpu', ...gpus];
  if (gpus.length === 0) summary.note = 'NO GPU PROVIDER AVAILABLE HERE: only the CPU reference ran; no GPU figures were measured.';
  process.stdout.write(`providers: ${JSON.stringify(providers)}\n${summary.note ?? ''}\n`);
  write();
  const models: ModelResult[] = [];
  summary.models = models;
  const check: CheckRun = { runsRoot: path.join(work, 'runs'), overBudget, models, write };
  const stories = args.stories ?? defaultStories();
  if (!fs.existsSync(stories)) summary.storiesSkipped = `stories260K.bin not found (${stories || 'give --stories FILE'})`;
  else await checkModel(storiesModel(work, stories, readArchitecture(stories)), ['cpu', ...gpus], check);
  const qwen = qwenModel(work, Number(args['qwen-layers'] ?? 24));
  process.stdout.write(`${qwen.label}: checkpoint generated in ${qwen.generatedSeconds?.toFixed(1)} s\n`);
  await checkModel(qwen, [...gpus, 'cpu'], check);
  write();
  process.stdout.write(`${summaryLines(models).join('\n')}\n${summary.note ?? ''}\n`);
  process.stdout.write(`wrote ${path.join(out, 'gpucheck-summary.json')} after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gpu check failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
