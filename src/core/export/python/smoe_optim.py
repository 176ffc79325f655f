"""smoe's optimiser arithmetic (src/core/train/adamw.ts, schedule.ts): AdamW with float32 moments and each
update computed in float64 then rounded once, global-norm clipping, warm-up then linear/cosine/constant."""

import math

import torch


class SmoeAdamW:
    def __init__(self, params, betas, eps, weight_decay, state=None):
        self.params = params
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self.step_count = state["step"] if state else 0
        self.exp_avg = state["exp_avg"] if state else {n: torch.zeros_like(p) for n, p in params.items()}
        self.exp_avg_sq = state["exp_avg_sq"] if state else {n: torch.zeros_like(p) for n, p in params.items()}
        for name in params:
            if name not in self.exp_avg or name not in self.exp_avg_sq:
                raise KeyError(f"optimiser state has no moments for {name}: the checkpoint belongs to another adapter")

    @torch.no_grad()
    def step(self, learning_rate):
        beta1, beta2 = self.betas
        self.step_count += 1
        t = self.step_count
        step_size = learning_rate / (1 - beta1 ** t)
        correction2_sqrt = math.sqrt(1 - beta2 ** t)
        decay = 1 - learning_rate * self.weight_decay
        for name, p in self.params.items():
            g = p.grad.double()
            m = (beta1 * self.exp_avg[name].double() + (1 - beta1) * g).float()
            v = (beta2 * self.exp_avg_sq[name].double() + (1 - beta2) * g * g).float()
            self.exp_avg[name].copy_(m)
            self.exp_avg_sq[name].copy_(v)
            denom = torch.sqrt(v.double()) / correction2_sqrt + self.eps
            p.copy_((p.double() * decay - step_size * m.double() / denom).float())


@torch.no_grad()
def clip_grad_norm(params, max_norm):
    """Global L2 norm (float64) before clipping; scales by max_norm / (norm + 1e-6) above max_norm."""
    norm = math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in params.values()))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        for p in params.values():
            p.grad.copy_((p.grad.double() * scale).float())
    return norm


def learning_rate_at(step, t):
    peak, warmup, total = t["learningRate"], t["warmupSteps"], t["maxSteps"]
    if step < warmup:
        return peak * step / max(1, warmup)
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    if t["schedule"] == "constant":
        return peak
    if t["schedule"] == "linear":
        return peak * max(0.0, 1 - progress)
    if t["schedule"] == "cosine":
        return peak * 0.5 * (1 + math.cos(math.pi * progress))
    raise ValueError(f"training.schedule: unknown schedule {t['schedule']!r} (use linear, cosine or constant)")


class TorchSmoeAdamW(torch.optim.Optimizer):
    """The same AdamW arithmetic as a torch.optim.Optimizer, for engines that own the parameters (DeepSpeed ZeRO
    partitions and flattens them, so the update is elementwise on whatever tensors the param groups hold). The
    learning rate is set on the groups before each step (smoe's schedule)."""

    def __init__(self, params, betas, eps, weight_decay):
        super().__init__(params, {"lr": 0.0, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr = group["lr"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state.update(step=0, exp_avg=torch.zeros_like(p, dtype=torch.float32), exp_avg_sq=torch.zeros_like(p, dtype=torch.float32))
                state["step"] += 1
                t = state["step"]
                g = p.grad.double()
                m = (beta1 * state["exp_avg"].double() + (1 - beta1) * g).float()
                v = (beta2 * state["exp_avg_sq"].double() + (1 - beta2) * g * g).float()
                state["exp_avg"].copy_(m)
                state["exp_avg_sq"].copy_(v)
                denom = torch.sqrt(v.double()) / math.sqrt(1 - beta2 ** t) + group["eps"]
                p.copy_((p.double() * (1 - lr * group["weight_decay"]) - lr / (1 - beta1 ** t) * m.double() / denom).to(p.dtype))
        return None
