// Sessions over decoder graphs: in-memory weights go inline; checkpoint slices go through a model file in a temp folder,
// so onnxruntime reads the weights straight from the checkpoint (no JS copy, no 2 GB protobuf limit).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSession, Graph, saveModel, scheduleUpcasts, type EngineSessionOptions, type Tensor } from '../../engine';
import { processAlive } from '../../runFolder/runLock';
import { buildDecoder } from './decoder';
import type { ProjectionAdapter } from './layer';
import { frozenWeights, isLoaded, type ModelWeights } from './weightSource';

export async function sessionForModel(g: Graph, model: ModelWeights, options: EngineSessionOptions = {}): Promise<EngineSession> {
  if (isLoaded(model)) return EngineSession.fromGraph(g, options);
  options.onLoadStage?.('mapping');
  scheduleUpcasts(g);
  removeOrphanedDecoderFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DECODER_PREFIX}${process.pid}-`));
  try {
    const { modelPath } = saveModel(g, path.join(dir, 'model.onnx'));
    // Without the arena, freed activations go back to the allocator: 0.7 GiB less at the same speed. Level 'extended'
    // (all of 'all' but the layout passes, which find nothing to do in a decoder) builds the 0.5B training session in
    // 11-14 s instead of 10-21 s at the same speed (docs/memory.md, "Startup").
    return await EngineSession.create(modelPath, {
      ...options, memoryArena: options.memoryArena ?? false, graphOptimizationLevel: options.graphOptimizationLevel ?? 'extended', name: options.name ?? g.name,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const DECODER_PREFIX = 'smoe-decoder-';

/**
 * Removes temporary decoder folders whose process is gone: a process killed while onnxruntime read its model file
 * never reached its own cleanup. The owner's pid is part of the folder name.
 */
export function removeOrphanedDecoderFolders(tmp = os.tmpdir()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(tmp).filter((name) => name.startsWith(DECODER_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number.parseInt(name.slice(DECODER_PREFIX.length), 10);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Adds adapter inputs to the graph and returns the hook that uses them (see ProjectionAdapter). */
export type AdapterInstaller = (g: Graph) => ProjectionAdapter;

export const LOGITS = 'logits';

/** A forward graph: input_ids [batch, seq] and attention_mask [batch, seq] (1 token / 0 right padding) -> logits. */
export function buildLogitsGraph(model: ModelWeights, installAdapter?: AdapterInstaller): Graph {
  const g = new Graph('decoder_logits');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask: Tensor = g.input('attention_mask', 'float32', ['batch', 'seq']);
  const { logits } = buildDecoder(g, { config: model.config, weight: frozenWeights(g, model), inputIds, attentionMask, adapt: installAdapter?.(g) });
  g.output(logits, LOGITS);
  return g;
}

/** Runs the forward graph on rows of ids (right-padded to the longest); returns logits [batch, seq, vocab]. */
export class LogitsRunner {
  private constructor(private readonly session: EngineSession, readonly vocabSize: number) {}

  static async create(model: ModelWeights, options: EngineSessionOptions = {}, installAdapter?: AdapterInstaller): Promise<LogitsRunner> {
    return new LogitsRunner(await sessionForModel(buildLogitsGraph(model, installAdapter), model, options), model.config.vocabSize);
  }

  async logits(rows: readonly (readonly number[])[], padId = 0): Promise<Float32Array> {
    const seq = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * seq).fill(BigInt(padId));
    const mask = new Float32Array(rows.length * seq);
    rows.forEach((row, b) => row.forEach((id, t) => {
      ids[b * seq + t] = BigInt(id);
      mask[b * seq + t] = 1;
    }));
    const out = await this.session.run({
      input_ids: { dtype: 'int64', dims: [rows.length, seq], data: ids },
      attention_mask: { dtype: 'float32', dims: [rows.length, seq], data: mask },
    }, [LOGITS]);
    return out[LOGITS].data as Float32Array;
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
