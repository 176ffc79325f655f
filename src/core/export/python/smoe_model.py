"""The base model: transformers when importable (HF folders), else a built-in plain-PyTorch LLaMA/Qwen2/Mistral
decoder that reads Hugging Face safetensors folders and llama2.c `.bin` files. Module names are Hugging Face's
(`model.layers.{i}.self_attn.q_proj`, ...) either way, so the adapters are injected by the same names."""

import glob
import math
import os
import struct

import torch
import torch.utils.checkpoint
from torch import nn

from smoe_files import read_safetensors


class RMSNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        return x * torch.reciprocal(torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)) * self.weight


def rope_tables(positions, head_dim, theta, dtype):
    inv_freq = torch.tensor([theta ** (-(2 * i) / head_dim) for i in range(head_dim // 2)], dtype=dtype, device=positions.device)
    angles = positions.to(dtype)[:, None] * inv_freq
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin, layout):
    """`half`: Hugging Face rotate_half; `interleaved`: llama2.c pairs (2i, 2i+1)."""
    if layout == "half":
        x1, x2 = x.chunk(2, dim=-1)
        rotated = torch.cat([-x2, x1], dim=-1)
        return x * torch.cat([cos, cos], -1) + rotated * torch.cat([sin, sin], -1)
    pairs = x.reshape(*x.shape[:-1], -1, 2)
    even, odd = pairs[..., 0], pairs[..., 1]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).reshape(x.shape)


def repeat_kv(x, heads):
    b, kv, s, d = x.shape
    if kv == heads:
        return x
    return x[:, :, None].expand(b, kv, heads // kv, s, d).reshape(b, heads, s, d)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        q, kv, d = c["numHeads"] * c["headDim"], c["numKvHeads"] * c["headDim"], c["hiddenSize"]
        self.q_proj = nn.Linear(d, q, bias=c["attentionBias"])
        self.k_proj = nn.Linear(d, kv, bias=c["attentionBias"])
        self.v_proj = nn.Linear(d, kv, bias=c["attentionBias"])
        self.o_proj = nn.Linear(q, d, bias=False)

    def forward(self, x, cos, sin):
        c = self.c
        b, t, _ = x.shape
        heads, kv_heads, hd = c["numHeads"], c["numKvHeads"], c["headDim"]
        q = self.q_proj(x).view(b, t, heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, kv_heads, hd).transpose(1, 2)
        q = apply_rope(q, cos, sin, c["ropeLayout"])
        k = apply_rope(k, cos, sin, c["ropeLayout"])
        scores = torch.matmul(q * (1 / math.sqrt(hd)), repeat_kv(k, heads).transpose(2, 3))
        future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        scores = scores + future.to(scores.dtype) * -1e9
        context = torch.matmul(torch.softmax(scores, dim=-1), repeat_kv(v, heads))
        return self.o_proj(context.transpose(1, 2).reshape(b, t, heads * hd))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, f = c["hiddenSize"], c["intermediateSize"]
        self.gate_proj = nn.Linear(d, f, bias=False)
        self.up_proj = nn.Linear(d, f, bias=False)
        self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x):
        gate = self.gate_proj(x)
        return self.down_proj(gate * torch.sigmoid(gate) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hiddenSize"], c["rmsNormEps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["hiddenSize"], c["rmsNormEps"])
        self.mlp = MLP(c)

    def forward(self, h, cos, sin):
        mid = h + self.self_attn(self.input_layernorm(h), cos, sin)
        return mid + self.mlp(self.post_attention_layernorm(mid))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocabSize"], c["hiddenSize"])
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c["numLayers"]))
        self.norm = RMSNorm(c["hiddenSize"], c["rmsNormEps"])


class Output:
    def __init__(self, logits):
        self.logits = logits


class CausalLM(nn.Module):
    """The built-in decoder; `model(input_ids=...)` returns an object with `.logits` as transformers does."""

    def __init__(self, c):
        super().__init__()
        self.config_dict = c
        self.model = Decoder(c)
        self.lm_head = None if c["tieWordEmbeddings"] else nn.Linear(c["hiddenSize"], c["vocabSize"], bias=False)
        self.checkpointing = False

    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None):
        """As transformers' method: each decoder layer's activations are recomputed in the backward pass."""
        self.checkpointing = True

    def forward(self, input_ids, **_ignored):
        c = self.config_dict
        h = self.model.embed_tokens(input_ids)
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        cos, sin = rope_tables(positions, c["headDim"], c["ropeTheta"], h.dtype)
        recompute = self.checkpointing and self.training and torch.is_grad_enabled()
        for layer in self.model.layers:
            # Non-reentrant checkpointing restores the RNG state, so dropout draws the same masks when recomputing.
            h = torch.utils.checkpoint.checkpoint(layer, h, cos, sin, use_reentrant=False) if recompute else layer(h, cos, sin)
        h = self.model.norm(h)
        head = self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight
        return Output(torch.matmul(h, head.t()))


def _llama2c_tensors(path, c):
    """Tensors of a legacy (version 0) llama2.c checkpoint under HF names (w1 = gate, w3 = up, w2 = down)."""
    d, f, n = c["hiddenSize"], c["intermediateSize"], c["numLayers"]
    q, kv = c["numHeads"] * c["headDim"], c["numKvHeads"] * c["headDim"]
    layer = lambda kind: [f"model.layers.{i}.{kind}" for i in range(n)]
    blocks = [(["model.embed_tokens.weight"], [c["vocabSize"], d]),
              (layer("input_layernorm.weight"), [d]), (layer("self_attn.q_proj.weight"), [q, d]),
              (layer("self_attn.k_proj.weight"), [kv, d]), (layer("self_attn.v_proj.weight"), [kv, d]),
              (layer("self_attn.o_proj.weight"), [d, q]), (layer("post_attention_layernorm.weight"), [d]),
              (layer("mlp.gate_proj.weight"), [f, d]), (layer("mlp.down_proj.weight"), [d, f]),
              (layer("mlp.up_proj.weight"), [f, d]), (["model.norm.weight"], [d]),
              ([None, None], [c["maxPositions"], c["headDim"] // 2])]
    if not c["tieWordEmbeddings"]:
        blocks.append((["lm_head.weight"], [c["vocabSize"], d]))
    with open(path, "rb") as fh:
        data = bytearray(fh.read())
    header = struct.unpack("<7i", bytes(data[:28]))
    if header[0] != d or header[2] != n:
        raise ValueError(f"{path}: its llama2.c header (dim {header[0]}, layers {header[2]}) does not match job.json; export the job again")
    flat = torch.frombuffer(data, dtype=torch.float32, offset=28)
    tensors, offset = {}, 0
    for names, dims in blocks:
        size = math.prod(dims)
        for name in names:
            if name:
                tensors[name] = flat[offset:offset + size].reshape(dims).clone()
            offset += size
    return tensors


def _hf_tensors(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.safetensors")))
    if not files:
        raise FileNotFoundError(f"{folder}: no *.safetensors files; the job reads Hugging Face safetensors folders")
    tensors = {}
    for file in files:
        tensors.update(read_safetensors(file)[0])
    return tensors


def builtin_model(model_spec):
    """The built-in decoder with the checkpoint's weights (float32)."""
    c = model_spec["config"]
    model = CausalLM(c)
    path = model_spec["path"]
    tensors = _llama2c_tensors(path, c) if model_spec["format"] == "llama2c" else _hf_tensors(path)
    if c["tieWordEmbeddings"]:
        tensors.pop("lm_head.weight", None)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if missing:
        raise ValueError(f"{path}: missing tensors {missing[:3]}{' …' if len(missing) > 3 else ''}")
    return model


def transformers_available():
    try:
        import transformers  # noqa: F401
        return True
    except ImportError:
        return False


def load_base_model(model_spec, engine="auto", dtype=torch.float32):
    """transformers for HF folders when installed (engine auto|transformers), else the built-in decoder (float32)."""
    use_hf = engine == "transformers" or (engine == "auto" and model_spec["format"] == "hf" and transformers_available())
    if use_hf:
        from transformers import AutoModelForCausalLM
        model = AutoModelForCausalLM.from_pretrained(model_spec["path"], torch_dtype=dtype)
        return model, "transformers"
    return builtin_model(model_spec), "builtin"


def enable_checkpointing(model):
    """Per-layer gradient checkpointing (smoe's training.recompute): transformers' own, or the built-in decoder's."""
    try:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    except TypeError:  # transformers before 4.35 takes no arguments (and checkpoints reentrantly)
        model.gradient_checkpointing_enable()
    if hasattr(model, "config") and hasattr(model.config, "use_cache"):
        model.config.use_cache = False
