"""PyTorch float64 reference for the exact Hessian-vector products of terrain's autodiff (src/ir/hvp.ts).

    /usr/bin/python3 test/python/autodiff_hvp.py --spec SPEC --weights W.safetensors --vector V.safetensors \
        --input X.npy --labels Y.npy --bn eval|train --loss softmax-ce|mse --out HV.safetensors

SPEC is a ModelSpec (JSON text or file); W holds parameters and buffers, V one direction tensor per parameter
(same names). Loss on one batch: mean softmax cross-entropy, or MSE against one-hot labels (mean over N*classes
entries). BN in eval mode uses the running statistics, in train mode the batch statistics. Writes H*v per
parameter to --out (float64) and prints one JSON line {"loss", "parameters": [names]}.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import st_io
import zoo


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for k in ["spec", "weights", "vector", "input", "labels", "out"]:
        p.add_argument("--" + k, required=True)
    p.add_argument("--bn", choices=["eval", "train"], required=True)
    p.add_argument("--loss", choices=["softmax-ce", "mse"], default="softmax-ce")
    a = p.parse_args(argv)
    spec = json.load(open(a.spec)) if os.path.exists(a.spec) else json.loads(a.spec)
    model = zoo.build(spec)
    tensors, _ = st_io.read(a.weights)
    zoo.load_weights(model, tensors)
    model = model.double()
    model.train(a.bn == "train")
    x = torch.from_numpy(np.load(a.input)).double()
    y = torch.from_numpy(np.load(a.labels).astype(np.int64))
    vectors, _ = st_io.read(a.vector)
    names = [n for n, _ in model.named_parameters()]
    params = [q for _, q in model.named_parameters()]
    missing = [n for n in names if n not in vectors]
    if missing:
        print(f"autodiff_hvp: --vector {a.vector} lacks {missing}", file=sys.stderr)
        sys.exit(2)
    v = [torch.from_numpy(vectors[n]).double() for n in names]
    logits = model(x)
    if a.loss == "softmax-ce":
        loss = F.cross_entropy(logits, y)
    else:
        loss = F.mse_loss(logits, F.one_hot(y, logits.shape[1]).double())
    grads = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((g * u).sum() for g, u in zip(grads, v))
    hv = torch.autograd.grad(dot, params, allow_unused=True)
    out = {n: (h if h is not None else torch.zeros_like(q)).detach().numpy() for n, h, q in zip(names, hv, params)}
    st_io.write(a.out, out)
    print(json.dumps({"loss": loss.item(), "parameters": names}))


if __name__ == "__main__":
    main()
