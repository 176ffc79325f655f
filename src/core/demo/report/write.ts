import * as fs from 'node:fs';
import * as path from 'node:path';
import { STABILITY_FILE, type StabilityReport } from '../../algo';
import { writeFileAtomic } from '../../runFolder/runFolder';
import type { VariantAllocation } from '../allocate';
import { collectResults, readRun, seedRuns } from '../collect';
import { evaluatePhaseId, trainPhaseId } from '../pipeline';
import type { AdaptedVariant } from '../experimentFiles';
import type { BaseModelMeta } from '../pretrain/baseModel';
import type { DemoResults } from '../results';
import { demoModelConfig, type DemoSettings } from '../settings';
import type { DemoState } from '../state';
import { DEMO_TASKS } from '../tasks';
import { demoTokenizer, MODEL_DIR } from '../workspace';
import { findChartSource } from './chartSource';
import { renderReportHtml } from './html';

export const REPORT_FILE = 'report.html';
export const RESULTS_FILE = 'results.json';

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** The results of a finished (or partly finished) demo, from its state file and run folders. */
export function gatherResults(workspace: string, state: DemoState, settings: DemoSettings): DemoResults {
  const runDir = (id: string) => state.phases[id]?.runDir;
  const allocations = (state.phases.allocate?.data?.allocations ?? {}) as Partial<Record<AdaptedVariant, VariantAllocation>>;
  const meta = readJson<BaseModelMeta>(path.join(workspace, MODEL_DIR, 'demo-model.json'));
  const probeDir = runDir('probe');
  const sensitivity = probeDir ? readJson<{ tasks: Record<string, Record<string, number>> }>(path.join(workspace, probeDir, 'sensitivity.json')).tasks : {};
  const variants: Parameters<typeof collectResults>[0]['variants'] = {
    base: { seeds: [seedRuns(workspace, 0, undefined, runDir(evaluatePhaseId('base')))] },
  };
  for (const v of ['vote', 'uniform', 'lora'] as AdaptedVariant[]) {
    const trained = settings.seeds.filter((seed) => state.phases[trainPhaseId(v, seed)]);
    if (trained.length === 0) continue;
    variants[v] = { allocation: allocations[v], seeds: trained.map((seed) => seedRuns(workspace, seed, runDir(trainPhaseId(v, seed)), runDir(evaluatePhaseId(v, seed)))) };
  }
  const phaseSeconds = Object.values(state.phases).reduce((a, p) => a + p.seconds, 0);
  const stabilityFile = probeDir ? path.join(workspace, probeDir, STABILITY_FILE) : undefined;
  const stability = stabilityFile && fs.existsSync(stabilityFile) ? readJson<StabilityReport>(stabilityFile) : undefined;
  const results = collectResults({
    quick: settings.quick,
    createdAt: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    config: demoModelConfig(settings, demoTokenizer().vocabSize),
    parameters: meta.parameters,
    tasks: DEMO_TASKS,
    sensitivity,
    timings: {
      pretrainSeconds: meta.seconds,
      pretrainCached: state.phases.pretrain?.data?.source !== 'trained',
      probeSeconds: readRun(workspace, probeDir).seconds ?? state.phases.probe?.seconds ?? 0,
      totalSeconds: phaseSeconds,
    },
    variants,
  });
  return stability ? { ...results, stability: { voteFrequency: stability.voteFrequency, hint: stability.hint, replicates: stability.replicates, curve: stability.curve } } : results;
}

/** Writes report.html (self-contained) and results.json beside it; returns both paths and any warning. */
export function writeReport(workspace: string, results: DemoResults): { report: string; results: string; warning?: string } {
  const report = path.join(workspace, REPORT_FILE);
  const json = path.join(workspace, RESULTS_FILE);
  writeFileAtomic(json, JSON.stringify(results, null, 2) + '\n');
  const chart = findChartSource();
  writeFileAtomic(report, renderReportHtml(results, chart));
  const warning = chart === undefined ? 'report.html has no charts: chart.js (node_modules/chart.js/dist/chart.umd.js) is not installed beside this program' : undefined;
  return { report, results: json, ...(warning ? { warning } : {}) };
}
