"""Several processes (torchrun / accelerate launch set WORLD_SIZE, RANK, LOCAL_RANK): every rank draws the same
micro-batch sequence and runs its share (micro-batch i on rank i mod world), gradients and step sums are summed
across ranks, so N processes take the same steps as one. Logging and saving happen on rank 0."""

import os

import torch
import torch.distributed as tdist


class Distributed:
    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if self.world > 1 and not tdist.is_initialized():
            tdist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")

    def reduce_step(self, params, sums, grads=True):
        """Sums the step's gradients (unless an engine such as DeepSpeed reduces them) and its statistics."""
        if self.world == 1:
            return sums
        for p in params.values() if grads else ():
            tdist.all_reduce(p.grad)
        device = next(iter(params.values())).device
        scalars = torch.tensor([sums["loss"], float(sums["tokens"])] + sums["taskLoss"] + [float(x) for x in sums["taskTokens"]],
                               dtype=torch.float64, device=device)
        tdist.all_reduce(scalars)
        n = len(sums["taskLoss"])
        values = scalars.tolist()
        out = {"loss": values[0], "tokens": int(values[1]), "taskLoss": values[2:2 + n], "taskTokens": [int(x) for x in values[2 + n:]], "load": {}}
        for name, (gate, selection) in sums["load"].items():
            tdist.all_reduce(gate)
            if selection is not None:
                tdist.all_reduce(selection)
            out["load"][name] = [gate, selection]
        return out

    def share(self, value):
        """Rank 0's value on every process."""
        if self.world == 1:
            return value
        box = [value]
        tdist.broadcast_object_list(box, src=0)
        return box[0]

    def barrier(self):
        if self.world > 1:
            tdist.barrier()

    def close(self):
        if self.world > 1 and tdist.is_initialized():
            tdist.destroy_process_group()


def resolve_device(choice, dist):
    if choice == "auto":
        return torch.device(f"cuda:{dist.local_rank}" if torch.cuda.is_available() else "cpu")
    if choice == "cuda":
        return torch.device(f"cuda:{dist.local_rank}")
    return torch.device(choice)
