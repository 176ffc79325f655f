"""Checkpoints in smoe's format (checkpoints/step-N/: adapter.safetensors, optimizer.safetensors, state.json),
so a run continues here or in `smoe train --resume` from the same step."""

import json
import os
import shutil
from datetime import datetime, timezone

from smoe_files import encode_safetensors, read_safetensors


def _write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_checkpoint(run_dir, params, optimizer, state):
    root = os.path.join(run_dir, "checkpoints")
    os.makedirs(root, exist_ok=True)
    final = os.path.join(root, f"step-{state['step']}")
    temp = os.path.join(root, f".step-{state['step']}.{os.getpid()}.tmp")
    shutil.rmtree(temp, ignore_errors=True)
    os.mkdir(temp)
    _write(os.path.join(temp, "adapter.safetensors"), encode_safetensors(params))
    if optimizer is not None:  # None under DeepSpeed, which saves its partitioned optimizer state itself
        moments = {f"exp_avg/{n}": t for n, t in optimizer.exp_avg.items()}
        moments.update({f"exp_avg_sq/{n}": t for n, t in optimizer.exp_avg_sq.items()})
        _write(os.path.join(temp, "optimizer.safetensors"), encode_safetensors(moments, {"step": optimizer.step_count}))
    saved = dict(state, savedAt=datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"))
    _write(os.path.join(temp, "state.json"), json.dumps(saved, indent=2) + "\n")
    shutil.rmtree(final, ignore_errors=True)
    os.replace(temp, final)
    return final


def latest_checkpoint(run_dir):
    """The newest complete checkpoint as (state, params, optimizer state), or None."""
    root = os.path.join(run_dir, "checkpoints")
    if not os.path.isdir(root):
        return None
    steps = sorted(int(n[5:]) for n in os.listdir(root)
                   if n.startswith("step-") and n[5:].isdigit() and os.path.exists(os.path.join(root, n, "state.json")))
    if not steps:
        return None
    folder = os.path.join(root, f"step-{steps[-1]}")
    with open(os.path.join(folder, "state.json"), encoding="utf-8") as f:
        state = json.load(f)
    params, _ = read_safetensors(os.path.join(folder, "adapter.safetensors"))
    if not os.path.exists(os.path.join(folder, "optimizer.safetensors")):
        return {"dir": folder, "state": state, "params": params, "optimizer": None}
    moments, metadata = read_safetensors(os.path.join(folder, "optimizer.safetensors"))
    optimizer = {
        "step": int(metadata.get("step", state["step"])),
        "exp_avg": {n[len("exp_avg/"):]: t for n, t in moments.items() if n.startswith("exp_avg/")},
        "exp_avg_sq": {n[len("exp_avg_sq/"):]: t for n, t in moments.items() if n.startswith("exp_avg_sq/")},
    }
    return {"dir": folder, "state": state, "params": params, "optimizer": optimizer}
