"""The sensitivity probe exported by `smoe export-job` (smoe's DESIGN.md §3.2): S_t(W) = sum over the sampled
examples e of task t of ||dL_e/dW||_F^2, L_e the mean token cross-entropy of e, frozen model, float32.
Same seeded sample, truncation and labels as `smoe probe`; writes sensitivity.json in smoe's format.

  python probe.py                          # every task, into runs/<stamp>-probe/sensitivity.json
  python probe.py --task boolq --out boolq.json    # one task per node, then:
  python probe.py --merge a.json b.json --out sensitivity.json
"""

import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from smoe_data import load_examples, scored_tokens, token_losses  # noqa: E402
from smoe_dist import Distributed, resolve_device  # noqa: E402
from smoe_files import RunFolder, write_atomic  # noqa: E402
from smoe_model import load_base_model  # noqa: E402
from smoe_random import sample_indices  # noqa: E402

MODULE_TYPES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def module_name(layer, kind):
    return f"model.layers.{layer}.{'self_attn' if kind in MODULE_TYPES[:4] else 'mlp'}.{kind}"


def targets_of(job):
    kinds = job["probe"]["targetModules"]
    return [module_name(layer, kind) for layer in range(job["model"]["config"]["numLayers"]) for kind in kinds]


def example_norms(model, weights, ids, labels, device):
    """Squared Frobenius norm of dL_e/dW per target for one example (0 when nothing is scored)."""
    ids_t = torch.tensor([ids], dtype=torch.long, device=device)
    labels_t = torch.tensor([labels], dtype=torch.long, device=device)
    losses, weight = token_losses(model(input_ids=ids_t).logits, labels_t)
    loss = losses.sum() / torch.clamp(weight.sum(), min=1.0)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [0.0 if g is None else float(g.double().pow(2).sum()) for g in grads]


def probe_task(job, task, model, targets, device, log):
    p = job["probe"]
    examples = load_examples(os.path.join(HERE, task["file"]), p["maxLength"], p["trainOnInputs"])
    picked = sample_indices(len(examples), p["samplesPerTask"], p["seed"])
    weights = [model.get_submodule(t).weight for t in targets]
    sums = [0.0] * len(targets)
    for done, index in enumerate(picked, 1):
        ids, labels = examples[index]
        if scored_tokens(labels) == 0:
            continue
        norms = example_norms(model, weights, ids, labels, device)
        if p["clip"] is not None:
            total = sum(norms)
            factor = p["clip"] ** 2 / total if total > p["clip"] ** 2 else 1.0
            norms = [v * factor for v in norms]
        sums = [s + v for s, v in zip(sums, norms)]
        if done % 10 == 0 or done == len(picked):
            log(f"probe {task['name']}: {done}/{len(picked)}")
    return dict(zip(targets, sums)), len(picked)


def write_table(path, tasks, meta):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomic(path, json.dumps({"tasks": tasks, "meta": meta}, indent=2) + "\n")


def merge(files, out):
    tasks, meta = {}, {}
    for file in files:
        with open(file, encoding="utf-8") as f:
            table = json.load(f)
        tasks.update(table["tasks"])
        meta = {**table.get("meta", {}), **meta}
        meta["examples"] = {**table.get("meta", {}).get("examples", {}), **meta.get("examples", {})}
    write_table(out, tasks, meta)
    print(f"merged {len(files)} file(s), {len(tasks)} task(s) into {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--job", default=os.path.join(HERE, "job.json"))
    ap.add_argument("--model", help="base model path on this machine (default: the path in job.json)")
    ap.add_argument("--task", action="append", help="probe only this task (repeatable; default: every task)")
    ap.add_argument("--out", help="sensitivity.json to write (default: a new run folder under --runs)")
    ap.add_argument("--runs", default=os.path.join(HERE, "runs"))
    ap.add_argument("--device", default="auto")
    ap.add_argument("--engine", default="auto", choices=["auto", "transformers", "builtin"])
    ap.add_argument("--merge", nargs="+", help="merge per-task sensitivity files into --out")
    args = ap.parse_args()
    if args.merge:
        return merge(args.merge, args.out or "sensitivity.json")
    with open(args.job, encoding="utf-8") as f:
        job = json.load(f)
    if args.model:
        job["model"]["path"] = os.path.abspath(args.model)
    unknown = set(args.task or []) - {t["name"] for t in job["tasks"]}
    if unknown:
        raise SystemExit(f"--task {sorted(unknown)[0]}: not a task of this job ({', '.join(t['name'] for t in job['tasks'])})")
    device = resolve_device(args.device, Distributed())
    model, engine = load_base_model(job["model"], args.engine)
    model.to(device).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    targets = targets_of(job)
    for t in targets:
        model.get_submodule(t).weight.requires_grad_(True)
    run = None if args.out else RunFolder.create(args.runs, "probe", {"experiment": job["experiment"], "name": job["name"], "origin": "export-job",
                                                                        "config": {"probe": job["probe"], "targetModules": job["probe"]["targetModules"]}})
    out = args.out or os.path.join(run.dir, "sensitivity.json")
    log = (lambda m: run.log("info", m)) if run else print
    started = time.time()
    tasks, examples = {}, {}
    for task in job["tasks"]:
        if args.task and task["name"] not in args.task:
            continue
        tasks[task["name"]], examples[task["name"]] = probe_task(job, task, model, targets, device, log)
    p = job["probe"]
    meta = {"model": job["model"]["path"], "format": job["model"]["format"], "modules": p["targetModules"], "samplesPerTask": p["samplesPerTask"],
            "seed": p["seed"], "maxLength": p["maxLength"], "method": "direct", "clip": p["clip"], "examples": examples,
            "seconds": time.time() - started, "device": str(device), "engine": engine}
    write_table(out, tasks, meta)
    if run:
        run.artifact("sensitivity.json")
        run.record["summary"] = {"tasks": len(tasks), "modules": len(targets), "examples": examples, "seconds": meta["seconds"]}
        run.finish("succeeded")
    print(f"sensitivity: {out}")


if __name__ == "__main__":
    main()
