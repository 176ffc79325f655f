// Training runs' events.jsonl → loss (total and per task), learning rate, gradient norm, tokens/s, router load. Pure.
import type { MetricEvent } from '../../core/runFolder/context';
import type { RunEvent, RunStatus } from '../../core/runFolder/runFolder';
import type { RouterLoadView, TrainingView } from '../../protocol/webview';
import { pick, sampleIndices } from './series';

export interface TrainingRunInput {
  id: string;
  status: RunStatus;
  events: readonly RunEvent[];
  maxSteps?: number;
}

type TrainStep = Extract<MetricEvent, { type: 'train-step' }>;

/** Train steps in order; a resumed run repeats steps after its checkpoint: the last report of a step wins. */
export function trainSteps(events: readonly RunEvent[]): TrainStep[] {
  const byStep = new Map<number, TrainStep>();
  for (const e of events) {
    if (e.event !== 'metric' || e.type !== 'train-step') continue;
    const { t: _t, event: _e, ...step } = e;
    byStep.set(step.step, step);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function routerLoadOf(steps: readonly TrainStep[]): RouterLoadView[] {
  const last = [...steps].reverse().find((s) => s.routerLoad && Object.keys(s.routerLoad).length > 0);
  return Object.entries(last?.routerLoad ?? {}).map(([module, load]) => ({ module, meanGate: load.meanGate }));
}

function taskLossSeries(steps: readonly TrainStep[]): Record<string, (number | null)[]> {
  const tasks = [...new Set(steps.flatMap((s) => Object.keys(s.taskLoss)))];
  return Object.fromEntries(tasks.map((task) => [task, steps.map((s) => s.taskLoss[task] ?? null)]));
}

/** Without a choice: the newest running run, else the newest that succeeded, else the newest. */
function defaultRun(runs: readonly TrainingRunInput[]): TrainingRunInput | undefined {
  return runs.find((r) => r.status === 'running') ?? runs.find((r) => r.status === 'succeeded') ?? runs[0];
}

/** The selected run (default: see defaultRun) in detail and the `compare` runs' total loss; undefined without training runs. */
export function collectTraining(runs: readonly TrainingRunInput[], selected?: string, compare: readonly string[] = [], maxPoints = 1000): TrainingView | undefined {
  const run = runs.find((r) => r.id === selected) ?? defaultRun(runs);
  if (!run) return undefined;
  const all = trainSteps(run.events);
  const steps = pick(all, sampleIndices(all.length, maxPoints));
  const others = runs.filter((r) => r.id !== run.id && compare.includes(r.id)).map((r) => {
    const theirs = trainSteps(r.events);
    const kept = pick(theirs, sampleIndices(theirs.length, maxPoints));
    return { runId: r.id, steps: kept.map((s) => s.step), loss: kept.map((s) => s.loss) };
  });
  return {
    runId: run.id,
    runs: runs.map((r) => ({ id: r.id, status: r.status })),
    status: run.status,
    steps: steps.map((s) => s.step),
    loss: steps.map((s) => s.loss),
    taskLoss: taskLossSeries(steps),
    learningRate: steps.map((s) => s.learningRate),
    gradNorm: steps.map((s) => s.gradNorm),
    tokensPerSecond: steps.map((s) => s.tokensPerSecond),
    routerLoad: routerLoadOf(all),
    lastStep: all.at(-1)?.step,
    maxSteps: run.maxSteps,
    compare: others,
  };
}
