"""torch.save files covering what terrain's .pt reader must handle, each with its expected tensors.

    /usr/bin/python3 test/python/export_pt_cases.py OUT_DIR

Writes OUT_DIR/<case>.pt and OUT_DIR/<case>.expected.safetensors (the same tensors, contiguous, half and bfloat16
widened to float32 exactly, short widened to int32), plus OUT_DIR/cases.json: {case: {"foundAt", "skipped"}}.
"""
import json
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

import st_io


def expected(state):
    out = {}
    for k, v in state.items():
        if not torch.is_tensor(v):
            continue
        v = v.detach()
        if v.dtype in (torch.float16, torch.bfloat16):
            v = v.float()
        if v.dtype == torch.int16:
            v = v.int()
        out[k] = v.contiguous().numpy()
    return out


def main(out_dir):
    torch.manual_seed(7)
    cases = {}

    def save(name, obj, state, found_at="", skipped=()):
        path = os.path.join(out_dir, name + ".pt")
        torch.save(obj, path)
        st_io.write(os.path.join(out_dir, name + ".expected.safetensors"), expected(state))
        cases[name] = {"foundAt": found_at, "skipped": list(skipped)}

    # A real module's state_dict: float32 weights, BN buffers, int64 num_batches_tracked.
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    net.train()
    net(torch.randn(2, 3, 8, 8))
    save("module", net.state_dict(), net.state_dict())

    # Every storage type, 0-d and empty tensors.
    base = torch.randn(3, 4, dtype=torch.float64)
    dtypes = OrderedDict([
        ("f64", base.clone()), ("f32", base.float()), ("f16", base.half()), ("bf16", base.bfloat16()),
        ("i64", torch.arange(-5, 7, dtype=torch.int64).reshape(3, 4) * 1000003), ("i32", torch.arange(-6, 6, dtype=torch.int32)),
        ("i16", torch.arange(-6, 6, dtype=torch.int16) * 1000), ("i8", torch.arange(-6, 6, dtype=torch.int8)),
        ("u8", torch.arange(0, 250, 21, dtype=torch.uint8)), ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(2.5)), ("empty", torch.zeros(0, 3)),
        ("half_special", torch.tensor([65504.0, -0.0, 6e-8, float("inf"), -float("inf"), 1e-5], dtype=torch.float16)),
    ])
    save("dtypes", dtypes, dtypes)

    # Views: a transpose, a strided slice and an offset slice of one shared storage, plus a Parameter.
    big = torch.arange(60, dtype=torch.float32).reshape(5, 12)
    views = OrderedDict([
        ("whole", big), ("transposed", big.t()), ("strided", big[1:4, ::3]), ("row", big[3]),
        ("param", nn.Parameter(torch.randn(2, 3))),
    ])
    save("views", views, views)

    # A training checkpoint: the state_dict nested under a key, next to non-tensor entries.
    ckpt = {"epoch": 3, "state_dict": net.state_dict(), "optimizer": {"lr": 0.1}, "note": "hello"}
    save("nested", ckpt, net.state_dict(), found_at="state_dict")

    # Non-tensor entries inside the state_dict itself.
    mixed = OrderedDict([("w", torch.ones(2)), ("meta", {"a": 1}), ("count", 5)])
    save("mixed", mixed, mixed, skipped=["meta", "count"])

    # A whole pickled module (not a state_dict): must be refused with a hint.
    torch.save(net, os.path.join(out_dir, "whole_module.pt"))
    # A TorchScript archive.
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), os.path.join(out_dir, "scripted.pt"))
    # The legacy (pre-1.6) format.
    torch.save(net.state_dict(), os.path.join(out_dir, "legacy.pt"), _use_new_zipfile_serialization=False)

    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: export_pt_cases.py OUT_DIR")
    main(sys.argv[1])
