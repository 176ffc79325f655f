"""LoRA-MoE layers in PyTorch (smoe's DESIGN.md §3.1), injected into a model's Linear modules by name.

shared-a: y = W x + (alpha/r) * sum_i g_i(x) B_i (A x), g = softmax(W_g x) (dense).
independent: n pairs (A_i, B_i), top-k router (softmax over the k largest logits), Switch balance loss.
Tensor names are smoe's (PEFT-style): base_model.model.<module>.lora_A[.i].weight, lora_B[.i].weight,
lora_router.weight, so adapter.safetensors loads in smoe and, for plain LoRA, in PEFT unchanged.
"""

import json
import os

import torch
from torch import nn

from smoe_files import encode_safetensors, read_safetensors, write_atomic

PEFT_PREFIX = "base_model.model."


class LoraMoeLinear(nn.Module):
    """Wraps a frozen nn.Linear; `token_weight` (set per batch) weights tokens in the router statistics."""

    def __init__(self, base, name, experts, adapter):
        super().__init__()
        self.base, self.name, self.experts = base, name, experts
        self.style, self.rank = adapter["style"], adapter["rank"]
        self.scaling = adapter["alpha"] / adapter["rank"]
        self.top_k = experts if self.style == "shared-a" else min(adapter["topK"], experts)
        self.balance_coef = adapter["balanceLossCoef"] if self.style == "independent" else 0.0
        self.dropout = nn.Dropout(adapter["dropout"]) if adapter["dropout"] > 0 else nn.Identity()
        d_in, d_out = base.in_features, base.out_features
        dev = base.weight.device
        a_count = 1 if self.style == "shared-a" else experts
        self.lora_A = nn.ParameterList(nn.Parameter(torch.zeros(self.rank, d_in, device=dev)) for _ in range(a_count))
        self.lora_B = nn.ParameterList(nn.Parameter(torch.zeros(d_out, self.rank, device=dev)) for _ in range(experts))
        self.lora_router = nn.Parameter(torch.zeros(experts, d_in, device=dev)) if experts > 1 else None
        self.token_weight = None
        self.load = None
        self.balance_loss = None

    def named_adapter_tensors(self):
        """(smoe tensor name, parameter) in smoe's order: A(s), B(s), router."""
        prefix = f"{PEFT_PREFIX}{self.name}"
        numbered = lambda role, i: f"{prefix}.{role}{'.' + str(i) if self.experts > 1 else ''}.weight"
        out = [(f"{prefix}.lora_A.weight" if self.style == "shared-a" else numbered("lora_A", i), p) for i, p in enumerate(self.lora_A)]
        out += [(numbered("lora_B", i), p) for i, p in enumerate(self.lora_B)]
        if self.lora_router is not None:
            out.append((f"{prefix}.lora_router.weight", self.lora_router))
        return out

    def forward(self, x):
        base_out = self.base(x)
        flat = x.reshape(-1, x.shape[-1])
        xin = self.dropout(flat).to(self.lora_A[0].dtype)
        if self.experts == 1:
            delta = (xin @ self.lora_A[0].t()) @ self.lora_B[0].t()
        else:
            gates, probs, selected = self._route(flat.to(self.lora_router.dtype))
            if self.style == "shared-a":
                z = (xin @ self.lora_A[0].t()).unsqueeze(1)
            else:
                z = (xin @ torch.cat(list(self.lora_A), 0).t()).reshape(-1, self.experts, self.rank)
            mixed = (z * gates.unsqueeze(-1)).reshape(-1, self.experts * self.rank)
            delta = mixed @ torch.cat(list(self.lora_B), 1).t()
            if self.training:
                self._statistics(gates, probs, selected)
        return base_out + (delta * self.scaling).reshape(base_out.shape).to(base_out.dtype)

    def _route(self, flat):
        logits = flat @ self.lora_router.t()
        probs = torch.softmax(logits, dim=-1)
        if self.style == "shared-a":
            return probs, probs, None
        if self.top_k >= self.experts:
            return probs, probs, torch.ones_like(probs)
        values, indices = torch.topk(logits, self.top_k, dim=-1)
        gates = torch.zeros_like(probs).scatter(1, indices, torch.softmax(values, dim=-1))
        selected = torch.zeros_like(probs).scatter(1, indices, 1.0)
        return gates, probs, selected

    def _token_mean(self, values):
        w = self.token_weight
        if w is None:
            return values.mean(0)
        return (values * w.unsqueeze(-1)).sum(0) / torch.clamp(w.sum(), min=1.0)

    def _statistics(self, gates, probs, selected):
        mean_gate = self._token_mean(gates.detach())
        selection = self._token_mean(selected) if selected is not None else None
        self.load = (mean_gate, selection)
        if self.balance_coef > 0 and selected is not None:
            f = selection.detach() / self.top_k
            self.balance_loss = (f * self._token_mean(probs)).sum() * (self.balance_coef * self.experts)


def inject(model, adapter, modules):
    """Replaces each listed Linear (job.json `modules`, smoe's order) by a LoraMoeLinear; returns them by name."""
    layers = {}
    for m in modules:
        parent_name, _, child = m["name"].rpartition(".")
        parent = model.get_submodule(parent_name)
        base = getattr(parent, child)
        if not isinstance(base, nn.Linear):
            raise TypeError(f"{m['name']} is a {type(base).__name__}, not a Linear: the expert map names a module this model does not have")
        if (base.in_features, base.out_features) != (m["dIn"], m["dOut"]):
            raise ValueError(f"{m['name']}: the model's shape ({base.in_features}->{base.out_features}) is not the job's ({m['dIn']}->{m['dOut']})")
        layer = LoraMoeLinear(base, m["name"], m["experts"], adapter)
        setattr(parent, child, layer)
        layers[m["name"]] = layer
    return layers


def adapter_parameters(layers):
    """Every trainable tensor by smoe name, in smoe's order (the order of checkpoints and adapter files)."""
    out = {}
    for layer in layers.values():
        out.update(layer.named_adapter_tensors())
    return out


def set_token_weight(layers, weight):
    for layer in layers.values():
        layer.token_weight = weight
        layer.load = None
        layer.balance_loss = None


def load_adapter_values(params, path):
    """Copies a safetensors file's tensors (smoe names) into the parameters; every parameter must be there."""
    tensors, _ = read_safetensors(path)
    for name, p in params.items():
        if name not in tensors:
            raise KeyError(f"{path} has no tensor {name}: it was made for another expert map")
        if tuple(tensors[name].shape) != tuple(p.shape):
            raise ValueError(f"{path}: {name} is {list(tensors[name].shape)}, the adapter needs {list(p.shape)}")
        with torch.no_grad():
            p.copy_(tensors[name].to(p.device))


def save_adapter(directory, params, job):
    """smoe's adapter files plus a PEFT-style copy in peft/ (adapter_model.safetensors + adapter_config.json)."""
    os.makedirs(os.path.join(directory, "peft"), exist_ok=True)
    data = encode_safetensors(params)
    write_atomic(os.path.join(directory, "adapter.safetensors"), data)
    write_atomic(os.path.join(directory, "adapter_config.json"), json.dumps(job["adapterConfig"], indent=2) + "\n")
    write_atomic(os.path.join(directory, "experts.json"), job["expertsText"])
    write_atomic(os.path.join(directory, "peft", "adapter_model.safetensors"), data)
    write_atomic(os.path.join(directory, "peft", "adapter_config.json"), json.dumps(peft_config(job), indent=2) + "\n")
    return ["adapter.safetensors", "adapter_config.json", "experts.json", "peft/adapter_model.safetensors", "peft/adapter_config.json"]


def peft_config(job):
    """PEFT's LoraConfig fields; the LoRA-MoE fields ride along for load_smoe_adapter (PEFT keeps no custom-module map)."""
    c = job["adapterConfig"]
    return {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": c["base_model_name_or_path"],
        "r": c["r"], "lora_alpha": c["lora_alpha"], "lora_dropout": c["lora_dropout"], "bias": "none",
        "target_modules": sorted(c["expert_map"].keys()), "inference_mode": True,
        "smoe": {"style": c["style"], "top_k": c["top_k"], "balance_loss_coef": c["balance_loss_coef"], "expert_map": c["expert_map"]},
    }


def load_smoe_adapter(model, directory):
    """Injects the LoRA-MoE layers an exported adapter folder describes and loads its values (inference)."""
    with open(os.path.join(directory, "adapter_config.json"), encoding="utf-8") as f:
        c = json.load(f)
    c = c.get("smoe", c) | {k: c[k] for k in ("r", "lora_alpha") if k in c}
    adapter = {"style": c["style"], "rank": c["r"], "alpha": c["lora_alpha"], "dropout": 0.0, "topK": c["top_k"], "balanceLossCoef": 0.0}
    modules = []
    for name, experts in c["expert_map"].items():
        base = model.get_submodule(name)
        modules.append({"name": name, "experts": experts, "dIn": base.in_features, "dOut": base.out_features})
    layers = inject(model, adapter, modules)
    weights = "adapter_model.safetensors" if os.path.exists(os.path.join(directory, "adapter_model.safetensors")) else "adapter.safetensors"
    load_adapter_values(adapter_parameters(layers), os.path.join(directory, weights))
    return layers
