// The C allocator setting under which onnxruntime's freed activations leave the process (docs/memory.md, "Freed
// memory"). Sessions over checkpoints run without onnxruntime's CPU arena, so every tensor is a malloc/free. glibc
// raises its mmap threshold to the size of the largest block freed (up to 32 MiB), after which blocks of that size
// come from its heap, and freed heap memory mostly stays resident: at the Qwen2.5-0.5B shape that was over 1 GiB of
// peak RSS holding nothing. A fixed threshold (glibc's own default of 128 KiB; setting it turns the growth off) maps
// each large block and unmaps it when freed. glibc reads it once, at process start: it goes into the environment of
// the processes that run jobs (the extension's worker, and the CLI re-executes itself for its heavy commands).

export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** True where the setting applies (glibc: Linux) and this environment does not have it yet. */
export function allocatorEnvMissing(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux' && Object.keys(ALLOCATOR_ENV).some((name) => env[name] === undefined);
}

/** `env` with the allocator setting added (a value the user set is kept). */
export function withAllocatorEnv(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== 'linux') return { ...env };
  const added: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) if (added[name] === undefined) added[name] = value;
  return added;
}
