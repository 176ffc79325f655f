// One probe or training job of the GPU check on one device, with what it reported: figures, placements, notices.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlacementReport, ResolvedDevice } from '../../src/core/engine';
import type { JobContext, MetricEvent } from '../../src/core/runFolder/context';
import { runJobRequest } from '../../src/core/dispatch/dispatch';

export interface JobRecord {
  device: ResolvedDevice;
  seconds: number;
  /** Where each graph's nodes ran (one entry per session that ran). */
  placements: PlacementReport[];
  /** Fallback messages and warnings, as the user would see them. */
  notices: string[];
  error?: string;
}

export interface ProbeRecord extends JobRecord {
  examples?: number;
  secondsPerExample?: number;
  table?: Record<string, Record<string, number>>;
}

export interface TrainRecord extends JobRecord {
  losses: number[];
  tokensPerSecond?: number;
}

function collector(): { ctx: JobContext; placements: PlacementReport[]; notices: string[]; steps: Extract<MetricEvent, { type: 'train-step' }>[] } {
  const placements: PlacementReport[] = [];
  const notices: string[] = [];
  const steps: Extract<MetricEvent, { type: 'train-step' }>[] = [];
  const ctx: JobContext = {
    signal: new AbortController().signal,
    progress: () => undefined,
    artifact: () => undefined,
    log: (level, message) => { if (level !== 'info') notices.push(message); },
    metric: (e) => {
      if (e.type === 'placement') {
        const { type, ...report } = e;
        void type;
        placements.push(report);
      } else if (e.type === 'train-step') steps.push(e);
    },
  };
  return { ctx, placements, notices, steps };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

export async function probeOn(experimentFile: string, device: ResolvedDevice, runsRoot: string): Promise<ProbeRecord> {
  const { ctx, placements, notices } = collector();
  const started = Date.now();
  try {
    const outcome = await runJobRequest({ kind: 'probe', experimentFile, runsRoot, device }, ctx);
    const file = JSON.parse(fs.readFileSync(path.join(outcome.runDir ?? '', 'sensitivity.json'), 'utf8')) as {
      tasks: Record<string, Record<string, number>>; meta: { examples: Record<string, number>; seconds: number };
    };
    const examples = Object.values(file.meta.examples).reduce((a, b) => a + b, 0);
    const probeSeconds = typeof outcome.summary?.seconds === 'number' ? outcome.summary.seconds : file.meta.seconds;
    return { device, seconds: (Date.now() - started) / 1000, placements, notices, examples, secondsPerExample: probeSeconds / examples, table: file.tasks };
  } catch (error) {
    return { device, seconds: (Date.now() - started) / 1000, placements, notices, error: message(error) };
  }
}

export async function trainOn(experimentFile: string, device: ResolvedDevice, runsRoot: string): Promise<TrainRecord> {
  const { ctx, placements, notices, steps } = collector();
  const started = Date.now();
  try {
    const outcome = await runJobRequest({ kind: 'train', experimentFile, runsRoot, device, maxSteps: 10 }, ctx);
    const tokensPerSecond = typeof outcome.summary?.tokensPerSecond === 'number' ? outcome.summary.tokensPerSecond : undefined;
    return { device, seconds: (Date.now() - started) / 1000, placements, notices, losses: steps.map((s) => s.loss), tokensPerSecond };
  } catch (error) {
    return { device, seconds: (Date.now() - started) / 1000, placements, notices, losses: steps.map((s) => s.loss), error: message(error) };
  }
}

/** Nodes off the GPU over all graphs of a job, by op type. */
export function offDeviceTotals(placements: readonly PlacementReport[]): { graphs: number; nodes: number; offDevice: number; ops: Record<string, number> } {
  const ops: Record<string, number> = {};
  for (const p of placements) for (const [op, n] of Object.entries(p.offDeviceOps)) ops[op] = (ops[op] ?? 0) + n;
  return {
    graphs: placements.length,
    nodes: placements.reduce((n, p) => n + p.nodes, 0),
    offDevice: placements.reduce((n, p) => n + p.offDevice, 0),
    ops,
  };
}
