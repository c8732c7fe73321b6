"""Garipov et al.'s curve training in PyTorch, as ground truth for terrain connect (src/core/connect/torch.test.ts).

    /usr/bin/python3 test/python/connect_reference.py INPUT.safetensors CONFIG.json

INPUT holds the end points' MLP parameters ("a/<name>", "b/<name>", state_dict names of terrain's mlp), the
training samples "x" [N, ...] and labels "y" [N]. CONFIG: {"names", "lr", "momentum", "epochs", "batch",
"orders": per epoch the sample order, "ts": per epoch the t of each step, "eval_ts"}. The bend starts at (A + B)/2;
each step takes one minibatch in the given order and its t, the loss L((1−t)²A + 2t(1−t)θ + t²B), autograd's
gradient with respect to θ, and torch.optim.SGD with a cosine learning rate per step. Prints JSON: the mean loss
on all samples at each eval t.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

import st_io


def forward(p, names, x):
    h = torch.flatten(x, 1)
    hidden = [n[: -len(".weight")] for n in names if n.startswith("layers.") and n.endswith(".weight")]
    for layer in hidden:
        h = torch.relu(F.linear(h, p[layer + ".weight"], p[layer + ".bias"]))
    return F.linear(h, p["fc.weight"], p["fc.bias"])


def main():
    tensors, _ = st_io.read(sys.argv[1])
    cfg = json.loads(open(sys.argv[2]).read())
    names = cfg["names"]
    a = {n: torch.tensor(tensors["a/" + n]) for n in names}
    b = {n: torch.tensor(tensors["b/" + n]) for n in names}
    x = torch.tensor(tensors["x"])
    y = torch.tensor(tensors["y"]).long()
    bend = {n: torch.nn.Parameter((a[n] + b[n]) / 2) for n in names}
    opt = torch.optim.SGD(list(bend.values()), lr=cfg["lr"], momentum=cfg["momentum"])
    total = sum(len(ts) for ts in cfg["ts"])
    step = 0
    point = lambda t: {n: (1 - t) ** 2 * a[n] + 2 * t * (1 - t) * bend[n] + t ** 2 * b[n] for n in names}
    for order, ts in zip(cfg["orders"], cfg["ts"]):
        for k, t in enumerate(ts):
            idx = torch.tensor(order[k * cfg["batch"]:(k + 1) * cfg["batch"]])
            for g in opt.param_groups:
                g["lr"] = 0.5 * cfg["lr"] * (1 + math.cos(math.pi * min(step, total) / max(1, total)))
            opt.zero_grad()
            F.cross_entropy(forward(point(t), names, x[idx]), y[idx]).backward()
            opt.step()
            step += 1
    with torch.no_grad():
        losses = [F.cross_entropy(forward(point(t), names, x), y).item() for t in cfg["eval_ts"]]
    print(json.dumps(losses))


if __name__ == "__main__":
    main()
