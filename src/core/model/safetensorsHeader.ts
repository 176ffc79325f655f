// Validation of a parsed safetensors header, as the reference implementation (huggingface/safetensors,
// `Metadata::validate`) does it: every entry has a known dtype, a shape of non-negative integers and two integer
// data_offsets with begin <= end; sorted by begin, the entries tile the data area exactly (each begins where the
// previous ended, the last ends at its end), so no tensor overlaps another, points into the header or past the file;
// and each byte range is exactly elements x dtype size. Kept apart from the parser so any reader can call it.
import { ModelFileError } from './errors';

/** Bytes per element of every dtype the format defines (we read only F32/F16/BF16, but any valid file parses). */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** The reference implementation's cap on the JSON header (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface ValidatedEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkEntry(file: string, name: string, value: unknown): ValidatedEntry {
  const where = `tensor "${name}" in the safetensors header`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError(file, `${where} is not an object with dtype, shape and data_offsets; the file is corrupted or not safetensors`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) throw new ModelFileError(file, `${where}: field "dtype" is ${JSON.stringify(dtype)}, not a safetensors dtype (${Object.keys(DTYPE_BYTES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isOffset)) throw new ModelFileError(file, `${where}: field "shape" is ${JSON.stringify(shape)}, not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset)) {
    throw new ModelFileError(file, `${where}: field "data_offsets" is ${JSON.stringify(offsets)}, not [begin, end] with non-negative integers; re-export the file`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) throw new ModelFileError(file, `${where}: field "data_offsets" [${begin}, ${end}] begins after it ends; re-export the file`);
  const bytes = shape.reduce((a: number, b: number) => a * b, 1) * DTYPE_BYTES[dtype];
  if (bytes !== end - begin) {
    throw new ModelFileError(file, `${where}: shape [${shape.join(', ')}] in ${dtype} needs ${bytes} bytes, field "data_offsets" [${begin}, ${end}] gives ${end - begin}; re-export the file`);
  }
  return { name, dtype, shape, begin, end };
}

/**
 * Checks a parsed header against a data area of `dataBytes` bytes (the file size minus 8 minus the header) and returns
 * its tensor entries; `__metadata__` must be an object of strings. Throws naming the file, the tensor and the field.
 */
export function validateSafetensorsHeader(file: string, raw: unknown, dataBytes: number): { entries: ValidatedEntry[]; metadata: Record<string, string> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFileError(file, 'the safetensors header is not a JSON object; the file is corrupted or not safetensors');
  const record = raw as Record<string, unknown>;
  const metadata = record.__metadata__ ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    throw new ModelFileError(file, 'field "__metadata__" of the safetensors header must be an object of strings');
  }
  const entries = Object.entries(record).filter(([name]) => name !== '__metadata__').map(([name, value]) => checkEntry(file, name, value));
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const entry of sorted) {
    if (entry.begin !== covered) {
      const detail = entry.begin < covered ? 'overlaps the tensor before it' : `leaves bytes ${covered}..${entry.begin} of the data area unused`;
      throw new ModelFileError(file, `tensor "${entry.name}": field "data_offsets" [${entry.begin}, ${entry.end}] ${detail}; the offsets must tile the data area; re-export the file`);
    }
    if (entry.end > dataBytes) {
      throw new ModelFileError(file, `tensor ${entry.name} runs past the end of the file (field "data_offsets" ends at ${entry.end}, the data area holds ${dataBytes} bytes); the file is truncated`);
    }
    covered = entry.end;
  }
  if (covered !== dataBytes) {
    throw new ModelFileError(file, `the tensors' data_offsets cover ${covered} bytes of a ${dataBytes}-byte data area (extra bytes after the last tensor); re-export the file`);
  }
  return { entries, metadata: metadata as Record<string, string> };
}
