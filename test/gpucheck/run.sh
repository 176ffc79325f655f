#!/usr/bin/env bash
# The GPU check on a machine without Node.js (copied into .gpucheck/ by `npm run check:gpu -- --pack`):
#   bash .gpucheck/run.sh OUT_DIR [check options, e.g. --qwen-layers 4 --budget-s 300]
# Unpacks Node 20, the check bundle and onnxruntime-node into a work folder, brings the Vulkan loader when the
# machine has none, and runs the check with the CPU as reference; OUT_DIR receives gpucheck-summary.json and the log.
set -euo pipefail
out="${1:?usage: bash .gpucheck/run.sh OUT_DIR [check options]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
work="${SMOE_GPUCHECK_WORK:-/tmp/smoe-gpucheck}"
mkdir -p "$work/bin" "$out"
log="$out/gpucheck-log.txt"
say() { echo "run.sh: $*" | tee -a "$log"; }
: > "$log"

if [ ! -x "$work/bin/node" ]; then xz -dc "$here/node.xz" > "$work/bin/node"; chmod +x "$work/bin/node"; fi
tar -xJf "$here/ort.tar.xz" -C "$work"
tar -xJf "$here/dist.tar.xz" -C "$work"
say "node $("$work/bin/node" --version), onnxruntime-node $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/node_modules/onnxruntime-node/package.json" | head -1)"

# Dawn reaches the GPU through the Vulkan loader. On the GPU machine (root, NVIDIA driver) the device notes' recipe
# unpacks the Debian packages into / and refreshes the loader cache; anywhere else they go into a private folder.
if ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  say "Vulkan loader already installed"
elif [ "$(id -u)" = 0 ] && command -v nvidia-smi >/dev/null 2>&1; then
  for f in "$here"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  say "Vulkan loader unpacked into / ($(ls "$here"/debs | tr '\n' ' '))"
else
  mkdir -p "$work/sysroot"
  for f in "$here"/debs/*.deb; do dpkg -x "$f" "$work/sysroot"; done
  export LD_LIBRARY_PATH="$work/sysroot/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "Vulkan loader unpacked into $work/sysroot (no NVIDIA driver or not root: / left alone)"
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  export VK_DRIVER_FILES="$icd" __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  say "Vulkan driver: $icd"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L | tee -a "$log" || say "nvidia-smi: not available"

# 8 minutes in all: the check stops starting jobs after --budget-s (420 s by default) and the whole run is cut at 470 s.
cd "$work"
set +e
timeout 470 "$work/bin/node" dist/gpucheck.js --out "$out" --stories "$here/data/stories260K.bin" --work "$work/w" "$@" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
say "check exited with $status"
exit "$status"
