/** The `smoe` command table: name -> lazy loader of its implementation (each returns an exit code). */
export type CommandRunner = (argv: string[]) => Promise<number>;

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRunner>;
  /** Loads a model and runs onnxruntime sessions: runs in a child process with the allocator setting (allocatorReexec.ts). */
  heavy?: boolean;
}

export const commands: Record<string, CommandEntry> = {
  probe: {
    heavy: true,
    summary: 'measure per-task sensitivity ||dL/dW||² of every target matrix of the frozen model (sensitivity.json)',
    load: async () => (await import('./probe')).runProbeCommand,
  },
  train: {
    heavy: true,
    summary: 'fine-tune the base model with LoRA-MoE adapters on all tasks (--resume RUN_DIR continues a run)',
    load: async () => (await import('./train')).runTrainCommand,
  },
  eval: {
    heavy: true,
    summary: 'evaluate the base model, or it plus a trained adapter (--adapter RUN_DIR), on every task',
    load: async () => (await import('./eval')).runEvalCommand,
  },
  allocate: {
    summary: 'turn per-task sensitivities into experts per module (vote or a baseline, under a budget)',
    load: async () => (await import('./allocate')).allocateCommand,
  },
  sweep: {
    heavy: true,
    summary: 'run every combination of the experiment\'s sweep lists (seeds, strategies, budgets), queued and resumable; mean ± CI',
    load: async () => (await import('./sweep')).runSweepCommand,
  },
  'export-job': {
    summary: 'write a self-contained PyTorch (+ transformers/PEFT, accelerate/torchrun) job that reproduces `smoe train`',
    load: async () => (await import('./exportJob')).runExportJobCommand,
  },
  generate: { heavy: true, summary: 'continue a prompt with the base model (KV cache; greedy or seeded top-p sampling)', load: async () => (await import('./generate')).runGenerateCommand },
  demo: {
    heavy: true,
    summary: 'write a demo workspace and run probe → allocate → train → evaluate on it (--quick: ~2 min)',
    load: async () => (await import('./demo')).runDemoCommand,
  },
};
