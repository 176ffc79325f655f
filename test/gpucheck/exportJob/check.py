"""The exported job on a GPU through transformers + PEFT (see pack.ts). Prints one line per check and writes
summary.json; exits 1 when a check fails (float32 agreement with smoe, PEFT round trip), never on speed."""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

DEVICE = "cuda"


def sh(cmd, cwd, limit=240):
    started = time.time()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=limit)
    took = time.time() - started
    tail = (result.stdout + result.stderr)[-3000:]
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode} after {took:.0f} s:\n{tail}")
    return took, tail


def run_dir(root):
    dirs = [d for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)]
    assert len(dirs) == 1, f"one run folder in {root}, found {dirs}"
    return dirs[0]


def step_losses(run):
    events = [json.loads(line) for line in open(os.path.join(run, "events.jsonl"), encoding="utf-8") if line.strip()]
    return [e for e in events if e.get("event") == "metric" and e.get("type") == "train-step"]


def log_messages(run):
    events = [json.loads(line) for line in open(os.path.join(run, "events.jsonl"), encoding="utf-8") if line.strip()]
    return [e.get("message", "") for e in events if e.get("event") == "log"]


def max_rel(a, b):
    return max(abs(x - y) / abs(y) for x, y in zip(a, b))


def adapter_diff(torch, read, a, b):
    ta, tb = read(a)[0], read(b)[0]
    assert list(ta) == list(tb), f"tensor names differ: {list(ta)[:3]} vs {list(tb)[:3]}"
    return max(float((ta[k].float() - tb[k].float()).abs().max()) for k in ta)


def tiny(args, name, summary):
    import torch
    job = os.path.join(args.pack, name)
    sys.path.insert(0, job)
    from smoe_files import read_safetensors
    ref = json.load(open(os.path.join(job, "reference.json")))["losses"]
    model = os.path.join(job, "model")
    work = os.path.join(args.work, name)
    took, tail = sh([sys.executable, "train.py", "--model", model, "--device", DEVICE, "--bf16", "off", "--engine", "transformers",
                     "--peft", "on", "--runs", os.path.join(work, "fp32")], job)
    fp32 = run_dir(os.path.join(work, "fp32"))
    record = json.load(open(os.path.join(fp32, "run.json")))
    losses = [e["loss"] for e in step_losses(fp32)]
    entry = {"fp32Seconds": round(took, 1), "engineLog": [m for m in log_messages(fp32) if "engine" in m],
             "fp32MaxRelLossDiff": max_rel(losses, ref), "fp32AdapterMaxAbsDiff": adapter_diff(torch, read_safetensors, os.path.join(fp32, "adapter.safetensors"), os.path.join(job, "smoe_adapter.safetensors")),
             "status": record["status"]}
    print(f"{name}: transformers+PEFT float32 on GPU vs smoe train: losses max rel diff {entry['fp32MaxRelLossDiff']:.2e}, adapter max abs diff {entry['fp32AdapterMaxAbsDiff']:.2e} ({took:.0f} s)")
    took, tail = sh([sys.executable, "-m", "accelerate.commands.launch", "--config_file", "accelerate_config.yaml", "--num_processes", "1", "--mixed_precision", "bf16",
                     *(["--cpu"] if DEVICE == "cpu" else []), "train.py", "--model", model, "--runs", os.path.join(work, "bf16")], job)
    bf16 = run_dir(os.path.join(work, "bf16"))
    bf16_losses = [e["loss"] for e in step_losses(bf16)]
    entry.update({"bf16Seconds": round(took, 1), "bf16Losses": bf16_losses, "bf16MaxRelLossDiffVsFp32": max_rel(bf16_losses, losses),
                  "bf16RunLog": log_messages(bf16)[:2], "bf16Status": json.load(open(os.path.join(bf16, "run.json")))["status"]})
    print(f"{name}: accelerate launch bf16: losses {' '.join(f'{x:.4f}' for x in bf16_losses)}; max rel diff vs float32 {entry['bf16MaxRelLossDiffVsFp32']:.2e} ({took:.0f} s)")
    entry.update(roundtrip(job, model, fp32, work))
    print(f"{name}: load_smoe_peft vs load_smoe_adapter logits max abs diff {entry['peftLogitsDiff']:.2e}; PEFT state dict names == smoe names: {entry['peftNamesMatch']}; save_pretrained round trip diff {entry['peftSaveRoundTrip']:.2e}")
    summary[name] = entry
    ok = entry["fp32MaxRelLossDiff"] <= 1e-4 and entry["fp32AdapterMaxAbsDiff"] <= 1e-4 and entry["peftLogitsDiff"] <= 1e-4 and entry["peftSaveRoundTrip"] <= 1e-6
    sys.path.remove(job)
    for mod in [m for m in sys.modules if m.startswith("smoe_")]:
        del sys.modules[mod]
    return ok


def roundtrip(job, model_dir, run, work):
    """The trained adapter loaded through PEFT (custom module registered again) and through the plain loader."""
    import torch
    from transformers import AutoModelForCausalLM
    from peft import get_peft_model_state_dict
    from smoe_moe import load_smoe_adapter, load_smoe_peft
    from smoe_files import read_safetensors
    ids = torch.tensor([json.loads(open(glob.glob(os.path.join(job, "data", "*.jsonl"))[0]).readline())["input_ids"][:48]], device=DEVICE)
    load = lambda: AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32).to(DEVICE).eval()
    peft_model = load_smoe_peft(load(), run)
    plain = load()
    load_smoe_adapter(plain, run)
    plain.to(DEVICE)
    with torch.no_grad():
        a, b = peft_model(input_ids=ids).logits, plain(input_ids=ids).logits
    state = get_peft_model_state_dict(peft_model)
    smoe = read_safetensors(os.path.join(run, "adapter.safetensors"))[0]
    names_match = sorted(state) == sorted(smoe)
    if not names_match:
        print("PEFT names:", sorted(state)[:4], "smoe names:", sorted(smoe)[:4])
    saved = os.path.join(work, "peft-saved")
    peft_model.save_pretrained(saved)
    with open(os.path.join(run, "peft", "adapter_config.json")) as f:
        smoe_config = json.load(f)
    with open(os.path.join(saved, "adapter_config.json")) as f:
        peft_config = json.load(f)
    with open(os.path.join(saved, "adapter_config.json"), "w") as f:
        json.dump(dict(peft_config, smoe=smoe_config["smoe"]), f)
    again = load_smoe_peft(load(), saved)
    with torch.no_grad():
        c = again(input_ids=ids).logits
    return {"peftLogitsDiff": float((a - b).abs().max()), "peftNamesMatch": names_match, "peftSaveRoundTrip": float((a - c).abs().max())}


def qwen(args, summary):
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM
    job = os.path.join(args.pack, "qwen05")
    weights = os.path.join(args.work, "qwen05-model")
    started = time.time()
    config = AutoConfig.from_pretrained(os.path.join(job, "model"))
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.bfloat16)
    model.save_pretrained(weights)
    del model
    torch.cuda.empty_cache()
    print(f"qwen05: random Qwen2.5-0.5B-shaped weights in {time.time() - started:.0f} s")
    entry = {}
    for variant, extra in (("peft", []), ("plain", ["--peft", "off"])):
        runs = os.path.join(args.work, f"qwen05-{variant}")
        took, tail = sh([sys.executable, "-m", "accelerate.commands.launch", "--config_file", "accelerate_config.yaml", "--num_processes", "1", "--mixed_precision", "bf16",
                         "train.py", "--model", weights, "--runs", runs, *extra], job, limit=200)
        run = run_dir(runs)
        steps = step_losses(run)
        record = json.load(open(os.path.join(run, "run.json")))
        steady = [e["tokensPerSecond"] for e in steps[2:]]
        entry[variant] = {"seconds": round(took, 1), "steps": len(steps), "tokensPerSecond": sum(steady) / len(steady),
                          "firstLoss": steps[0]["loss"], "lastLoss": steps[-1]["loss"], "gpuPeakBytes": record["summary"].get("gpuPeakBytes"),
                          "trainableParams": record["summary"]["trainableParams"], "totalExperts": record["summary"]["totalExperts"]}
        e = entry[variant]
        print(f"qwen05 ({variant} layers): {e['tokensPerSecond']:.0f} tokens/s over steps 3-{len(steps)}, loss {e['firstLoss']:.3f} -> {e['lastLoss']:.3f}, "
              f"peak GPU {(e['gpuPeakBytes'] or 0) / 2**30:.2f} GiB, {e['trainableParams']:,} trainable, {e['totalExperts']} experts ({took:.0f} s)")
    summary["qwen05"] = entry


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pack", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", default="tiny-independent,tiny-shared", help="the tiny jobs of the pack to run")
    p.add_argument("--device", default="cuda", help="cpu runs the tiny checks without a GPU (no bf16, no Qwen2.5-0.5B run)")
    args = p.parse_args()
    global DEVICE
    DEVICE = args.device
    args.pack, args.work, args.out = (os.path.abspath(x) for x in (args.pack, args.work, args.out))
    os.makedirs(args.out, exist_ok=True)
    import torch
    import transformers
    import peft
    import accelerate
    summary = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                            "accelerate": accelerate.__version__, "gpu": torch.cuda.get_device_name(0) if DEVICE == "cuda" else None}}
    print("versions:", summary["versions"])
    ok = True
    for name in args.jobs.split(","):
        try:
            ok = tiny(args, name, summary) and ok
        except Exception as error:  # noqa: BLE001 - report every check, then fail
            ok = False
            summary[name] = {"error": str(error)}
            print(f"{name}: FAILED: {error}")
    try:
        if DEVICE == "cuda":
            qwen(args, summary)
    except Exception as error:  # noqa: BLE001
        ok = False
        summary["qwen05"] = {"error": str(error)}
        print(f"qwen05: FAILED: {error}")
    summary["ok"] = ok
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print("ALL CHECKS PASSED" if ok else "SOME CHECKS FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
