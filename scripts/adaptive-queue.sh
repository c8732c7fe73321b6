#!/usr/bin/env bash
# --tolerance in-process against --tolerance through the queue (docs/adaptive.md, "The queue"): a 21×21 digits
# cnn-small surface at --tolerance 1%, in process (--workers 2) and with 2 `terrain worker` processes on a private
# redis-server; checks that result.json is byte-identical and that samples.jsonl holds the same blocks.
# Usage: scripts/adaptive-queue.sh OUTDIR [SIDE]   (needs redis-server; builds nothing: run `npx tsc` first)
set -euo pipefail
out="$1"; side="${2:-21}"
terrain="node $(dirname "$0")/../${TERRAIN_DIST:-dist}/cli/main.js"
export TERRAIN_NO_PROGRESS=1
mkdir -p "$out"
[ -f "$out/m/final.safetensors" ] || $terrain train --model cnn-small --data digits --epochs 3 --seed 0 --save-every 0 --out "$out/m" > /dev/null
port=$((20000 + RANDOM % 20000))
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no > "$out/redis.log" 2>&1 &
redis=$!
workers=()
cleanup() { for p in "${workers[@]}" "$redis"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT
sleep 1
url="redis://127.0.0.1:$port?queue=measure"
# --session per-point: queue workers always build a session per point, so the in-process run uses the same mode.
common=(surface --model "$out/m/final.safetensors" --data digits --x gaussian:seed=1 --y gaussian:seed=2 --x-range "-1:1:$side"
        --y-range "-1:1:$side" --threads 1 --session per-point --tolerance 1% --no-plots)
rm -rf "$out/local" "$out/queued"
t0=$(date +%s.%N)
$terrain "${common[@]}" --workers 2 --out "$out/local" > /dev/null
t1=$(date +%s.%N)
for k in 1 2; do $terrain worker --queue "$url" 2> "$out/worker-$k.log" & workers+=($!); done
sleep 2  # the workers load their modules; the coordinator's clock starts after
t2=$(date +%s.%N)
$terrain "${common[@]}" --queue "$url" --out "$out/queued" > /dev/null
t3=$(date +%s.%N)
cmp "$out/local/result.json" "$out/queued/result.json" && echo "result.json identical"
cmp <(sort "$out/local/samples.jsonl") <(sort "$out/queued/samples.jsonl") && echo "samples.jsonl: the same $(wc -l < "$out/local/samples.jsonl") blocks"
echo "in-process: $(echo "$t1 - $t0" | bc) s; queue, 2 workers: $(echo "$t3 - $t2" | bc) s" | tee "$out/times.txt"
