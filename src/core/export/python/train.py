"""LoRA-MoE training exported by `smoe export-job`: reproduces `smoe train` step for step (same batches, AdamW,
schedule, clipping, accumulation, initial adapter) and writes smoe's run-folder format.

  python train.py                       # 1 process (CPU or 1 GPU)
  torchrun --nproc_per_node N train.py  # or: accelerate launch --config_file accelerate_config.yaml train.py
"""

import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from smoe_checkpoint import latest_checkpoint, write_checkpoint  # noqa: E402
from smoe_data import collate, load_examples, scored_tokens, token_losses  # noqa: E402
from smoe_files import RunFolder  # noqa: E402
from smoe_model import enable_checkpointing, load_base_model  # noqa: E402
from smoe_moe import adapter_parameters, inject, inject_peft, load_adapter_values, peft_available, save_adapter, set_token_weight  # noqa: E402
from smoe_optim import SmoeAdamW, clip_grad_norm, learning_rate_at  # noqa: E402
from smoe_random import MultiTaskSampler, derive_seed  # noqa: E402
from smoe_dist import Distributed, resolve_device  # noqa: E402
import smoe_deepspeed  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", default=os.path.join(HERE, "job.json"), help="the job description export-job wrote")
    p.add_argument("--model", help="base model path on this machine (default: the path in job.json)")
    p.add_argument("--runs", default=os.path.join(HERE, "runs"), help="folder for run folders (sync it back to the project's .smoe/runs)")
    p.add_argument("--resume", help="a run folder of this job to continue from its newest checkpoint")
    p.add_argument("--max-steps", type=int, help="override training.maxSteps")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda")
    p.add_argument("--engine", default="auto", choices=["auto", "transformers", "builtin"], help="how the base model is loaded")
    p.add_argument("--bf16", default="auto", choices=["auto", "on", "off"],
                   help="bf16 autocast (auto: accelerate's --mixed_precision when launched by accelerate, else on with CUDA)")
    p.add_argument("--deepspeed", metavar="FILE", help="DeepSpeed ZeRO with this config (ds_zero2.json, ds_zero3.json); "
                   "under `accelerate launch` the accelerate config names it")
    p.add_argument("--gradient-checkpointing", default="auto", choices=["auto", "on", "off"],
                   help="recompute each decoder layer in the backward pass (auto: the experiment's training.recompute; "
                        "its own auto turns on when the weights plus smoe's activation estimate pass half the device's memory)")
    p.add_argument("--peft", default="auto", choices=["auto", "on", "off"],
                   help="build the adapters through PEFT (a registered custom LoRA module) when the model is loaded by transformers")
    return p.parse_args()


class Job:
    def __init__(self, args):
        with open(args.job, encoding="utf-8") as f:
            self.spec = json.load(f)
        self.training = dict(self.spec["training"], **({"maxSteps": args.max_steps} if args.max_steps else {}))
        if args.model:
            self.spec["model"]["path"] = os.path.abspath(args.model)
        self.dir = os.path.dirname(os.path.abspath(args.job))

    def path(self, relative):
        return os.path.join(self.dir, relative)


def step_once(ctx, drawn_batches):
    """One optimiser step over this rank's micro-batches; returns the sums the step event needs."""
    job, layers, params, dist = ctx["job"], ctx["layers"], ctx["params"], ctx["dist"]
    accumulation, engine = job.training["gradientAccumulation"], ctx["ds"]
    if engine is None:
        for p in params.values():
            p.grad = torch.zeros_like(p)
    names = [t["name"] for t in job.spec["tasks"]]
    sums = {"loss": 0.0, "tokens": 0, "taskLoss": [0.0] * len(names), "taskTokens": [0] * len(names), "load": {}}
    for micro, drawn in enumerate(drawn_batches):
        if micro % dist.world != dist.rank:
            continue
        examples = [ctx["tasks"][t][e] for t, e in drawn]
        ids, labels, mask = collate(examples, job.spec["padId"], ctx["device"])
        set_token_weight(layers, mask.reshape(-1))
        with ctx["autocast"]():
            logits = (engine or ctx["model"])(input_ids=ids).logits
        losses, weight = token_losses(logits, labels)
        loss = losses.sum() / torch.clamp(weight.sum(), min=1.0)
        balance = [l.balance_loss for l in layers.values() if l.balance_loss is not None]
        if balance:
            loss = loss + torch.stack(balance).sum()
        if not torch.isfinite(loss):
            raise FloatingPointError(f"training diverged at step {ctx['step'] + 1}: the loss is {float(loss)}; lower training.learningRate or set training.maxGradNorm")
        if engine is None:
            (loss / accumulation).backward()
        else:  # DeepSpeed divides by its accumulation steps, averages over processes and steps at the boundary
            engine.backward(loss)
            engine.step()
        sums["loss"] += float(loss)
        sums["tokens"] += int(mask.sum())
        per_example = losses.detach().sum(-1).tolist()
        for b, (task, _) in enumerate(drawn):
            sums["taskLoss"][task] += per_example[b]
            sums["taskTokens"][task] += scored_tokens(examples[b][1])
        for name, layer in layers.items():
            if layer.load is not None:
                entry = sums["load"].setdefault(name, [torch.zeros_like(layer.load[0]), None])
                entry[0] += layer.load[0].detach()
                if layer.load[1] is not None:
                    entry[1] = (entry[1] if entry[1] is not None else 0) + layer.load[1].detach()
    return dist.reduce_step(params, sums, grads=engine is None)


def report(run, ctx, sums, lr, grad_norm, seconds):
    job = ctx["job"]
    micro = job.training["gradientAccumulation"]
    names = [t["name"] for t in job.spec["tasks"]]
    task_loss = {n: sums["taskLoss"][i] / sums["taskTokens"][i] for i, n in enumerate(names) if sums["taskTokens"][i] > 0}
    event = {"type": "train-step", "step": ctx["step"], "loss": sums["loss"] / micro, "taskLoss": task_loss,
             "learningRate": lr, "gradNorm": grad_norm, "tokensPerSecond": sums["tokens"] / seconds if seconds > 0 else 0}
    if sums["load"]:
        event["routerLoad"] = {m: {"meanGate": (g / micro).tolist(), **({"selection": (s / micro).tolist()} if s is not None else {})}
                               for m, (g, s) in sums["load"].items()}
    run.append("metric", **event)
    total = job.training["maxSteps"]
    run.append("progress", phase="train", done=ctx["step"], total=total, message=f"loss {event['loss']:.4f} lr {lr:.2e}")
    print(f"step {ctx['step']}/{total} loss {event['loss']:.6f} lr {lr:.3e} grad-norm {grad_norm:.4f}", flush=True)
    return event["loss"]


def use_bf16(choice, device):
    """--bf16 on/off wins; under `accelerate launch` its --mixed_precision decides; else bf16 on CUDA."""
    if choice != "auto":
        if choice == "on" and device.type != "cuda":
            raise SystemExit("--bf16 on needs a CUDA device; this run is on the CPU (use --bf16 off or --device cuda)")
        return choice == "on"
    launched = os.environ.get("ACCELERATE_MIXED_PRECISION")
    if launched in ("bf16", "no", "fp16"):
        if launched == "fp16":
            print("accelerate asked for fp16: this job trains in bf16 or float32, so it uses bf16", flush=True)
        return launched != "no" and device.type == "cuda"
    return device.type == "cuda"


def use_checkpointing(choice, job, model, device):
    """--gradient-checkpointing, else training.recompute; its `auto` as smoe decides it, against this device's memory."""
    if choice != "auto":
        return choice == "on"
    setting = job.training.get("recompute", "auto")
    if isinstance(setting, bool):
        return setting
    # smoe's estimate of the float32 activations one micro-batch keeps (an upper bound under bf16 autocast).
    activations = job.spec.get("memory", {}).get("activationBytes", 0)
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    if device.type == "cuda":
        total = torch.cuda.get_device_properties(device).total_memory
    else:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return weights + activations > total / 2


def prepare(args, job, dist):
    if job.training["gradientAccumulation"] % dist.world != 0:
        raise SystemExit(f"training.gradientAccumulation ({job.training['gradientAccumulation']}) must be a multiple of the process count ({dist.world}) "
                         "so every process runs the same share of each step; change it in the experiment and export again")
    device = resolve_device(args.device, dist)
    bf16 = use_bf16(args.bf16, device)
    # The frozen base can be held in bf16 on a GPU (half the memory); the adapters stay float32 under autocast.
    model, engine = load_base_model(job.spec["model"], args.engine, torch.bfloat16 if bf16 else torch.float32)
    for p in model.parameters():
        p.requires_grad_(False)
    checkpointing = use_checkpointing(args.gradient_checkpointing, job, model, device)
    if checkpointing:
        enable_checkpointing(model)
    through_peft = engine == "transformers" and (args.peft == "on" or (args.peft == "auto" and peft_available()))
    if through_peft:
        model, layers = inject_peft(model, job.spec["adapter"], job.spec["modules"])
    else:
        layers = inject(model, job.spec["adapter"], job.spec["modules"])
    model.to(device)
    model.train()
    params = adapter_parameters(layers)
    for p in params.values():
        p.requires_grad_(True)
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if bf16 else (lambda: torch.autocast("cpu", enabled=False))
    t = job.training
    tasks = [load_examples(job.path(task["file"]), t["maxLength"], t["trainOnInputs"]) for task in job.spec["tasks"]]
    return {"job": job, "model": model, "engine": engine + (" + PEFT" if through_peft else ""), "layers": layers, "params": params, "device": device,
            "autocast": autocast, "tasks": tasks, "dist": dist, "step": 0, "bf16": bf16, "ds": None, "zero": 0, "checkpointing": checkpointing}


def restore(args, job, ctx):
    """Initial adapter, optimiser, sampler and step: fresh (init_adapter.safetensors) or from the newest checkpoint."""
    t, params = job.training, ctx["params"]
    resumed = latest_checkpoint(args.resume) if args.resume else None
    load_adapter_values(params, os.path.join(resumed["dir"], "adapter.safetensors") if resumed else job.path("init_adapter.safetensors"))
    ds_file = smoe_deepspeed.config_file(args.deepspeed)
    if ds_file:
        ctx["ds"], ctx["optimizer"], ctx["zero"] = smoe_deepspeed.start(ctx["model"], ctx["layers"], params, ds_file, t, ctx["dist"].world)
        ctx["engine"] += f" + DeepSpeed ZeRO-{ctx['zero']}"
        if resumed:
            smoe_deepspeed.load(ctx["ds"], resumed["dir"])
    else:
        if resumed and resumed["optimizer"] is None:
            raise SystemExit(f"{resumed['dir']} was written under DeepSpeed (it has no optimizer.safetensors): resume it with the same --deepspeed config")
        moments = None
        if resumed:
            moments = {k: ({n: v.to(ctx["device"]) for n, v in val.items()} if isinstance(val, dict) else val) for k, val in resumed["optimizer"].items()}
        ctx["optimizer"] = SmoeAdamW(params, tuple(t["betas"]), t["eps"], t["weightDecay"], moments)
    ctx["sampler"] = MultiTaskSampler(t["seed"], [len(x) for x in ctx["tasks"]], job.spec["weights"], resumed["state"]["sampler"] if resumed else None)
    # smoe's checkpoints carry the dropout stream's state; this job draws dropout from torch, so it is passed through.
    ctx["dropoutRandom"] = resumed["state"]["dropoutRandom"] if resumed else derive_seed(t["seed"], 0xD0)
    ctx["step"] = resumed["state"]["step"] if resumed else 0


def open_run(args, job, ctx):
    """The run folder (rank 0 only): new, or the resumed one reopened. Every process learns its path."""
    if ctx["dist"].rank != 0:
        ctx["runDir"] = ctx["dist"].share(None)
        return None
    meta = {"experiment": job.spec["experiment"], "name": job.spec["name"], "origin": "export-job",
            "config": {"adapter": job.spec["adapterRecord"], "training": job.training}}
    run = RunFolder.reopen(args.resume) if args.resume else RunFolder.create(args.runs, "train", meta)
    trainable = sum(p.numel() for p in ctx["params"].values())
    run.log("info", f"{len(ctx['layers'])} adapted modules, {trainable:,} trainable parameters, engine {ctx['engine']}, "
                    f"device {ctx['device']}{' bf16' if ctx['bf16'] else ''}{', gradient checkpointing' if ctx['checkpointing'] else ''}, "
                    f"{ctx['dist'].world} process(es), "
                    f"{'resuming at' if args.resume else 'starting at'} step {ctx['step']} of {job.training['maxSteps']}")
    ctx["runDir"] = ctx["dist"].share(run.dir)
    return run


def save_checkpoint(run, ctx, loss):
    """Called on every process: under DeepSpeed each one saves its optimizer partition next to rank 0's files."""
    engine = ctx["ds"]
    with smoe_deepspeed.gathered(ctx["params"], ctx["zero"]):
        if run:
            state = {"step": ctx["step"], "sampler": ctx["sampler"].save(), "dropoutRandom": ctx["dropoutRandom"],
                     "shapes": {n: list(p.shape) for n, p in ctx["params"].items()}, "loss": loss}
            write_checkpoint(run.dir, ctx["params"], None if engine else ctx["optimizer"], state)
    if engine:
        ctx["dist"].barrier()
        smoe_deepspeed.save(engine, os.path.join(ctx["runDir"], "checkpoints", f"step-{ctx['step']}"))
    if run:
        run.artifact(f"checkpoints/step-{ctx['step']}")


def loop(run, ctx):
    """Optimiser steps up to maxSteps; returns the last loss, tokens and seconds."""
    t = ctx["job"].training
    last_loss, tokens, seconds = None, 0, 0.0
    while ctx["step"] < t["maxSteps"]:
        tick = time.time()
        lr = learning_rate_at(ctx["step"], t)
        if ctx["ds"]:
            smoe_deepspeed.set_learning_rate(ctx["optimizer"], lr)
        sums = step_once(ctx, [ctx["sampler"].draw(t["microBatchSize"]) for _ in range(t["gradientAccumulation"])])
        if ctx["ds"]:
            grad_norm = smoe_deepspeed.grad_norm(ctx["ds"])
        else:
            grad_norm = clip_grad_norm(ctx["params"], t["maxGradNorm"])
            ctx["optimizer"].step(lr)
        ctx["step"] += 1
        took = time.time() - tick
        tokens, seconds = tokens + sums["tokens"], seconds + took
        if run:
            last_loss = report(run, ctx, sums, lr, grad_norm, took)
        if ctx["step"] % t["checkpointEvery"] == 0 or ctx["step"] == t["maxSteps"]:
            save_checkpoint(run, ctx, last_loss)
    return last_loss, tokens, seconds


def finish_run(run, ctx, outcome, started):
    job, params = ctx["job"], ctx["params"]
    last_loss, tokens, seconds = outcome
    for name in save_adapter(run.dir, params, job.spec):
        run.artifact(name)
    run.record["summary"] = {"steps": ctx["step"], "finalLoss": last_loss, "trainableParams": sum(p.numel() for p in params.values()),
                             "totalExperts": sum(m["experts"] for m in job.spec["modules"]),
                             "tokensPerSecond": tokens / seconds if seconds > 0 else None, "seconds": seconds, "adapterDir": run.dir}
    if ctx["device"].type == "cuda":
        run.record["summary"]["gpuPeakBytes"] = torch.cuda.max_memory_allocated(ctx["device"])
    run.record["timings"]["totalSeconds"] = time.time() - started
    run.finish("succeeded")
    print(f"run folder: {run.dir}", flush=True)


def train(args):
    dist = Distributed()
    job = Job(args)
    ctx = prepare(args, job, dist)
    restore(args, job, ctx)
    run = open_run(args, job, ctx)
    started = time.time()
    try:
        outcome = loop(run, ctx)
        with smoe_deepspeed.gathered(ctx["params"], ctx["zero"]):
            if run:
                finish_run(run, ctx, outcome, started)
    except BaseException as error:
        if run:
            run.record["timings"]["totalSeconds"] = time.time() - started
            run.finish("cancelled" if isinstance(error, KeyboardInterrupt) else "failed", str(error) or type(error).__name__)
        raise
    finally:
        dist.close()


if __name__ == "__main__":
    train(parse_args())
