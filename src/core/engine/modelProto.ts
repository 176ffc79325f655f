// Graph -> plain ModelProto object (onnx-proto's camelCase field names), with pluggable placement of initializer bytes.
import { onnxTypeCode } from './dtypes';
import { GraphCore } from './graphCore';
import { AttrValue, InitializerSource, Node, Tensor, TensorData } from './ir';
import { ATTRIBUTE_TYPE, DATA_LOCATION_EXTERNAL, IR_VERSION, OPSET_VERSION } from './onnxSchema';
import { PATTERN_KEY_DIM, PATTERN_KEY_INPUT } from './patternKey';

/** Where one initializer's bytes live when they are not inline. */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

/** Decides, per initializer, to keep it inline (undefined) or point at external bytes. */
export type PlaceInitializer = (tensor: Tensor, source: InitializerSource) => ExternalLocation | undefined;

type Obj = Record<string, unknown>;

/** Internal op types that serialise as a standard op. */
const SERIALISED_OP: Record<string, string> = { StopGradient: 'Identity' };

export function buildModelProto(graph: GraphCore, place: PlaceInitializer): Obj {
  const nodes = liveNodes(graph);
  const used = new Set<Tensor>(graph.outputs);
  for (const node of nodes) for (const t of node.inputs) if (t) used.add(t);
  const initializers = [...graph.initializers].filter(([t]) => used.has(t));
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'lora-smoe-studio',
    graph: {
      name: graph.name,
      node: nodes.map(nodeProto),
      initializer: initializers.map(([t, source]) => tensorProto(t, source, place(t, source))),
      // One more input that no node reads: EngineSession.run feeds it so that each set of input shapes gets its own
      // onnxruntime memory plan (patternKey.ts).
      input: [...graph.inputs.map(valueInfo), PATTERN_KEY_VALUE_INFO],
      output: graph.outputs.map(valueInfo),
    },
  };
}

const PATTERN_KEY_VALUE_INFO: Obj = {
  name: PATTERN_KEY_INPUT, type: { tensorType: { elemType: onnxTypeCode('float32'), shape: { dim: [{ dimValue: 0 }, { dimParam: PATTERN_KEY_DIM }] } } },
};

/** Nodes that some graph output depends on, in build (topological) order. */
function liveNodes(graph: GraphCore): Node[] {
  const live = new Set<Node>();
  const stack = graph.outputs.map((t) => t.producer).filter((n): n is Node => n !== undefined);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (live.has(node)) continue;
    live.add(node);
    for (const t of node.inputs) if (t?.producer) stack.push(t.producer);
  }
  return graph.nodes.filter((n) => live.has(n));
}

function nodeProto(node: Node): Obj {
  return {
    name: node.name,
    opType: SERIALISED_OP[node.opType] ?? node.opType,
    domain: '',
    input: node.inputs.map((t) => t?.name ?? ''),
    output: node.outputs.map((t) => t.name),
    attribute: Object.entries(node.attrs).map(([name, value]) => attributeProto(name, value)),
  };
}

function attributeProto(name: string, attr: AttrValue): Obj {
  switch (attr.type) {
    case 'int': return { name, type: ATTRIBUTE_TYPE.INT, i: attr.value };
    case 'ints': return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...attr.value] };
    case 'float': return { name, type: ATTRIBUTE_TYPE.FLOAT, f: attr.value };
    case 'floats': return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...attr.value] };
    case 'string': return { name, type: ATTRIBUTE_TYPE.STRING, s: Buffer.from(attr.value, 'utf8') };
    case 'tensor': return { name, type: ATTRIBUTE_TYPE.TENSOR, t: inlineTensor('', attr.value) };
    default: {
      const never: never = attr;
      throw new Error(`unknown attribute ${JSON.stringify(never)}`);
    }
  }
}

function tensorProto(t: Tensor, source: InitializerSource, external: ExternalLocation | undefined): Obj {
  if (!external) {
    if (!('data' in source)) throw new Error(`initializer ${t.name}: file slices must be placed as external data`);
    return inlineTensor(t.name, source);
  }
  return {
    name: t.name,
    dims: [...source.dims],
    dataType: onnxTypeCode(source.dtype),
    dataLocation: DATA_LOCATION_EXTERNAL,
    externalData: [
      { key: 'location', value: external.location },
      { key: 'offset', value: String(external.offset) },
      { key: 'length', value: String(external.length) },
    ],
  };
}

function inlineTensor(name: string, data: TensorData): Obj {
  return { name, dims: [...data.dims], dataType: onnxTypeCode(data.dtype), rawData: rawBytes(data) };
}

/** Little-endian bytes of host data (every platform Node ships on is little-endian). */
export function rawBytes(data: TensorData): Uint8Array {
  const array = data.data;
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function valueInfo(t: Tensor): Obj {
  const dim = t.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: t.name, type: { tensorType: { elemType: onnxTypeCode(t.dtype), shape: { dim } } } };
}
