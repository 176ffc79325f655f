// The C allocator settings under which onnxruntime's freed activations leave the process, and its fresh ones are
// cheap to map (docs/memory.md, "Freed memory" and "Speed"). Sessions over checkpoints run without onnxruntime's
// CPU arena, so every tensor is a malloc/free.
// - glibc raises its mmap threshold to the size of the largest block freed (up to 32 MiB), after which blocks of
//   that size come from its heap, and freed heap memory mostly stays resident: at the Qwen2.5-0.5B shape that was
//   over 1 GiB of peak RSS holding nothing. A fixed threshold (glibc's own default of 128 KiB; setting it turns the
//   growth off) maps each large block and unmaps it when freed.
// - Each mapped block is then faulted in again, 4 KiB at a time: at 0.5B that halved training speed. glibc's
//   `hugetlb=1` tunable (2.35+; ignored by older ones) asks the kernel for transparent huge pages on those blocks
//   (2 MiB per fault), which gives the speed back at the same peak.
// glibc reads both once, at process start: they go into the environment of the processes that run jobs (the
// extension's worker, and the CLI re-executes itself for its heavy commands).

const TUNABLES = 'GLIBC_TUNABLES';
const HUGE_PAGES = 'glibc.malloc.hugetlb';

export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072', [TUNABLES]: `${HUGE_PAGES}=1` };

/** Whether `env` already has the setting `name` (a user's own value counts; GLIBC_TUNABLES must name hugetlb). */
function present(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  if (value === undefined) return false;
  return name !== TUNABLES || value.split(':').some((entry) => entry.split('=')[0] === HUGE_PAGES);
}

/** True where the settings apply (glibc: Linux) and this environment does not have them yet. */
export function allocatorEnvMissing(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux' && Object.keys(ALLOCATOR_ENV).some((name) => !present(env, name));
}

/** `env` with the allocator settings added (a value the user set is kept; other glibc tunables are kept beside ours). */
export function withAllocatorEnv(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== 'linux') return { ...env };
  const added: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) {
    if (present(added, name)) continue;
    const before = added[name];
    added[name] = name === TUNABLES && before ? `${before}:${value}` : value;
  }
  return added;
}
