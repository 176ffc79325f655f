// Execution-provider choice: CUDA, WebGPU or CPU as asked (`auto`: the first that works, in that order), never silently.
import * as fs from 'fs';
import * as path from 'path';

/** The `smoe.device` setting. */
export type Device = 'auto' | 'cpu' | 'cuda' | 'webgpu';
/** The provider a session actually runs on. */
export type ResolvedDevice = 'cpu' | 'cuda' | 'webgpu';

export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'webgpu'];

/** Display names used in every message. */
export const DEVICE_LABEL: Record<ResolvedDevice, string> = { cpu: 'CPU', cuda: 'CUDA', webgpu: 'WebGPU' };

/** What a user with an NVIDIA GPU must do; quoted in every CUDA fallback message. */
export const CUDA_SETUP_HINT =
  'To use an NVIDIA GPU: install CUDA 12 and cuDNN 9, then fetch the CUDA provider libraries of onnxruntime-node ' +
  '(`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` in the folder that holds ' +
  'node_modules; a .vsix install never runs that step).';

/** What WebGPU needs; quoted in every WebGPU fallback message. */
export const WEBGPU_SETUP_HINT =
  'WebGPU ships with onnxruntime-node and needs only a GPU and its driver: Vulkan on Linux, D3D12 on Windows, Metal on macOS ' +
  '(software renderers such as lavapipe are not accepted).';

const HINT: Record<ResolvedDevice, string> = { cpu: '', cuda: CUDA_SETUP_HINT, webgpu: WEBGPU_SETUP_HINT };

/** Folder of onnxruntime-node's native binaries for this platform, when it can be found. */
export function onnxruntimeBinaryDir(): string | undefined {
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

const VULKAN_LOADER = 'libvulkan.so.1';

/**
 * True unless this is Linux and no Vulkan loader can be found (in the loader cache, LD_LIBRARY_PATH or the usual
 * folders). Without one Dawn cannot see any GPU, and trying costs half a second and a native warning on stderr.
 */
export function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  try {
    if (fs.readFileSync('/etc/ld.so.cache').includes(VULKAN_LOADER)) return true;
  } catch {
    // No loader cache: look in the folders below.
  }
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];
  return dirs.some((dir) => fs.existsSync(path.join(dir, VULKAN_LOADER)));
}

/** Providers `auto` need not try here, with the reason: CUDA without its libraries, WebGPU on Linux without Vulkan. */
export function missingPrerequisites(): Map<ResolvedDevice, string> {
  const missing = new Map<ResolvedDevice, string>();
  if (!cudaProviderInstalled()) missing.set('cuda', 'its provider libraries are not installed');
  if (!vulkanLoaderPresent()) missing.set('webgpu', `no Vulkan loader (${VULKAN_LOADER}) is installed`);
  return missing;
}

/** Why a provider could not be used, in words a user can act on (never onnxruntime's raw text alone). */
export function failureReason(device: ResolvedDevice, error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  if (device === 'webgpu' && /adapter/i.test(first)) return 'no WebGPU adapter was found (no GPU, or no Vulkan/D3D12/Metal driver for it)';
  if (device === 'cuda' && /providers_(shared|cuda)/.test(first)) return 'the CUDA provider libraries could not be loaded';
  const cleaned = first.replace(/^.*\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '').replace(/^\S+\.(cc|cpp|h):\d+ .*? was false\.\s*/, '');
  return `the session could not be created: ${cleaned}`;
}

/**
 * What this process has learnt about providers: one that failed is not tried again (its reason is kept), and each
 * listener hears a given message once, however many sessions a job opens.
 */
export class DeviceMemo {
  readonly failed = new Map<ResolvedDevice, string>();
  private readonly told = new WeakMap<object, Set<string>>();

  tell(notify: (message: string) => void, message: string, listener: object = notify): void {
    const seen = this.told.get(listener) ?? new Set<string>();
    this.told.set(listener, seen);
    if (seen.has(message)) return;
    seen.add(message);
    notify(message);
  }
}

const processMemo = new DeviceMemo();

/**
 * The providers to try, best first; CPU always ends the list. `auto` skips those whose prerequisites are missing
 * (a device asked for by name is tried regardless: onnxruntime's own error then gives the reason).
 */
export function candidateDevices(device: Device, missing: ReadonlyMap<ResolvedDevice, string> = missingPrerequisites()): { order: ResolvedDevice[]; skipped: Map<ResolvedDevice, string> } {
  if (device === 'cpu') return { order: ['cpu'], skipped: new Map() };
  if (device !== 'auto') return { order: [device, 'cpu'], skipped: new Map() };
  const gpus: ResolvedDevice[] = ['cuda', 'webgpu'];
  const skipped = new Map(gpus.filter((d) => missing.has(d)).map((d) => [d, missing.get(d) ?? '']));
  return { order: [...gpus.filter((d) => !missing.has(d)), 'cpu'], skipped };
}

/** One sentence for the whole choice: what was asked, what runs, and why each better provider was passed over. */
export function fallbackMessage(device: Device, used: ResolvedDevice, reasons: ReadonlyMap<ResolvedDevice, string>): string {
  const why = [...reasons].map(([d, reason]) => `${DEVICE_LABEL[d]}: ${reason}`).join('; ');
  const hints = [...reasons.keys()].map((d) => HINT[d]).filter(Boolean).join(' ');
  return `device '${device}': using ${DEVICE_LABEL[used]} (${why}). ${hints}`.trim();
}

export interface DeviceChoiceOptions {
  /** Who hears the messages; a job passes the same listener to every session so each message is said once. */
  listener?: object;
  memo?: DeviceMemo;
  /** Prerequisites known missing (default: looked up on this machine). */
  missing?: ReadonlyMap<ResolvedDevice, string>;
}

/**
 * Creates a session on the best provider that works; each failure falls through to the next one (CPU last) and the
 * reasons are reported once through `notify`.
 */
export async function createOnBestDevice<T>(
  device: Device,
  create: (device: ResolvedDevice) => Promise<T>,
  notify: (message: string) => void,
  options: DeviceChoiceOptions = {},
): Promise<{ session: T; device: ResolvedDevice }> {
  const memo = options.memo ?? processMemo;
  const { order, skipped } = candidateDevices(device, options.missing);
  const reasons = new Map(skipped);
  for (const candidate of order) {
    const known = memo.failed.get(candidate);
    if (known !== undefined && candidate !== 'cpu') {
      reasons.set(candidate, known);
      continue;
    }
    try {
      const session = await create(candidate);
      if (reasons.size > 0) memo.tell(notify, fallbackMessage(device, candidate, reasons), options.listener);
      return { session, device: candidate };
    } catch (error) {
      if (candidate === 'cpu') throw error;
      const reason = failureReason(candidate, error);
      memo.failed.set(candidate, reason);
      reasons.set(candidate, reason);
    }
  }
  throw new Error('no execution provider could be tried');
}
