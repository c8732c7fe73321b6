#!/usr/bin/env bash
# The standard job of Li et al. scaled to Fashion-MNIST: a 51×51 ResNet-20 surface over the 10,000 test images,
# filter-normalised Gaussian directions, --tolerance 1%, against the exhaustive per-point time measured on one row
# of the same grid (docs/adaptive.md, "ResNet-20, 51×51"). Usage: scripts/adaptive-resnet20.sh CKPT OUTDIR
# CKPT: a trained ResNet-20, e.g. `terrain train --model resnet20 --data fashion-mnist --samples 10000 --epochs 1
#       --batch 64 --optimizer adam --lr 0.002 --out DIR` then DIR/final.safetensors.
set -euo pipefail
ckpt="$1"; out="$2"
terrain="node $(dirname "$0")/../dist/cli/main.js"
mkdir -p "$out"
common=(--model "$ckpt" --data fashion-mnist --split test --x gaussian:seed=1 --y gaussian:seed=2 --no-plots --json)
t0=$(date +%s.%N)
$terrain surface "${common[@]}" --x-range=-1:1:51 --y-range=-1:1:51 --tolerance 1% --out "$out/adaptive51" > "$out/adaptive51.json"
t1=$(date +%s.%N)
$terrain surface "${common[@]}" --x-range=-1:1:21 --y-range=0:0:1 --out "$out/exhaustive-row" > "$out/exhaustive-row.json"
t2=$(date +%s.%N)
echo "adaptive 51×51: $(echo "$t1 - $t0" | bc) s; exhaustive row of 21 points: $(echo "$t2 - $t1" | bc) s" | tee "$out/times.txt"
