import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { checkExperiment } from '../core/experiment/checks';
import { parseFlatExpertMap } from '../core/experiment/expertMap';
import type { ExperimentFacts, ModelFacts } from '../core/experiment/facts';
import { isObject } from '../core/experiment/lenient';
import { readSensitivity, type SensitivityTable } from '../core/algo';
import { accountingFor, type PlanModel } from '../core/experiment/planner';
import { parseWithPositions, type ParsedExperimentText } from '../core/experiment/positions';
import type { ExperimentProblem } from '../core/experiment/problems';
import { adapterOf } from '../core/experiment/settings';
import { probeRunsSignature, sensitivitySourceFor, type SensitivitySource } from '../core/experiment/sensitivitySource';
import { modelFacts } from '../core/model/load';
import { runsRootFor } from '../config';
import { StampedCache } from './fileCache';

export interface LoadedSensitivity {
  source: SensitivitySource;
  table?: SensitivityTable;
  error?: string;
}

/** Everything the editor knows about one version of an experiment document. */
export interface ExperimentAnalysis {
  file: string;
  version: number;
  parsed: ParsedExperimentText;
  facts: ExperimentFacts;
  problems: ExperimentProblem[];
  model?: PlanModel;
  sensitivity?: LoadedSensitivity;
  /** The runs folder the sensitivity was picked from and its probe runs then; absent with `allocation.sensitivity`. */
  probeRuns?: { root: string; signature: string };
}

/**
 * Analyses experiment documents once per version and shares the result between diagnostics, CodeLens, quick fixes
 * and dashboards. Model headers and sensitivity files are cached until they change on disk; `invalidate` (a new
 * probe result, a changed map file) drops the cached analyses. The workspace model owns it and tells listeners.
 */
export class ExperimentAnalyzer {
  // Headers only (config.json, safetensors headers, the llama2.c header); `model.format` is checked against what it finds.
  private readonly models = new StampedCache<ModelFacts>(async (modelPath) => modelFacts(modelPath));
  private readonly sensitivities = new StampedCache<SensitivityTable>(async (file) => readSensitivity(file));
  private readonly results = new Map<string, { version: number; generation: number; value: Promise<ExperimentAnalysis> }>();
  private generation = 0;

  analyze(document: vscode.TextDocument): Promise<ExperimentAnalysis> {
    const key = document.uri.toString();
    const cached = this.results.get(key);
    if (cached && cached.version === document.version && cached.generation === this.generation) return cached.value;
    const value = this.compute(document.uri.fsPath, document.version, document.getText());
    this.results.set(key, { version: document.version, generation: this.generation, value });
    return value;
  }

  forget(document: vscode.TextDocument): void {
    this.results.delete(document.uri.toString());
  }

  invalidate(): void {
    this.generation++;
    this.results.clear();
  }

  /**
   * Invalidates when the probe runs of a runs folder differ from what a cached analysis read when it picked its
   * sensitivity (a result appeared, finished or went away); true when it did. Comparing with what the analysis read,
   * not with an earlier check, also catches a result that appeared between the analysis and the change event.
   */
  async invalidateIfProbeRunsChanged(): Promise<boolean> {
    const generation = this.generation;
    const now = new Map<string, string>();
    for (const entry of [...this.results.values()]) {
      const runs = (await entry.value.catch(() => undefined))?.probeRuns;
      if (!runs) continue;
      if (!now.has(runs.root)) now.set(runs.root, probeRunsSignature(runs.root));
      if (now.get(runs.root) !== runs.signature) {
        if (generation === this.generation) this.invalidate();
        return true;
      }
    }
    return generation !== this.generation;
  }

  /** Sensitivity for a path that is not an experiment (a flat map's sibling sensitivity.json). */
  async sensitivityAt(location: string): Promise<SensitivityTable | undefined> {
    return this.sensitivities.get(location).catch(() => undefined);
  }

  private async compute(file: string, version: number, text: string): Promise<ExperimentAnalysis> {
    const parsed = parseWithPositions(text);
    const dir = path.dirname(file);
    const raw = parsed.value;
    const modelFacts = await this.modelFactsOf(raw, dir);
    const model = modelFacts?.status === 'ok' ? { config: modelFacts.config, modules: modelFacts.modules } : undefined;
    const facts: ExperimentFacts = {
      resolve: (relative) => path.resolve(dir, relative),
      exists: (absolute) => fs.existsSync(absolute),
      model: modelFacts,
      accounting: model ? accountingFor(model, adapterOf(raw)) : undefined,
      expertsFile: await expertsFileOf(raw, dir),
    };
    const root = runsRootFor(file);
    // Taken before the pick, so any later change to the runs folder makes it differ (see invalidateIfProbeRunsChanged).
    const signature = probeRunsSignature(root);
    const source = sensitivitySourceFor(raw, file, root);
    const probeRuns = source?.origin === 'allocation.sensitivity' ? undefined : { root, signature };
    const sensitivity = source ? await this.sensitivityOf(source) : undefined;
    return { file, version, parsed, facts, problems: checkExperiment(raw, facts), model, sensitivity, probeRuns };
  }

  private async modelFactsOf(raw: unknown, dir: string): Promise<ModelFacts | undefined> {
    const model = isObject(raw) ? raw.model : undefined;
    if (!isObject(model) || typeof model.path !== 'string' || model.path === '') return undefined;
    return this.models.get(path.resolve(dir, model.path));
  }

  private async sensitivityOf(source: SensitivitySource): Promise<LoadedSensitivity> {
    try {
      return { source, table: await this.sensitivities.get(source.location) };
    } catch (error) {
      return { source, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

async function expertsFileOf(raw: unknown, dir: string): Promise<ExperimentFacts['expertsFile']> {
  const experts = isObject(raw) ? raw.experts : undefined;
  if (typeof experts !== 'string') return undefined;
  const file = path.resolve(dir, experts);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return { error: `${file} cannot be read` };
  }
  try {
    return parseFlatExpertMap(JSON.parse(text));
  } catch {
    return { error: `${file} is not valid JSON` };
  }
}
