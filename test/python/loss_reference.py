"""Reference values of terrain's losses from torch.nn.functional, in float64.

    /usr/bin/python3 test/python/loss_reference.py CASES.json

CASES: [{"kind", "logits": {"shape", "data"}, "labels"?: {"shape", "data"}, "targets"?: {"shape", "data"}}] with
kind one of softmax-ce, nll, mse, mse-target, bce, bce-float, token-ce, model. Prints a JSON list of
{"loss": the mean loss (reduction='mean'), "sample": the per-sample loss [N] (reduction='none', averaged over
each sample's entries or non-ignored tokens)}.
"""
import json
import sys

import torch
import torch.nn.functional as F


def tensor(t, dtype=torch.float64):
    return torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])


def reference(case):
    z = tensor(case["logits"])
    n = z.shape[0]
    y = tensor(case["labels"], torch.int64) if "labels" in case else None
    t = tensor(case["targets"]).reshape(z.shape) if "targets" in case else None
    kind = case["kind"]
    if kind == "softmax-ce":
        return F.cross_entropy(z, y), F.cross_entropy(z, y, reduction="none")
    if kind == "nll":
        return F.nll_loss(z, y), F.nll_loss(z, y, reduction="none")
    if kind == "mse":
        hot = F.one_hot(y, z.shape[1]).double()
        return F.mse_loss(z, hot), F.mse_loss(z, hot, reduction="none").mean(1)
    if kind == "mse-target":
        return F.mse_loss(z, t), F.mse_loss(z, t, reduction="none").reshape(n, -1).mean(1)
    if kind == "bce":
        labels = y.double().reshape(z.shape)
        return (F.binary_cross_entropy_with_logits(z, labels),
                F.binary_cross_entropy_with_logits(z, labels, reduction="none").reshape(n, -1).mean(1))
    if kind == "bce-float":
        return F.binary_cross_entropy_with_logits(z, t), F.binary_cross_entropy_with_logits(z, t, reduction="none").reshape(n, -1).mean(1)
    if kind == "token-ce":
        v = z.shape[2]
        each = F.cross_entropy(z.reshape(-1, v), y.reshape(-1), ignore_index=-100, reduction="none").reshape(y.shape)
        kept = (y != -100).double().sum(1).clamp(min=1)
        return F.cross_entropy(z.reshape(-1, v), y.reshape(-1), ignore_index=-100), each.sum(1) / kept
    if kind == "model":
        return z.mean(), z
    raise ValueError(kind)


cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    loss, sample = reference(c)
    out.append({"loss": loss.item(), "sample": sample.reshape(-1).tolist()})
print(json.dumps(out))
