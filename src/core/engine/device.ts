// Execution-provider choice: CUDA when asked (or `auto` and installed), CPU otherwise, never silently.
import * as fs from 'fs';
import * as path from 'path';

/** The `smoe.device` setting. */
export type Device = 'auto' | 'cpu' | 'cuda';
/** The provider a session actually runs on. */
export type ResolvedDevice = 'cpu' | 'cuda';

/** What a user with an NVIDIA GPU must do; quoted in every CUDA fallback message. */
export const CUDA_SETUP_HINT =
  'To use an NVIDIA GPU: install CUDA 12 and cuDNN 9, then fetch the CUDA provider libraries of onnxruntime-node ' +
  '(`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` in the folder that holds ' +
  'node_modules; a .vsix install never runs that step).';

/** Folder of onnxruntime-node's native binaries for this platform, when it can be found. */
function onnxruntimeBinaryDir(): string | undefined {
  try {
    const pkg = require.resolve('onnxruntime-node/package.json');
    return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** True when onnxruntime-node's CUDA provider library is present (it is not bundled in the npm package). */
export function cudaProviderInstalled(): boolean {
  const dir = onnxruntimeBinaryDir();
  if (!dir) return false;
  const name = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return fs.existsSync(path.join(dir, name));
}

/** The providers to try first, and why `auto` chose CPU when it did. */
export function preferredDevice(device: Device): { device: ResolvedDevice; notice?: string } {
  if (device === 'cpu') return { device: 'cpu' };
  if (device === 'cuda') return { device: 'cuda' };
  if (cudaProviderInstalled()) return { device: 'cuda' };
  return { device: 'cpu', notice: `device 'auto': using CPU because the CUDA provider libraries are not installed. ${CUDA_SETUP_HINT}` };
}

/**
 * Creates a session on the preferred device; when CUDA fails (missing libraries, no GPU, driver
 * mismatch) it retries on CPU and reports why through `notify`.
 */
export async function createOnBestDevice<T>(
  device: Device,
  create: (device: ResolvedDevice) => Promise<T>,
  notify: (message: string) => void,
): Promise<{ session: T; device: ResolvedDevice }> {
  const preferred = preferredDevice(device);
  if (preferred.notice) notify(preferred.notice);
  if (preferred.device === 'cpu') return { session: await create('cpu'), device: 'cpu' };
  try {
    return { session: await create('cuda'), device: 'cuda' };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    notify(`device '${device}': CUDA session could not be created (${reason}); falling back to CPU. ${CUDA_SETUP_HINT}`);
    return { session: await create('cpu'), device: 'cpu' };
  }
}
