// Ways to damage the files of a tiny workspace, one per bad-input case.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

type Header = Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | Record<string, string>>;

/** Rewrites a safetensors header in place (data bytes unchanged); `mutate` edits the parsed JSON. */
export function rewriteSafetensorsHeader(file: string, mutate: (header: Header, names: string[]) => void): void {
  const bytes = fs.readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Header;
  const data = bytes.subarray(8 + length);
  mutate(header, Object.keys(header).filter((k) => k !== '__metadata__').sort());
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([prefix, json, data]));
}

/** Sets the 8-byte header length of a safetensors file. */
export function setHeaderLength(file: string, length: bigint): void {
  const bytes = fs.readFileSync(file);
  bytes.writeBigUInt64LE(length, 0);
  fs.writeFileSync(file, bytes);
}

/** Edits a JSON file in place. */
export function editJson(file: string, edit: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** Replaces a file by a named pipe (nobody ever writes to it: reading would block forever). */
export function replaceWithFifo(file: string): void {
  fs.rmSync(file, { recursive: true, force: true });
  execFileSync('mkfifo', [file]);
}
