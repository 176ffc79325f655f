// llama2.c checkpoints ("version 0"): seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len),
// then float32 tensors in llama2.c order; a negative vocab_size means a separate classifier at the end.
import * as fs from 'node:fs';
import type { ModelConfig } from './config';
import { moduleName } from './config';
import { ModelFileError } from './errors';
import { openForReading, readExactly, type TensorLocation } from './safetensors';
import { EMBEDDING, FINAL_NORM, inputNormName, LM_HEAD, postAttentionNormName, withRopeLayout, type LoadedModel } from './weights';

const HEADER_BYTES = 28;
const VERSIONED_MAGIC = 0x616b3432;

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  /** Negative: the classifier is stored separately (untied). */
  vocabSize: number;
  seqLen: number;
}

export function readLlama2cHeader(file: string): Llama2cHeader {
  const fd = openForReading(file);
  let bytes: Uint8Array;
  try {
    bytes = readExactly(fd, file, 0, HEADER_BYTES, 'the llama2.c header (28 bytes)');
  } finally {
    fs.closeSync(fd);
  }
  const ints = new Int32Array(bytes.buffer, 0, 7);
  if (ints[0] === VERSIONED_MAGIC) throw new ModelFileError(file, `is a versioned llama2.c export (version ${ints[1]}); export it with llama2.c's legacy (version 0) format`);
  const [dim, hiddenDim, numLayers, numHeads, numKvHeads, vocabSize, seqLen] = ints;
  const header = { dim, hiddenDim, numLayers, numHeads, numKvHeads, vocabSize, seqLen };
  const bad = Object.entries(header).find(([key, v]) => (key === 'vocabSize' ? v === 0 : v <= 0));
  if (bad || dim % numHeads !== 0 || numHeads % numKvHeads !== 0 || numLayers > 4096) {
    throw new ModelFileError(file, `does not start with a llama2.c header (dim ${dim}, hidden_dim ${hiddenDim}, n_layers ${numLayers}, n_heads ${numHeads}, n_kv_heads ${numKvHeads}, vocab_size ${vocabSize}, seq_len ${seqLen})`);
  }
  return header;
}

export function llama2cConfig(h: Llama2cHeader): ModelConfig {
  return {
    modelType: 'llama2c', vocabSize: Math.abs(h.vocabSize), hiddenSize: h.dim, intermediateSize: h.hiddenDim, numLayers: h.numLayers,
    numHeads: h.numHeads, numKvHeads: h.numKvHeads, headDim: h.dim / h.numHeads, rmsNormEps: 1e-5, ropeTheta: 10000,
    ropeLayout: 'interleaved', tieWordEmbeddings: h.vocabSize > 0, attentionBias: false, maxPositions: h.seqLen, bosTokenId: 1, eosTokenId: 2,
  };
}

interface Block {
  /** HF name of each layer's slice (or the single tensor's name); undefined for skipped legacy tables. */
  names: (string | undefined)[];
  dims: number[];
}

/** The tensors in file order, each as per-layer slices mapped to HF names (w1 = gate, w3 = up, w2 = down). */
function fileLayout(c: ModelConfig): Block[] {
  const d = c.hiddenSize;
  const kv = c.numKvHeads * c.headDim;
  const f = c.intermediateSize;
  const perLayer = (name: (layer: number) => string, dims: number[]): Block => ({ names: Array.from({ length: c.numLayers }, (_, i) => name(i)), dims });
  const proj = (type: Parameters<typeof moduleName>[1]) => (layer: number) => `${moduleName(layer, type)}.weight`;
  const blocks: Block[] = [
    { names: [EMBEDDING], dims: [c.vocabSize, d] },
    perLayer(inputNormName, [d]),
    perLayer(proj('q_proj'), [c.numHeads * c.headDim, d]),
    perLayer(proj('k_proj'), [kv, d]),
    perLayer(proj('v_proj'), [kv, d]),
    perLayer(proj('o_proj'), [d, c.numHeads * c.headDim]),
    perLayer(postAttentionNormName, [d]),
    perLayer(proj('gate_proj'), [f, d]),
    perLayer(proj('down_proj'), [d, f]),
    perLayer(proj('up_proj'), [f, d]),
    { names: [FINAL_NORM], dims: [d] },
    { names: [undefined, undefined], dims: [c.maxPositions, c.headDim / 2] },
  ];
  if (!c.tieWordEmbeddings) blocks.push({ names: [LM_HEAD], dims: [c.vocabSize, d] });
  return blocks;
}

/** Reads the header and maps every tensor to its byte range; a file too short names the tensor it cuts. */
export function locateLlama2c(file: string): { config: ModelConfig; locations: Map<string, TensorLocation> } {
  const config = llama2cConfig(readLlama2cHeader(file));
  const size = fs.statSync(file).size;
  const locations = new Map<string, TensorLocation>();
  let offset = HEADER_BYTES;
  for (const block of fileLayout(config)) {
    const length = 4 * block.dims.reduce((a, b) => a * b, 1);
    for (const name of block.names) {
      if (offset + length > size) {
        throw new ModelFileError(file, `the file ends inside ${name ?? 'the legacy freq_cis tables'} (${size} bytes; the header implies at least ${offset + length}): truncated?`);
      }
      if (name) locations.set(name, { file, dtype: 'F32', dims: block.dims, offset, length });
      offset += length;
    }
  }
  return { config, locations };
}

/** Writes a llama2.c checkpoint (q/k rows permuted to the interleaved layout when the model uses the half one). */
export function saveLlama2c(model: LoadedModel, file: string): string {
  const c = model.config;
  checkRepresentable(c, file);
  const interleaved = withRopeLayout(model, 'interleaved');
  const fd = fs.openSync(`${file}.tmp`, 'w');
  try {
    const vocab = c.tieWordEmbeddings ? c.vocabSize : -c.vocabSize;
    fs.writeSync(fd, new Uint8Array(Int32Array.from([c.hiddenSize, c.intermediateSize, c.numLayers, c.numHeads, c.numKvHeads, vocab, c.maxPositions]).buffer));
    for (const block of fileLayout(interleaved.config)) {
      if (block.names[0] === undefined) {
        for (const table of legacyRopeTables(c)) fs.writeSync(fd, new Uint8Array(table.buffer));
        continue;
      }
      for (const name of block.names) fs.writeSync(fd, bytesOf(interleaved, name as string));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

function checkRepresentable(c: ModelConfig, file: string): void {
  const problems = llama2cProblems(c);
  if (problems.length > 0) throw new ModelFileError(file, `a llama2.c checkpoint cannot hold ${problems.join(', ')}`);
}

/** What of the config a llama2.c checkpoint cannot express (empty: it can be saved as one). */
export function llama2cProblems(c: ModelConfig): string[] {
  return [
    c.attentionBias && 'q/k/v biases',
    c.ropeTheta !== 10000 && `rope_theta ${c.ropeTheta} (llama2.c fixes 10000)`,
    Math.abs(c.rmsNormEps - 1e-5) > 1e-12 && `rms_norm_eps ${c.rmsNormEps} (llama2.c fixes 1e-5)`,
    c.headDim * c.numHeads !== c.hiddenSize && `head_dim ${c.headDim} (llama2.c needs hidden_size / heads)`,
    c.ropeScaling !== undefined && 'rope_scaling (llama2.c has plain RoPE only)',
  ].filter((p): p is string => typeof p === 'string');
}

function bytesOf(model: LoadedModel, name: string): Uint8Array {
  const t = model.tensors.get(name);
  if (!t) throw new Error(`cannot save: the model has no tensor ${name}`);
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** freq_cis_real / freq_cis_imag [seq_len, head_dim/2], which old llama2.c readers expect (newer ones skip them). */
function legacyRopeTables(c: ModelConfig): [Float32Array, Float32Array] {
  const half = c.headDim / 2;
  const real = new Float32Array(c.maxPositions * half);
  const imag = new Float32Array(c.maxPositions * half);
  for (let pos = 0; pos < c.maxPositions; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos * c.ropeTheta ** (-(2 * i) / c.headDim);
      real[pos * half + i] = Math.cos(angle);
      imag[pos * half + i] = Math.sin(angle);
    }
  }
  return [real, imag];
}
