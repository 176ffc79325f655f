"""A stand-in for DeepSpeed's documented training contract, for testing train.py's DeepSpeed path where DeepSpeed
cannot be installed (it is not in this project's package sources). One process; it follows what DeepSpeed promises:
initialize(model, optimizer, config) checks the config as DeepSpeed does (a client optimizer under ZeRO needs
zero_allow_untested_optimizer), backward() scales the loss by 1/gradient_accumulation_steps, step() steps the
optimizer only at the accumulation boundary after clipping by gradient_clipping (max / (norm + 1e-6)), then zeroes
the gradients; get_global_grad_norm() is the norm before clipping; save/load_checkpoint keep the optimizer state.
It records what train.py asked of it in FAKE_DEEPSPEED_LOG (JSON lines)."""

import json
import math
import os

import torch

from . import zero  # noqa: F401


def _log(**entry):
    path = os.environ.get("FAKE_DEEPSPEED_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


class DeepSpeedEngine:
    def __init__(self, module, optimizer, config):
        self.module, self.optimizer, self.config = module, optimizer, config
        self.gas = config["gradient_accumulation_steps"]
        self.clip = config.get("gradient_clipping", 0.0)
        self.micro_steps = 0
        self.norm = None

    def __call__(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def backward(self, loss):
        (loss / self.gas).backward()

    def is_gradient_accumulation_boundary(self):
        return (self.micro_steps + 1) % self.gas == 0

    def step(self):
        boundary = self.is_gradient_accumulation_boundary()
        self.micro_steps += 1
        if not boundary:
            return
        params = [p for g in self.optimizer.param_groups for p in g["params"] if p.grad is not None]
        self.norm = math.sqrt(sum(float(p.grad.float().pow(2).sum()) for p in params))
        if self.clip > 0 and self.norm > self.clip:
            for p in params:
                p.grad.mul_(self.clip / (self.norm + 1e-6))
        self.optimizer.step()
        for p in params:
            p.grad = None
        _log(event="step", lr=self.optimizer.param_groups[0]["lr"])

    def get_global_grad_norm(self):
        return self.norm

    def save_checkpoint(self, save_dir, tag):
        os.makedirs(os.path.join(save_dir, tag), exist_ok=True)
        torch.save({"optimizer": self.optimizer.state_dict(), "micro_steps": self.micro_steps}, os.path.join(save_dir, tag, "state.pt"))
        _log(event="save", dir=os.path.join(save_dir, tag))

    def load_checkpoint(self, load_dir, tag):
        path = os.path.join(load_dir, tag, "state.pt")
        if not os.path.exists(path):
            return None, None
        saved = torch.load(path)
        self.optimizer.load_state_dict(saved["optimizer"])
        self.micro_steps = saved["micro_steps"]
        _log(event="load", dir=os.path.join(load_dir, tag))
        return path, {}


def initialize(model=None, optimizer=None, config=None, model_parameters=None):
    stage = config.get("zero_optimization", {}).get("stage", 0)
    if stage > 0 and optimizer is not None and not config.get("zero_allow_untested_optimizer"):
        raise AssertionError("You are using an untested ZeRO Optimizer. Please add <\"zero_allow_untested_optimizer\": true> in the configuration file to use it.")
    for key in ("train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "train_batch_size"):
        if not isinstance(config.get(key), int):
            raise AssertionError(f"{key} must be an integer, got {config.get(key)!r}")
    if config["train_batch_size"] != config["train_micro_batch_size_per_gpu"] * config["gradient_accumulation_steps"] * int(os.environ.get("WORLD_SIZE", "1")):
        raise AssertionError("train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size")
    for key in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        if key not in os.environ:
            raise AssertionError(f"DeepSpeed needs {key} to set up its process group")
    _log(event="initialize", stage=stage, bf16=config.get("bf16", {}).get("enabled"), clip=config.get("gradient_clipping"))
    engine = DeepSpeedEngine(model, optimizer, config)
    return engine, optimizer, None, None
