// The launch files of an exported job: pinned requirements, an accelerate config, launch.sh and a README.
import type { JobSpec } from './jobSpec';

export type Launcher = 'accelerate' | 'torchrun';
export type Deepspeed = 'none' | 'zero2' | 'zero3';

const REQUIREMENTS = `# Tested versions; train.py and probe.py also run on plain torch (>= 1.13) with the built-in decoder.
torch>=2.1
safetensors>=0.4
transformers>=4.40
peft>=0.12
accelerate>=0.30
`;

/** ZeRO configs: "auto" values are filled by train.py from the experiment's training settings; bf16 is the job's own
 * autocast (DeepSpeed's bf16 mode would cast the adapters too); smoe's AdamW is a client optimizer. */
function zeroConfig(stage: 2 | 3): string {
  const zero = stage === 2
    ? { stage: 2, overlap_comm: true, contiguous_gradients: true, reduce_bucket_size: 5e7, allgather_bucket_size: 5e7 }
    : { stage: 3, overlap_comm: true, contiguous_gradients: true, stage3_gather_16bit_weights_on_model_save: false, stage3_param_persistence_threshold: 0 };
  return JSON.stringify({
    train_micro_batch_size_per_gpu: 'auto', gradient_accumulation_steps: 'auto', train_batch_size: 'auto', gradient_clipping: 'auto',
    zero_optimization: zero, zero_allow_untested_optimizer: true, bf16: { enabled: false }, fp16: { enabled: false }, steps_per_print: 1000000000, wall_clock_breakdown: false,
  }, null, 2) + '\n';
}

function requirements(deepspeed: Deepspeed): string {
  return REQUIREMENTS + (deepspeed === 'none' ? '# deepspeed>=0.14   (only for --deepspeed ds_zero2.json / ds_zero3.json)\n' : 'deepspeed>=0.14\n');
}

function accelerateConfig(deepspeed: Deepspeed): string {
  const distributed = deepspeed === 'none'
    ? 'distributed_type: MULTI_GPU\n'
    : `distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds_${deepspeed}.json\n  zero3_init_flag: false\n`;
  return `# accelerate launch --config_file accelerate_config.yaml train.py  (set num_processes / num_machines for your cluster)
compute_environment: LOCAL_MACHINE
${distributed}mixed_precision: bf16
num_machines: 1
num_processes: 1
machine_rank: 0
main_training_function: main
gpu_ids: all
same_network: true
use_cpu: false
`;
}

function launchScript(launcher: Launcher, deepspeed: Deepspeed): string {
  // accelerate passes the DeepSpeed config through its own config file; torchrun and python name it to train.py.
  const ds = deepspeed === 'none' ? '' : ` --deepspeed ds_${deepspeed}.json`;
  const multi = launcher === 'accelerate'
    ? 'accelerate launch --config_file accelerate_config.yaml --num_processes "$GPUS" train.py "$@"'
    : `torchrun --nproc_per_node "$GPUS" train.py${ds} "$@"`;
  const nodes = launcher === 'accelerate'
    ? 'accelerate launch --config_file accelerate_config.yaml --num_machines "$NODES" --machine_rank "$NODE_RANK" --main_process_ip "$MASTER_ADDR" --main_process_port 29500 --num_processes $((NODES * GPUS)) train.py "$@"'
    : `torchrun --nnodes "$NODES" --node_rank "$NODE_RANK" --master_addr "$MASTER_ADDR" --master_port 29500 --nproc_per_node "$GPUS" train.py${ds} "$@"`;
  return `#!/usr/bin/env bash
# Launches the exported LoRA-MoE training. Usage:
#   ./launch.sh                      one process: 1 GPU (bf16) or the CPU
#   GPUS=8 ./launch.sh               N GPUs on this machine
#   NODES=2 NODE_RANK=0 MASTER_ADDR=host0 GPUS=8 ./launch.sh   on every node (NODE_RANK 0..NODES-1)
# training.gradientAccumulation must be a multiple of the total process count.
set -euo pipefail
cd "$(dirname "\${BASH_SOURCE[0]}")"
GPUS=\${GPUS:-1}
NODES=\${NODES:-1}
if [ "$NODES" -gt 1 ]; then
  ${nodes}
elif [ "$GPUS" -gt 1 ]; then
  ${multi}
else
  python3 train.py${ds} "$@"
fi
`;
}

function readme(spec: JobSpec, launcher: Launcher, deepspeed: Deepspeed): string {
  const t = spec.training;
  return `# LoRA-MoE training job: ${spec.name}

Exported by \`smoe export-job\` from \`${spec.experiment}\`. It reproduces \`smoe train\` on that experiment step for
step: the same pre-tokenized data (\`data/\`), the same seeded multi-task batches, the same initial adapter
(\`init_adapter.safetensors\`), AdamW, learning-rate schedule, clipping and gradient accumulation.

- Base model: \`${spec.model.path}\` (${spec.model.format}); on another machine pass \`--model PATH\`.
- ${spec.modules.length} adapted modules, ${spec.modules.reduce((s, m) => s + m.experts, 0)} experts, style \`${spec.adapter.style}\`, rank ${spec.adapter.rank}.
- ${t.maxSteps} steps of ${t.microBatchSize} x ${t.gradientAccumulation} examples, learning rate ${t.learningRate} (${t.schedule}).

## Run

    pip install -r requirements.txt     # or only torch: the built-in decoder needs nothing else
    ./launch.sh                         # 1 GPU or CPU; GPUS=8 ./launch.sh; see launch.sh for several nodes (${launcher})

\`train.py\` loads the model with transformers when it is installed (\`--engine builtin\` forces the built-in
plain-PyTorch decoder, which reads HF safetensors folders and llama2.c .bin files). On CUDA it runs in bf16
autocast (\`--bf16 off\` for float32). The experiment's \`training.recompute\` becomes gradient checkpointing
(each decoder layer recomputed in the backward pass; \`auto\` turns it on when the weights plus smoe's activation
estimate pass half of the device's memory; \`--gradient-checkpointing on|off\` decides here). Several processes
split each step's micro-batches and sum gradients, so any process count that divides \`gradientAccumulation\` takes the same steps. ${deepspeed === 'none' ? 'Exported without DeepSpeed: export again with `--deepspeed zero2|zero3`, or pass `--deepspeed ds_zero2.json` to train.py.' : `DeepSpeed ZeRO-${deepspeed.slice(4)} is on (\`ds_${deepspeed}.json\`): it partitions the optimizer state${deepspeed === 'zero3' ? ', the gradients and the parameters, the frozen base included' : ' and the gradients'}; smoe's AdamW and schedule still drive the steps, and its checkpoints resume under DeepSpeed only (\`--resume\` with the same config).`} \`--resume runs/<run>\` continues
from the newest checkpoint (checkpoints are smoe's format, so \`smoe train --resume\` can continue them too).

\`probe.py\` is the sensitivity probe: \`python probe.py\` (all tasks), or one task per node with
\`python probe.py --task NAME --out NAME.json\`, then \`python probe.py --merge *.json --out sensitivity.json\`.

## Bring the run back

Each run is a folder under \`runs/\` in smoe's run-folder format (run.json, events.jsonl, checkpoints/,
adapter.safetensors + adapter_config.json + experts.json, and peft/ with a PEFT-style copy). Copy or sync
\`runs/\` into the project's \`.smoe/runs/\`, or add this folder's \`runs/\` to the setting \`smoe.extraRunRoots\`
(or use "LoRA-SMoE: Import Run Folder…"): the run shows in the Experiments view and on the dashboard, and
\`smoe eval --config EXPERIMENT --adapter RUN_DIR\` evaluates its adapter. A run still going on the cluster
shows as running.

To use the adapter elsewhere: \`from smoe_moe import load_smoe_adapter; load_smoe_adapter(model, RUN_DIR)\`.
`;
}

/** File name -> contents of the launch files. */
export function launchFiles(spec: JobSpec, launcher: Launcher, deepspeed: Deepspeed = 'none'): Record<string, string> {
  return {
    'requirements.txt': requirements(deepspeed),
    'accelerate_config.yaml': accelerateConfig(deepspeed),
    'ds_zero2.json': zeroConfig(2),
    'ds_zero3.json': zeroConfig(3),
    'launch.sh': launchScript(launcher, deepspeed),
    'README.md': readme(spec, launcher, deepspeed),
  };
}
