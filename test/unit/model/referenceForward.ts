// An independent plain-TypeScript LLaMA forward pass in float64 (no ONNX, no engine), for the tests.
import { moduleName, type ModelConfig, type ModuleType } from '../../../src/core/model/config';
import type { LoadedModel } from '../../../src/core/model/weights';

type Vector = Float64Array;

function matVec(model: LoadedModel, name: string, x: Vector, bias?: string): Vector {
  const w = model.tensors.get(name);
  if (!w) throw new Error(`reference: no tensor ${name}`);
  const [rows, cols] = w.dims;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += w.data[r * cols + c] * x[c];
    out[r] = sum;
  }
  const b = bias ? model.tensors.get(bias) : undefined;
  if (b) for (let r = 0; r < rows; r++) out[r] += b.data[r];
  return out;
}

function rmsNorm(x: Vector, weight: Float32Array, eps: number): Vector {
  let ss = 0;
  for (const v of x) ss += v * v;
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * scale * weight[i]);
}

/** Hugging Face's _compute_llama3_parameters, written out per frequency. */
function scaledFrequency(config: ModelConfig, freq: number): number {
  const s = config.ropeScaling;
  if (!s) return freq;
  const wavelength = 2 * Math.PI / freq;
  const lowFreqWavelength = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelength = s.originalMaxPositions / s.highFreqFactor;
  if (wavelength > lowFreqWavelength) return freq / s.factor;
  if (wavelength < highFreqWavelength) return freq;
  const smooth = (s.originalMaxPositions / wavelength - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
  return (1 - smooth) * freq / s.factor + smooth * freq;
}

/** Rotates each head of `v` in place at position `pos`, pairs chosen by the layout. */
function rope(v: Vector, heads: number, config: ModelConfig, pos: number): void {
  const hd = config.headDim;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < hd / 2; i++) {
      const angle = pos * scaledFrequency(config, config.ropeTheta ** (-(2 * i) / hd));
      const [a, b] = config.ropeLayout === 'half' ? [h * hd + i, h * hd + i + hd / 2] : [h * hd + 2 * i, h * hd + 2 * i + 1];
      const [x0, x1] = [v[a], v[b]];
      v[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
      v[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
    }
  }
}

function attend(config: ModelConfig, q: Vector, keys: Vector[], values: Vector[]): Vector {
  const { headDim: hd, numHeads, numKvHeads } = config;
  const out = new Float64Array(numHeads * hd);
  for (let h = 0; h < numHeads; h++) {
    const kv = Math.floor(h / (numHeads / numKvHeads));
    const scores = keys.map((k) => {
      let dot = 0;
      for (let i = 0; i < hd; i++) dot += q[h * hd + i] * k[kv * hd + i];
      return dot / Math.sqrt(hd);
    });
    const peak = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - peak));
    const total = weights.reduce((a, b) => a + b, 0);
    values.forEach((v, t) => {
      for (let i = 0; i < hd; i++) out[h * hd + i] += (weights[t] / total) * v[kv * hd + i];
    });
  }
  return out;
}

const add = (a: Vector, b: Vector): Vector => a.map((v, i) => v + b[i]);
const silu = (x: number) => x / (1 + Math.exp(-x));

/** Logits [T][vocab] for one sequence. */
export function referenceLogits(model: LoadedModel, ids: readonly number[]): Vector[] {
  const config = model.config;
  const w = (name: string) => model.tensors.get(name)!.data;
  const emb = w('model.embed_tokens.weight');
  let hs: Vector[] = ids.map((id) => Float64Array.from(emb.subarray(id * config.hiddenSize, (id + 1) * config.hiddenSize)));
  for (let layer = 0; layer < config.numLayers; layer++) {
    const proj = (type: ModuleType, x: Vector) => {
      const name = moduleName(layer, type);
      return matVec(model, `${name}.weight`, x, config.attentionBias ? `${name}.bias` : undefined);
    };
    const xs = hs.map((h) => rmsNorm(h, w(`model.layers.${layer}.input_layernorm.weight`), config.rmsNormEps));
    const keys = xs.map((x, t) => { const k = proj('k_proj', x); rope(k, config.numKvHeads, config, t); return k; });
    const values = xs.map((x) => proj('v_proj', x));
    hs = hs.map((h, t) => {
      const q = proj('q_proj', xs[t]);
      rope(q, config.numHeads, config, t);
      const mid = add(h, proj('o_proj', attend(config, q, keys.slice(0, t + 1), values.slice(0, t + 1))));
      const y = rmsNorm(mid, w(`model.layers.${layer}.post_attention_layernorm.weight`), config.rmsNormEps);
      const gate = proj('gate_proj', y);
      const up = proj('up_proj', y);
      return add(mid, proj('down_proj', gate.map((g, i) => silu(g) * up[i])));
    });
  }
  const head = config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  return hs.map((h) => matVec(model, head, rmsNorm(h, w('model.norm.weight'), config.rmsNormEps)));
}
