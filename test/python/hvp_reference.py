"""PyTorch reference for terrain's Hessian-vector products: double backprop (torch.autograd.grad twice).

    /usr/bin/python3 test/python/hvp_reference.py hvp --spec SPEC --weights W.safetensors --input X.npy \
        --labels Y.npy --bn eval|train --batch B --vectors V.npy --out HV.npy [--hessian H.npy] [--dtype float64]
    /usr/bin/python3 test/python/hvp_reference.py bench --spec SPEC --batch 128 --repeats 5 [--threads N]

hvp: the loss is the mean softmax cross-entropy over all N samples, computed as Σ_b (n_b / N) · mean-loss of batch b
over consecutive batches of B samples (so train-mode BN uses the same batch statistics as terrain). V is [k, P]
(float64) with parameters flattened in named_parameters order; HV.npy gets H·vᵢ for each row. --hessian writes the
full P×P Hessian (P products with unit vectors). Prints one JSON line {"loss", "gradient_norm", "parameters",
"eigenvalues" (ascending, only with --hessian), "trace", "frobenius2"}.
bench: seconds per Hessian-vector product of the model at random weights and data (float32, BN eval, CPU), printed
as one JSON line {"seconds" (mean wall), "images_per_second", "batch", "median_seconds", "cpu_seconds" (mean process
CPU time, all threads), "threads", "torch"}.
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import st_io
import zoo


def load_spec(text):
    try:
        with open(text) as f:
            return json.load(f)
    except OSError:
        return json.loads(text)


def mean_loss(model, x, y, batch):
    """Σ_b (n_b / N) · CE_b, the mean over all samples (equal to plain CE in eval mode)."""
    n = x.shape[0]
    total = 0
    for start in range(0, n, batch):
        xb, yb = x[start:start + batch], y[start:start + batch]
        total = total + F.cross_entropy(model(xb), yb) * (xb.shape[0] / n)
    return total


def hvp_command(a):
    spec = load_spec(a.spec)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    model = zoo.build(spec)
    tensors, _ = st_io.read(a.weights)
    zoo.load_weights(model, tensors)
    model = model.to(dtype)
    model.train(a.bn == "train")
    x = torch.from_numpy(np.load(a.input)).to(dtype)
    y = torch.from_numpy(np.load(a.labels)).long()
    params = [p for _, p in model.named_parameters()]
    sizes = [p.numel() for p in params]
    total = sum(sizes)

    loss = mean_loss(model, x, y, a.batch)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    flat_grad = torch.cat([g.reshape(-1) for g in grads])

    def product(v):
        parts = torch.split(torch.as_tensor(v, dtype=dtype), sizes)
        outs = torch.autograd.grad(grads, params, grad_outputs=[p.reshape(q.shape) for p, q in zip(parts, params)], retain_graph=True)
        return torch.cat([o.reshape(-1) for o in outs]).double().numpy()

    vectors = np.load(a.vectors)
    if vectors.ndim != 2 or vectors.shape[1] != total:
        sys.exit(f"hvp_reference: --vectors {a.vectors} has shape {list(vectors.shape)}, expected [k, {total}]")
    np.save(a.out, np.stack([product(v) for v in vectors]))
    report = {"loss": float(loss), "gradient_norm": float(flat_grad.norm()), "parameters": total}
    if a.hessian:
        h = np.stack([product(e) for e in np.eye(total)])
        h = (h + h.T) / 2
        np.save(a.hessian, h)
        report.update({"eigenvalues": np.linalg.eigvalsh(h).tolist(), "trace": float(np.trace(h)), "frobenius2": float((h * h).sum())})
    print(json.dumps(report))


def bench_command(a):
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    spec = load_spec(a.spec)
    model = zoo.build(spec).eval()
    x = torch.randn(a.batch, *spec["inputShape"])
    y = torch.randint(0, spec["classes"], (a.batch,))
    params = [p for p in model.parameters()]
    v = [torch.randn_like(p) for p in params]

    def once():
        loss = F.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        return torch.autograd.grad(grads, params, grad_outputs=v)

    once()  # warm-up
    walls, cpus = [], []
    for _ in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        once()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    seconds = sum(walls) / a.repeats
    print(json.dumps({"seconds": seconds, "images_per_second": a.batch / seconds, "batch": a.batch,
                      "median_seconds": sorted(walls)[len(walls) // 2], "cpu_seconds": sum(cpus) / a.repeats,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    h = sub.add_parser("hvp")
    h.add_argument("--spec", required=True)
    h.add_argument("--weights", required=True)
    h.add_argument("--input", required=True)
    h.add_argument("--labels", required=True)
    h.add_argument("--bn", choices=["eval", "train"], required=True)
    h.add_argument("--batch", type=int, required=True)
    h.add_argument("--vectors", required=True)
    h.add_argument("--out", required=True)
    h.add_argument("--hessian")
    h.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    b = sub.add_parser("bench")
    b.add_argument("--spec", required=True)
    b.add_argument("--batch", type=int, default=128)
    b.add_argument("--repeats", type=int, default=5)
    b.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    (hvp_command if a.command == "hvp" else bench_command)(a)


if __name__ == "__main__":
    main()
