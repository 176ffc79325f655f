#!/usr/bin/env bash
# The exported-job GPU check (copied into .gpucheck-export/ by `npm run check:gpu:export`):
#   bash .gpucheck-export/run.sh OUT_DIR
# Needs python3 with torch (CUDA), transformers, peft and accelerate; no network. OUT_DIR receives summary.json,
# log.txt and runs.tgz (the run folders' run.json and events.jsonl).
set -uo pipefail
out="${1:?usage: bash .gpucheck-export/run.sh OUT_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${SMOE_GPUCHECK_WORK:-/tmp/smoe-export-gpu}"
mkdir -p "$work/home" "$out"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HOME="$work/home" TOKENIZERS_PARALLELISM=false
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L
timeout 500 python3 "$here/check.py" --pack "$here" --work "$work" --out "$out" 2>&1 | tee "$out/log.txt"
status=${PIPESTATUS[0]}
(cd "$work" && find . -path '*runs*' \( -name run.json -o -name events.jsonl \) -print0 | tar --null -czf "$out/runs.tgz" -T -) || true
echo "check exited with $status"
exit "$status"
