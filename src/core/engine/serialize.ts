// ModelProto bytes in memory, or a model file plus an ONNX external-data file next to it.
import * as fs from 'fs';
import * as path from 'path';
import { GraphCore } from './graphCore';
import { FileSlice, isFileSlice } from './ir';
import { buildModelProto, ExternalLocation, PlaceInitializer, rawBytes } from './modelProto';
import { ModelProto } from './onnxSchema';

/** Bytes of an in-memory model plus the external data it refers to (file-slice initializers, read into memory). */
export interface SerializedModel {
  bytes: Uint8Array;
  /** Pass as `externalData` when creating a session from bytes. */
  externalData: { path: string; data: Uint8Array }[];
}

export interface SaveOptions {
  /** Initializers of at least this many bytes go to the external-data file (default 1 KiB). */
  externalThresholdBytes?: number;
}

export interface SavedModel {
  modelPath: string;
  /** The external-data file written next to the model, when any initializer went there. */
  dataPath?: string;
  /** Files that file-slice initializers refer to, as linked or found inside the model's folder. */
  referencedFiles: string[];
  /** File slices copied into the data file because their file could not be linked (another file system). */
  copiedSlices: number;
}

/** Alignment of tensors inside the external-data file (the ONNX spec recommends the page size). */
const EXTERNAL_ALIGNMENT = 4096;
const WRITE_CHUNK = 1 << 30;

/**
 * Serialises a graph to ModelProto bytes with every in-memory initializer inline (keep the total
 * under 2 GB: protobuf's limit). File-slice initializers are read into memory as external data.
 */
export function serializeModel(graph: GraphCore): SerializedModel {
  const externalData: { path: string; data: Uint8Array }[] = [];
  const place: PlaceInitializer = (_t, source) => {
    if (!isFileSlice(source)) return undefined;
    const location = `slice-${externalData.length}.bin`;
    externalData.push({ path: location, data: readSlice(source) });
    return { location, offset: 0, length: source.length };
  };
  const bytes = encode(buildModelProto(graph, place));
  return { bytes, externalData };
}

/**
 * Writes `modelPath` and, for initializers over the threshold, `<modelPath>.data` beside it, so
 * models over 2 GB work. onnxruntime only reads external data inside the model's folder (symlinks
 * are resolved), so a file slice from elsewhere (e.g. a .safetensors file) is hard-linked into the
 * folder — no copy of the weights — or, across file systems, copied into the data file.
 */
export function saveModel(graph: GraphCore, modelPath: string, options: SaveOptions = {}): SavedModel {
  const threshold = options.externalThresholdBytes ?? 1024;
  const modelDir = path.dirname(path.resolve(modelPath));
  const writer = new ExternalDataWriter(`${modelPath}.data`);
  const linker = new SliceLinker(modelDir);
  try {
    const place: PlaceInitializer = (_t, source) => {
      if (isFileSlice(source)) return linker.locate(source) ?? writer.appendSlice(source);
      return rawBytes(source).byteLength >= threshold ? writer.append(rawBytes(source)) : undefined;
    };
    fs.writeFileSync(modelPath, encode(buildModelProto(graph, place)));
  } finally {
    writer.close();
  }
  return {
    modelPath,
    dataPath: writer.used ? writer.filePath : undefined,
    referencedFiles: linker.files(),
    copiedSlices: writer.copiedSlices,
  };
}

function encode(model: Record<string, unknown>): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function readSlice(slice: FileSlice): Uint8Array {
  const out = Buffer.alloc(slice.length);
  const fd = fs.openSync(slice.file, 'r');
  try {
    for (let done = 0; done < slice.length;) {
      const n = fs.readSync(fd, out, done, Math.min(WRITE_CHUNK, slice.length - done), slice.offset + done);
      if (n === 0) throw new Error(`${slice.file}: file ends before offset ${slice.offset + slice.length}`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** Makes files outside the model folder reachable from inside it by hard links. */
class SliceLinker {
  private readonly links = new Map<string, string | undefined>();

  constructor(private readonly modelDir: string) {}

  /** The location of a slice's file relative to the model folder, or undefined when it cannot be linked. */
  locate(slice: FileSlice): ExternalLocation | undefined {
    // onnxruntime rejects external data that resolves outside the model's folder, and links to a symlink stay
    // symlinks (the Hugging Face cache keeps every weight file as one): link the file it points to.
    const file = fs.realpathSync(path.resolve(slice.file));
    if (!this.links.has(file)) this.links.set(file, this.linkInto(file));
    const location = this.links.get(file);
    return location === undefined ? undefined : { location, offset: slice.offset, length: slice.length };
  }

  files(): string[] {
    return [...this.links].filter(([, location]) => location !== undefined).map(([file]) => file);
  }

  private linkInto(file: string): string | undefined {
    const relative = path.relative(this.modelDir, file);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
    const name = `linked-${path.basename(file)}`;
    const target = path.join(this.modelDir, name);
    try {
      fs.rmSync(target, { force: true });
      fs.linkSync(file, target);
      return name;
    } catch {
      return undefined;
    }
  }
}

/** Appends aligned tensors to one file without ever holding them all in memory. */
class ExternalDataWriter {
  used = false;
  copiedSlices = 0;
  private fd: number | undefined;
  private position = 0;

  constructor(readonly filePath: string) {}

  append(bytes: Uint8Array): ExternalLocation {
    const offset = this.reserve(bytes.byteLength);
    // One write call cannot pass 2 GiB, and single tensors of large vocabularies come close.
    for (let done = 0; done < bytes.byteLength; done += WRITE_CHUNK) {
      const length = Math.min(WRITE_CHUNK, bytes.byteLength - done);
      fs.writeSync(this.fd as number, bytes, done, length, offset + done);
    }
    return { location: path.basename(this.filePath), offset, length: bytes.byteLength };
  }

  appendSlice(slice: FileSlice): ExternalLocation {
    this.copiedSlices++;
    return this.append(readSlice(slice));
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private reserve(length: number): number {
    this.fd ??= fs.openSync(this.filePath, 'w');
    this.used = true;
    const offset = Math.ceil(this.position / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
    this.position = offset + length;
    return offset;
  }
}
