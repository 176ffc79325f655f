"""DeepSpeed ZeRO for the exported job (`smoe export-job --deepspeed zero2|zero3`, or `train.py --deepspeed FILE`).

DeepSpeed owns what ZeRO changes: gradient reduction across processes, the accumulation boundary, clipping, and the
partitioning of optimizer state (stage 2) and of the parameters themselves, the frozen base included (stage 3).
The steps stay smoe's: the same micro-batches in the same order (micro-batch i on process i mod N), smoe's AdamW
arithmetic (TorchSmoeAdamW), and smoe's learning-rate schedule set before each step. bf16 stays the job's own autocast
(`--bf16`), so DeepSpeed's bf16 mode is off and the adapters keep float32 weights.
"""

import json
import os

import torch

from smoe_optim import TorchSmoeAdamW


def config_file(choice):
    """--deepspeed FILE, or the file `accelerate launch` names when its config says DEEPSPEED; else None."""
    if choice:
        return choice
    if os.environ.get("ACCELERATE_USE_DEEPSPEED", "").lower() == "true":
        named = os.environ.get("ACCELERATE_DEEPSPEED_CONFIG_FILE")
        if not named:
            raise SystemExit("accelerate launched with DeepSpeed but names no deepspeed_config_file; use the exported accelerate_config.yaml")
        return named
    return None


def resolved_config(path, training, world):
    """The JSON with every "auto" filled from the job's training settings."""
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    accumulation = training["gradientAccumulation"]
    fill = {"train_micro_batch_size_per_gpu": training["microBatchSize"], "gradient_accumulation_steps": accumulation // world,
            "train_batch_size": training["microBatchSize"] * accumulation, "gradient_clipping": training["maxGradNorm"] or 0.0}
    for key, value in fill.items():
        if config.get(key, "auto") == "auto":
            config[key] = value
    if config["gradient_accumulation_steps"] * world != accumulation or config["train_micro_batch_size_per_gpu"] != training["microBatchSize"]:
        raise SystemExit(f"{path}: gradient_accumulation_steps x processes and train_micro_batch_size_per_gpu must equal the experiment's "
                         f"training.gradientAccumulation ({accumulation}) and training.microBatchSize ({training['microBatchSize']}); set them to \"auto\"")
    # smoe's AdamW is a client optimizer DeepSpeed has not tested with ZeRO; it refuses one without this flag.
    config.setdefault("zero_allow_untested_optimizer", True)
    for mode in ("bf16", "fp16"):
        if config.get(mode, {}).get("enabled") is True:
            raise SystemExit(f"{path}: {mode}.enabled must be false or \"auto\": the job's own --bf16 autocast keeps the adapters in float32")
        config[mode] = {"enabled": False}
    return config


def stage(config):
    return int(config.get("zero_optimization", {}).get("stage", 0))


def start(model, layers, params, path, training, world):
    """deepspeed.initialize with smoe's optimizer; under stage 3 each layer claims the adapter weights it reads."""
    import deepspeed
    # `python train.py --deepspeed FILE` without a launcher: one process, and DeepSpeed still wants a process group.
    for key, value in (("RANK", "0"), ("WORLD_SIZE", "1"), ("LOCAL_RANK", "0"), ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        os.environ.setdefault(key, value)
    config = resolved_config(path, training, world)
    optimizer = TorchSmoeAdamW(list(params.values()), training["betas"], training["eps"], training["weightDecay"])
    engine, optimizer, _, _ = deepspeed.initialize(model=model, optimizer=optimizer, config=config)
    if stage(config) == 3:
        for layer in layers.values():
            for _, p in layer.named_adapter_tensors():
                deepspeed.zero.register_external_parameter(layer, p)
    return engine, optimizer, stage(config)


def set_learning_rate(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


def gathered(params, zero_stage):
    """A context in which every process sees the adapter's full tensors (stage 3 partitions them)."""
    if zero_stage == 3:
        import deepspeed
        return deepspeed.zero.GatheredParameters(list(params.values()), modifier_rank=None)
    return _Nothing()


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def save(engine, folder):
    """DeepSpeed's own checkpoint (optimizer partitions) inside smoe's checkpoint folder; every process calls it."""
    engine.save_checkpoint(folder, tag="deepspeed")


def load(engine, folder):
    path, _ = engine.load_checkpoint(folder, tag="deepspeed")
    if path is None:
        raise SystemExit(f"{folder}/deepspeed: no DeepSpeed checkpoint to resume from (was the run started with --deepspeed?)")


def grad_norm(engine):
    norm = engine.get_global_grad_norm()
    return float(norm) if norm is not None else float("nan")


def to_float(value):
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)
