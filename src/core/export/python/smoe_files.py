"""smoe's file formats without extra packages: safetensors, run folders (run.json, events.jsonl), atomic writes."""

import json
import os
import socket
import struct
import time
from datetime import datetime, timezone

import torch

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
_SIZES = {"F32": 4, "F16": 2, "BF16": 2}


def write_atomic(path, data):
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def read_safetensors(path):
    """Tensors as float32 (F16/BF16 widened) and the metadata of a .safetensors file."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        body = f.read()
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; only F32, F16 and BF16 are read")
        start, end = info["data_offsets"]
        raw = bytearray(body[start:end])
        t = torch.frombuffer(raw, dtype=_DTYPES[info["dtype"]]) if raw else torch.zeros(0, dtype=_DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).float()
    return tensors, metadata


def encode_safetensors(tensors, metadata=None):
    """float32 tensors (insertion order) as safetensors bytes."""
    header = {}
    chunks = []
    offset = 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        data = t.detach().to("cpu", torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def _stamp(now):
    return now.strftime("%Y%m%d-%H%M%S")


class RunFolder:
    """A run folder in smoe's format; `host` lets smoe tell a run still going on another machine from a dead one."""

    def __init__(self, directory, record):
        self.dir = directory
        self.record = record
        self.events = open(os.path.join(directory, "events.jsonl"), "a", encoding="utf-8")
        self.save()

    @classmethod
    def create(cls, runs_root, kind, meta):
        os.makedirs(runs_root, exist_ok=True)
        now = datetime.now()
        base = f"{_stamp(now)}-{kind}"
        for attempt in range(1, 1000):
            run_id = base if attempt == 1 else f"{base}-{attempt}"
            directory = os.path.join(runs_root, run_id)
            try:
                os.mkdir(directory)
                break
            except FileExistsError:
                continue
        else:
            raise RuntimeError(f"{runs_root}: could not claim a run folder for {base}")
        record = {"id": run_id, "kind": kind, "status": "running", **meta, "startedAt": _iso(), "pid": os.getpid(),
                  "host": socket.gethostname(), "timings": {}}
        return cls(directory, record)

    @classmethod
    def reopen(cls, directory):
        with open(os.path.join(directory, "run.json"), encoding="utf-8") as f:
            record = json.load(f)
        record.update(status="running", pid=os.getpid(), host=socket.gethostname())
        record.pop("error", None)
        record.pop("finishedAt", None)
        return cls(directory, record)

    def save(self):
        write_atomic(os.path.join(self.dir, "run.json"), json.dumps(self.record, indent=2) + "\n")

    def append(self, event, **fields):
        self.events.write(json.dumps({"t": int(time.time() * 1000), "event": event, **fields}) + "\n")
        self.events.flush()

    def log(self, level, message):
        print(f"[{level}] {message}", flush=True)
        self.append("log", level=level, message=message)

    def artifact(self, name):
        self.append("artifact", name=name, path=os.path.join(self.dir, name))

    def finish(self, status, error=None):
        self.record["status"] = status
        self.record["finishedAt"] = _iso()
        if error is not None:
            self.record["error"] = error
        self.save()
        self.events.close()


def _iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(timezone.utc).microsecond // 1000:03d}Z"
