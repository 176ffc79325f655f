// One optimiser step: micro-batches through the training graph, summed gradients, clipping, AdamW.
import type { RouterLoad } from '../runFolder/context';
import type { TrainingSettings } from '../experiment/types';
import type { EncodedExample, SeededRandom } from '../data';
import type { HostTensor } from '../engine';
import { accumulate, AdamW, clipGradNorm, zerosLike, type ParamSet } from './adamw';
import { collate, dropoutMask, type MicroBatch } from './batch';
import { insaneParameter, snapshotTraining } from './saneUpdate';
import { learningRateAt } from './schedule';
import type { MultiTaskSampler } from './sampler';
import type { TrainGraph } from './trainGraph';

export interface TaskData {
  name: string;
  examples: EncodedExample[];
}

export interface StepReport {
  step: number;
  loss: number;
  taskLoss: Record<string, number>;
  learningRate: number;
  gradNorm: number;
  tokens: number;
  seconds: number;
  routerLoad?: Record<string, RouterLoad>;
}

/** Raised when the loss or a gradient stops being finite, or an update leaves insane weights; the run keeps its last good checkpoint. */
export class NonFiniteLossError extends Error {
  constructor(readonly step: number, what: string) {
    super(`training diverged at step ${step + 1}: ${what}. The last good checkpoint is kept; lower training.learningRate, set training.maxGradNorm, or check the data`);
    this.name = 'NonFiniteLossError';
  }
}

export interface TrainerParts {
  graph: TrainGraph;
  settings: TrainingSettings;
  dropout: number;
  tasks: TaskData[];
  padId: number;
  params: ParamSet;
  shapes: Record<string, number[]>;
  optimizer: AdamW;
  sampler: MultiTaskSampler;
  dropoutRandom: SeededRandom;
}

export class Trainer {
  /** Optimiser steps completed. */
  step: number;

  constructor(private readonly parts: TrainerParts, startStep: number) {
    this.step = startStep;
  }

  async runStep(): Promise<StepReport> {
    const { settings, params, graph } = this.parts;
    const started = performance.now();
    const grads = zerosLike(params);
    const stats = new StepStats(this.parts.tasks.map((t) => t.name));
    for (let micro = 0; micro < settings.gradientAccumulation; micro++) {
      const drawn = this.parts.sampler.draw(settings.microBatchSize);
      const batch = collate(drawn.map((d) => this.parts.tasks[d.task].examples[d.example]), this.parts.padId, settings.maxLength);
      const out = await graph.session.run(this.feeds(batch), graph.fetch);
      const loss = scalar(out.loss);
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(this.step, `the loss is ${loss}`);
      accumulate(grads, this.gradients(out), 1 / settings.gradientAccumulation);
      stats.add(loss, drawn.map((d) => d.task), out.example_loss_sum.data as Float32Array, batch, graph, out);
    }
    const gradNorm = clipGradNorm(grads, settings.maxGradNorm);
    if (!Number.isFinite(gradNorm)) throw new NonFiniteLossError(this.step, `the gradient norm is ${gradNorm}`);
    const learningRate = learningRateAt(this.step, settings);
    const rollback = snapshotTraining(params, this.parts.optimizer.state);
    this.parts.optimizer.step(params, grads, learningRate);
    const insane = insaneParameter(params);
    if (insane) {
      rollback();
      throw new NonFiniteLossError(this.step, `after the update ${insane}`);
    }
    this.step += 1;
    const seconds = (performance.now() - started) / 1000;
    return { step: this.step, learningRate, gradNorm, seconds, ...stats.summary(settings.gradientAccumulation) };
  }

  private feeds(batch: MicroBatch): Record<string, HostTensor> {
    const feeds: Record<string, HostTensor> = { ...batch.feeds };
    for (const [name, data] of this.parts.params) feeds[name] = { dtype: 'float32', dims: this.parts.shapes[name], data };
    for (const input of this.parts.graph.dropoutInputs) {
      feeds[input.name] = dropoutMask(this.parts.dropoutRandom, this.parts.dropout, batch.batch, batch.length, input.dIn, batch.longest);
    }
    return feeds;
  }

  private gradients(out: Record<string, HostTensor>): ParamSet {
    const grads: ParamSet = new Map();
    for (const [param, output] of this.parts.graph.gradientNames) grads.set(param, out[output].data as Float32Array);
    return grads;
  }
}

function scalar(t: HostTensor): number {
  return Number(t.data[0]);
}

/** Sums over the micro-batches of one step: loss, per-task loss per scored token, tokens, router load. */
class StepStats {
  private lossSum = 0;
  private tokens = 0;
  private readonly taskLoss: number[];
  private readonly taskTokens: number[];
  private readonly load = new Map<string, { meanGate: number[]; selection?: number[] }>();

  constructor(private readonly names: string[]) {
    this.taskLoss = names.map(() => 0);
    this.taskTokens = names.map(() => 0);
  }

  add(loss: number, tasks: number[], exampleLoss: Float32Array, batch: MicroBatch, graph: TrainGraph, out: Record<string, HostTensor>): void {
    this.lossSum += loss;
    this.tokens += batch.tokens;
    tasks.forEach((task, b) => {
      this.taskLoss[task] += exampleLoss[b];
      this.taskTokens[task] += batch.scored[b];
    });
    for (const names of graph.loads) {
      const entry = this.load.get(names.module) ?? { meanGate: [] };
      addInto(entry.meanGate, out[names.meanGate].data as Float32Array);
      if (names.selection) addInto((entry.selection ??= []), out[names.selection].data as Float32Array);
      this.load.set(names.module, entry);
    }
  }

  summary(micro: number): Pick<StepReport, 'loss' | 'taskLoss' | 'tokens' | 'routerLoad'> {
    const taskLoss: Record<string, number> = {};
    this.names.forEach((name, t) => { if (this.taskTokens[t] > 0) taskLoss[name] = this.taskLoss[t] / this.taskTokens[t]; });
    const routerLoad: Record<string, RouterLoad> = {};
    for (const [module, entry] of this.load) {
      routerLoad[module] = { meanGate: entry.meanGate.map((v) => v / micro), ...(entry.selection ? { selection: entry.selection.map((v) => v / micro) } : {}) };
    }
    return { loss: this.lossSum / micro, taskLoss, tokens: this.tokens, routerLoad: this.load.size > 0 ? routerLoad : undefined };
  }
}

function addInto(into: number[], values: Float32Array): void {
  values.forEach((v, i) => { into[i] = (into[i] ?? 0) + v; });
}
