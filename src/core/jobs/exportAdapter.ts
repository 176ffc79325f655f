// `Export Adapter`: copies a training run's adapter files (or a checkpoint's, re-exported) to a chosen folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, EXPERTS_FILE, readAdapterFiles } from '../model/adapters/files';
import { writeFileAtomic } from '../runFolder/runFolder';

const EXPORTED = [ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE, EXPERTS_FILE];

/** The files an export into `outDir` would replace (asked about before overwriting). */
export function exportWouldReplace(outDir: string): string[] {
  return EXPORTED.map((name) => path.join(outDir, name)).filter((file) => fs.existsSync(file));
}

/**
 * Copies adapter.safetensors, adapter_config.json and experts.json from `runDir` into `outDir`
 * (created when missing) after checking that they read back; returns the written paths.
 */
export function exportAdapter(runDir: string, outDir: string): string[] {
  if (!fs.existsSync(path.join(runDir, ADAPTER_CONFIG_FILE))) {
    throw new Error(`${runDir}: no exported adapter yet (${ADAPTER_CONFIG_FILE} is written when training finishes); finish or resume the training run first`);
  }
  readAdapterFiles(runDir);
  fs.mkdirSync(outDir, { recursive: true });
  return EXPORTED.map((name) => {
    const target = path.join(outDir, name);
    writeFileAtomic(target, fs.readFileSync(path.join(runDir, name)));
    return target;
  });
}
