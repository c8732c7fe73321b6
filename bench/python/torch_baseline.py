"""PyTorch baselines for `npm run bench` (src/bench): the same zoo model (test/python/zoo.py twin) and weights.

    /usr/bin/python3 bench/python/torch_baseline.py throughput --spec S.json --weights W.safetensors --batch 128 \
        [--threads 2 --warmup 3 --min-iters 10 --min-seconds 8]
    /usr/bin/python3 bench/python/torch_baseline.py surface --spec S.json --weights W.safetensors \
        --directions D.safetensors --x X.npy --y Y.npy --points P.json [--batch 128 --threads 2]

throughput: eval forward under torch.no_grad(), and forward + cross-entropy + loss.backward() in train mode (batch
statistics), on random inputs of the spec's shape. Prints {"forward": timing, "train": timing} as one JSON line.
surface: the loop of Li et al.'s loss-landscape code (plot_surface.py / evaluation.eval_loss): per point set every
parameter to θ + α·x + β·y, model.eval(), one full pass over the data under torch.no_grad() summing the batch
losses × batch sizes and the correct counts. The data are already float tensors in memory (LL's DataLoader would
also decode and normalise images at every point), so this loop is, if anything, faster than LL's. D holds the
directions as "x/<param>" and "y/<param>"; P is a JSON list of [alpha, beta]. Prints per-point seconds and results.
Threads: torch.set_num_threads(--threads); run with OMP/OPENBLAS_NUM_THREADS set to the same (src/bench does).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "python"))
import st_io  # noqa: E402
import zoo  # noqa: E402


def load_model(spec_path, weights_path):
    with open(spec_path) as f:
        spec = json.load(f)
    model = zoo.build(spec)
    tensors, _ = st_io.read(weights_path)
    zoo.load_weights(model, tensors)
    return spec, model


def timed(step, warmup, min_iters, min_seconds):
    for _ in range(warmup):
        step()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_iters or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
    return {"median_s": float(np.median(samples)), "min_s": min(samples), "iters": len(samples)}


def throughput(a):
    spec, model = load_model(a.spec, a.weights)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(a.batch, *spec["inputShape"], generator=g)
    y = torch.randint(0, spec["classes"], (a.batch,), generator=g)

    model.eval()

    def forward():
        with torch.no_grad():
            model(x)

    fwd = timed(forward, a.warmup, a.min_iters, a.min_seconds)

    model.train()

    def train_step():
        loss = F.cross_entropy(model(x), y)
        model.zero_grad(set_to_none=True)
        loss.backward()

    train = timed(train_step, a.warmup, a.min_iters, a.min_seconds)
    for t in (fwd, train):
        t["img_s"] = a.batch / t["median_s"]
    return {"forward": fwd, "train": train}


def surface(a):
    _, model = load_model(a.spec, a.weights)
    dirs, _ = st_io.read(a.directions)
    x = torch.from_numpy(np.load(a.x))
    y = torch.from_numpy(np.load(a.y).astype(np.int64))
    with open(a.points) as f:
        points = json.load(f)
    names = [n for n, _ in model.named_parameters()]
    theta = {n: p.detach().clone() for n, p in model.named_parameters()}
    dx = {n: torch.from_numpy(dirs["x/" + n]) for n in names}
    dy = {n: torch.from_numpy(dirs["y/" + n]) for n in names}
    out = {"seconds": [], "loss": [], "accuracy": []}
    for alpha, beta in points:
        t0 = time.perf_counter()
        for n, p in model.named_parameters():  # LL's set_weights: p.data = w + d0·α + d1·β
            p.data = theta[n] + dx[n] * alpha + dy[n] * beta
        model.eval()
        total_loss, correct, total = 0.0, 0, 0
        with torch.no_grad():
            for start in range(0, x.shape[0], a.batch):
                xb, yb = x[start:start + a.batch], y[start:start + a.batch]
                logits = model(xb)
                total_loss += F.cross_entropy(logits, yb).item() * xb.shape[0]
                correct += logits.argmax(1).eq(yb).sum().item()
                total += xb.shape[0]
        out["seconds"].append(time.perf_counter() - t0)
        out["loss"].append(total_loss / total)
        out["accuracy"].append(correct / total)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("throughput", "surface"):
        s = sub.add_parser(name)
        s.add_argument("--spec", required=True)
        s.add_argument("--weights", required=True)
        s.add_argument("--batch", type=int, default=128)
        s.add_argument("--threads", type=int, default=2)
    t = sub.choices["throughput"]
    t.add_argument("--warmup", type=int, default=3)
    t.add_argument("--min-iters", type=int, default=10)
    t.add_argument("--min-seconds", type=float, default=8.0)
    s = sub.choices["surface"]
    for flag in ("--directions", "--x", "--y", "--points"):
        s.add_argument(flag, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    result = throughput(a) if a.cmd == "throughput" else surface(a)
    result.update({"torch": torch.__version__, "threads": torch.get_num_threads()})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
