"""LoRA-MoE layers in PyTorch (smoe's DESIGN.md §3.1), injected into a model's Linear modules by name.

shared-a: y = W x + (alpha/r) * sum_i g_i(x) B_i (A x), g = softmax(W_g x) (dense).
independent: n pairs (A_i, B_i), top-k router (softmax over the k largest logits), Switch balance loss.
Tensor names are smoe's (PEFT-style): base_model.model.<module>.lora_A[.i].weight, lora_B[.i].weight,
lora_router.weight, so adapter.safetensors loads in smoe and, for plain LoRA, in PEFT unchanged.
"""

import functools
import json
import os

import torch
from torch import nn

from smoe_files import encode_safetensors, read_safetensors, write_atomic

PEFT_PREFIX = "base_model.model."


class MoeMath:
    """The LoRA-MoE arithmetic shared by the plain layer and the PEFT layer. A subclass provides `base_layer`, the
    settings (`configure`) and `_tensors()` -> (A weights, B weights, router weight or None); `token_weight` (set per
    batch) weights tokens in the router statistics."""

    def configure(self, name, experts, adapter):
        self.name, self.experts = name, experts
        self.style, self.rank = adapter["style"], adapter["rank"]
        self.moe_scaling = adapter["alpha"] / adapter["rank"]
        self.top_k = experts if self.style == "shared-a" else min(adapter["topK"], experts)
        self.balance_coef = adapter["balanceLossCoef"] if self.style == "independent" else 0.0
        self.moe_dropout = nn.Dropout(adapter["dropout"]) if adapter["dropout"] > 0 else nn.Identity()
        self.token_weight = None
        self.load = None
        self.balance_loss = None

    def named_adapter_tensors(self):
        """(smoe tensor name, parameter) in smoe's order: A(s), B(s), router."""
        a_list, b_list, router = self._tensors()
        prefix = f"{PEFT_PREFIX}{self.name}"
        numbered = lambda role, i: f"{prefix}.{role}{'.' + str(i) if self.experts > 1 else ''}.weight"
        out = [(f"{prefix}.lora_A.weight" if self.style == "shared-a" else numbered("lora_A", i), p) for i, p in enumerate(a_list)]
        out += [(numbered("lora_B", i), p) for i, p in enumerate(b_list)]
        if router is not None:
            out.append((f"{prefix}.lora_router.weight", router))
        return out

    def moe_forward(self, x):
        base_out = self.base_layer(x)
        a_list, b_list, router = self._tensors()
        flat = x.reshape(-1, x.shape[-1])
        xin = self.moe_dropout(flat).to(a_list[0].dtype)
        if self.experts == 1:
            delta = (xin @ a_list[0].t()) @ b_list[0].t()
        else:
            gates, probs, selected = self._route(flat.to(router.dtype), router)
            if self.style == "shared-a":
                z = (xin @ a_list[0].t()).unsqueeze(1)
            else:
                z = (xin @ torch.cat(list(a_list), 0).t()).reshape(-1, self.experts, self.rank)
            mixed = (z * gates.unsqueeze(-1)).reshape(-1, self.experts * self.rank)
            delta = mixed @ torch.cat(list(b_list), 1).t()
            if self.training:
                self._statistics(gates, probs, selected)
        return base_out + (delta * self.moe_scaling).reshape(base_out.shape).to(base_out.dtype)

    def _route(self, flat, router):
        logits = flat @ router.t()
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


class LoraMoeLinear(MoeMath, nn.Module):
    """Wraps a frozen nn.Linear (plain PyTorch, no PEFT needed)."""

    def __init__(self, base, name, experts, adapter):
        nn.Module.__init__(self)
        self.base_layer = base
        self.configure(name, experts, adapter)
        d_in, d_out = base.in_features, base.out_features
        dev = base.weight.device
        a_count = 1 if self.style == "shared-a" else experts
        self.lora_A = nn.ParameterList(nn.Parameter(torch.zeros(self.rank, d_in, device=dev)) for _ in range(a_count))
        self.lora_B = nn.ParameterList(nn.Parameter(torch.zeros(d_out, self.rank, device=dev)) for _ in range(experts))
        self.lora_router = nn.Parameter(torch.zeros(experts, d_in, device=dev)) if experts > 1 else None

    def _tensors(self):
        return list(self.lora_A), list(self.lora_B), self.lora_router

    def forward(self, x):
        return self.moe_forward(x)


def _target(model, m):
    """The Linear an expert-map entry names, checked against the job's shape."""
    base = model.get_submodule(m["name"])
    if not isinstance(base, nn.Linear):
        raise TypeError(f"{m['name']} is a {type(base).__name__}, not a Linear: the expert map names a module this model does not have")
    if (base.in_features, base.out_features) != (m["dIn"], m["dOut"]):
        raise ValueError(f"{m['name']}: the model's shape ({base.in_features}->{base.out_features}) is not the job's ({m['dIn']}->{m['dOut']})")
    return base


def inject(model, adapter, modules):
    """Replaces each listed Linear (job.json `modules`, smoe's order) by a LoraMoeLinear; returns them by name."""
    layers = {}
    for m in modules:
        base = _target(model, m)
        parent_name, _, child = m["name"].rpartition(".")
        layer = LoraMoeLinear(base, m["name"], m["experts"], adapter)
        setattr(model.get_submodule(parent_name), child, layer)
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
        adapter, modules = _described_adapter(model, json.load(f))
    layers = inject(model, adapter, modules)
    weights = "adapter_model.safetensors" if os.path.exists(os.path.join(directory, "adapter_model.safetensors")) else "adapter.safetensors"
    load_adapter_values(adapter_parameters(layers), os.path.join(directory, weights))
    return layers


def _described_adapter(model, config):
    """The inference settings and modules an adapter_config.json describes (smoe's own, or PEFT-style with `smoe` fields)."""
    c = config.get("smoe", config) | {k: config[k] for k in ("r", "lora_alpha") if k in config}
    adapter = {"style": c["style"], "rank": c["r"], "alpha": c["lora_alpha"], "dropout": 0.0, "topK": c["top_k"], "balanceLossCoef": 0.0}
    modules = []
    for name, experts in c["expert_map"].items():
        base = model.get_submodule(name)
        modules.append({"name": name, "experts": experts, "dIn": base.in_features, "dOut": base.out_features})
    return adapter, modules


# --- PEFT: the same layer as a PEFT custom LoRA module -------------------------------------------------------------
# PEFT maps a base layer type to a LoRA layer class (LoraConfig._register_custom_module, PEFT >= 0.12) but keeps
# neither that mapping nor per-module expert counts in adapter_config.json: inject_peft and load_smoe_peft register
# the class again and tag each target Linear with its expert count before PEFT builds the layers.

def peft_available():
    try:
        import peft  # noqa: F401
        return True
    except ImportError:
        return False


@functools.cache
def peft_layer_class():
    """SmoePeftLinear, defined on first use so this module imports without PEFT."""
    from peft.tuners.lora import LoraLayer

    class SmoePeftLinear(MoeMath, nn.Module, LoraLayer):
        """A LoRA-MoE layer in PEFT's conventions: per-adapter ModuleDicts, so PEFT's state dict names are smoe's
        (`lora_A[.i].weight`, `lora_B[.i].weight`, `lora_router.weight`) once PEFT drops the adapter name."""
        adapter_layer_names = tuple(LoraLayer.adapter_layer_names) + ("lora_router",)

        def __init__(self, base_layer, adapter_name, **_peft_kwargs):
            nn.Module.__init__(self)
            LoraLayer.__init__(self, base_layer)
            self.lora_router = nn.ModuleDict({})
            tag = getattr(self.get_base_layer(), "_smoe", None)
            if tag is None:
                raise ValueError("a LoRA-MoE layer needs its expert count: build the model with smoe_moe.inject_peft or load_smoe_peft")
            self._active_adapter = adapter_name
            self._smoe_update(adapter_name, *tag)

        def _smoe_update(self, adapter_name, name, experts, adapter):
            self.configure(name, experts, adapter)
            base = self.get_base_layer()
            d_in, d_out, dev = base.in_features, base.out_features, base.weight.device
            make = lambda i, o, n: (nn.Linear(i, o, bias=False, device=dev) if n == 1 else
                                    nn.ModuleList(nn.Linear(i, o, bias=False, device=dev) for _ in range(n)))
            self.r[adapter_name], self.lora_alpha[adapter_name] = self.rank, adapter["alpha"]
            self.scaling[adapter_name] = self.moe_scaling
            self.lora_dropout[adapter_name] = nn.Identity()
            self.lora_A[adapter_name] = make(d_in, self.rank, 1 if self.style == "shared-a" else experts)
            self.lora_B[adapter_name] = make(self.rank, d_out, experts)
            if experts > 1:
                self.lora_router[adapter_name] = nn.Linear(d_in, experts, bias=False, device=dev)
            with torch.no_grad():
                for _, p in self.named_adapter_tensors():
                    p.zero_()
            self.set_adapter(self.active_adapters)

        def _tensors(self):
            key = self.active_adapters[0]
            weights = lambda m: [x.weight for x in m] if isinstance(m, nn.ModuleList) else [m.weight]
            router = self.lora_router[key].weight if key in self.lora_router else None
            return weights(self.lora_A[key]), weights(self.lora_B[key]), router

        def forward(self, x, *args, **kwargs):
            if self.disable_adapters or self.merged or not any(a in self.lora_A for a in self.active_adapters):
                return self.base_layer(x, *args, **kwargs)
            return self.moe_forward(x)

        def merge(self, *args, **kwargs):
            raise NotImplementedError("a LoRA-MoE layer routes each token to its experts, so it cannot be merged into the base weight")

        def unmerge(self, *args, **kwargs):
            raise NotImplementedError("a LoRA-MoE layer is never merged")

    return SmoePeftLinear


def smoe_lora_config(adapter, names, inference_mode=False):
    """A PEFT LoraConfig for these module names with the LoRA-MoE layer registered for nn.Linear."""
    from peft import LoraConfig
    config = LoraConfig(r=adapter["rank"], lora_alpha=adapter["alpha"], lora_dropout=adapter["dropout"], target_modules=list(names),
                        bias="none", task_type="CAUSAL_LM", inference_mode=inference_mode)
    if not hasattr(config, "_register_custom_module"):
        raise RuntimeError("this PEFT has no custom-module support (PEFT >= 0.12 needed); upgrade it or pass --peft off")
    config._register_custom_module({nn.Linear: peft_layer_class()})
    return config


def _tag(model, adapter, modules):
    for m in modules:
        _target(model, m)._smoe = (m["name"], m["experts"], adapter)


def inject_peft(model, adapter, modules):
    """PEFT's get_peft_model with the LoRA-MoE layers; returns (PeftModel, layers by name in smoe's order)."""
    from peft import get_peft_model
    _tag(model, adapter, modules)
    peft_model = get_peft_model(model, smoe_lora_config(adapter, [m["name"] for m in modules]))
    inner = peft_model.base_model.model
    return peft_model, {m["name"]: inner.get_submodule(m["name"]) for m in modules}


def load_smoe_peft(model, directory, is_trainable=False):
    """A PeftModel with a LoRA-MoE adapter: a run folder (smoe's tensor names, or its peft/ copy) or a folder PEFT's
    save_pretrained wrote. Registers the layer again and tags the expert counts from adapter_config.json's `smoe`
    fields, which PEFT itself does not keep."""
    from peft import get_peft_model
    if os.path.exists(os.path.join(directory, "peft", "adapter_config.json")):
        directory = os.path.join(directory, "peft")
    with open(os.path.join(directory, "adapter_config.json"), encoding="utf-8") as f:
        c = json.load(f)
    if "smoe" not in c:
        raise ValueError(f"{directory}/adapter_config.json has no `smoe` fields: it is not a LoRA-MoE adapter exported by smoe")
    adapter, modules = _described_adapter(model, c)
    _tag(model, adapter, modules)
    peft_model = get_peft_model(model, smoe_lora_config(adapter, [m["name"] for m in modules], inference_mode=not is_trainable))
    inner = peft_model.base_model.model
    params = adapter_parameters({m["name"]: inner.get_submodule(m["name"]) for m in modules})
    weights = os.path.join(directory, "adapter_model.safetensors")
    tensors, _ = read_safetensors(weights)
    if set(params).issubset(tensors):
        load_adapter_values(params, weights)
    else:
        # Names PEFT's own save_pretrained wrote (they depend on PEFT's version): PEFT maps them back itself.
        from peft.utils import set_peft_model_state_dict
        result = set_peft_model_state_dict(peft_model, {k: v for k, v in tensors.items()})
        missing = [k for k in getattr(result, "missing_keys", []) if "lora_" in k]
        if missing:
            raise KeyError(f"{weights} lacks {len(missing)} adapter tensors (first: {missing[0]}): it was made for another expert map")
    for p in peft_model.parameters():
        p.requires_grad_(False)
    for p in params.values():
        p.requires_grad_(is_trainable)
    if not is_trainable:
        peft_model.eval()
    return peft_model
