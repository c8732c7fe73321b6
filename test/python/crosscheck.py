"""PyTorch reference for terrain's autodiff: loss, parameter gradients and BN running-stat updates.

    /usr/bin/python3 test/python/crosscheck.py --spec SPEC --weights W.safetensors --input X.npy --labels Y.npy \
        --bn eval|train --grads OUT.safetensors [--dtype float32|float64]

SPEC is a ModelSpec as JSON text or a path to a .json file (zoo arch, options, inputShape, classes); W holds
terrain's parameters and buffers (state_dict names; num_batches_tracked optional). The model runs in eval mode
(BatchNorm uses the running stats) or train mode (batch statistics; running stats updated with PyTorch's momentum
0.1 and the unbiased batch variance). Loss: mean softmax cross-entropy over the batch.
Writes every parameter's gradient to --grads (named_parameters order, same names) and prints one JSON line:
  {"loss", "correct", "batch", "bn", "dtype", "gradients": path, "parameters": [names],
   "running_stats": {name: [values]}   (train mode only: the running_mean / running_var after this step)}
Bad input (shapes, labels, files) exits with status 2 and a one-line message on stderr.
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


def fail(msg):
    print(f"crosscheck: {msg}", file=sys.stderr)
    sys.exit(2)


def load_spec(text):
    try:
        if os.path.exists(text):
            with open(text) as f:
                return json.load(f)
        return json.loads(text)
    except (OSError, ValueError) as e:
        fail(f"--spec must be ModelSpec JSON or a .json file: {e}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--spec", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--bn", choices=["eval", "train"], required=True)
    p.add_argument("--grads", required=True)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    a = p.parse_args(argv)

    spec = load_spec(a.spec)
    try:
        model = zoo.build(spec)
    except (KeyError, ValueError, TypeError) as e:
        fail(f"--spec {json.dumps(spec)}: {e}")
    try:
        tensors, _ = st_io.read(a.weights)
        zoo.load_weights(model, tensors)
    except (OSError, ValueError, RuntimeError) as e:
        fail(f"--weights {a.weights}: {e}")
    try:
        x = np.load(a.input)
        y = np.load(a.labels)
    except (OSError, ValueError) as e:
        fail(f"--input/--labels: {e}")
    expect = [x.shape[0] if x.ndim else None] + list(spec["inputShape"])
    if list(x.shape) != expect:
        fail(f"--input {a.input}: shape {list(x.shape)}, expected [N, {', '.join(map(str, spec['inputShape']))}]")
    if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        fail(f"--labels {a.labels}: need {x.shape[0]} integer labels, got shape {list(y.shape)} dtype {y.dtype}")
    if y.min() < 0 or y.max() >= spec["classes"]:
        fail(f"--labels {a.labels}: labels must lie in [0, {spec['classes']}), got {y.min()}..{y.max()}")

    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    model = model.to(dtype)
    model.train(a.bn == "train")
    xt = torch.from_numpy(np.ascontiguousarray(x)).to(dtype)
    yt = torch.from_numpy(y.astype(np.int64))
    logits = model(xt)
    loss = F.cross_entropy(logits, yt)
    model.zero_grad(set_to_none=True)
    loss.backward()

    names = [n for n, _ in model.named_parameters()]
    grads = {n: (q.grad if q.grad is not None else torch.zeros_like(q)).detach().numpy() for n, q in model.named_parameters()}
    st_io.write(a.grads, grads, {"loss": repr(loss.item()), "bn": a.bn, "dtype": a.dtype})
    out = {"loss": loss.item(), "correct": int((logits.argmax(1) == yt).sum()), "batch": int(x.shape[0]), "bn": a.bn,
           "dtype": a.dtype, "gradients": a.grads, "parameters": names}
    if a.bn == "train":
        out["running_stats"] = {n: b.detach().double().flatten().tolist() for n, b in model.named_buffers()
                                if n.endswith("running_mean") or n.endswith("running_var")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
