"""PyTorch reference for `--bn recompute`: reset every BatchNorm's running statistics, set momentum=None (cumulative
average), run the given batches forward in train mode, and write the resulting running statistics.

    /usr/bin/python3 test/python/bn_recompute.py SPEC_JSON WEIGHTS.safetensors BATCHES.safetensors OUT.safetensors

BATCHES holds x0, x1, … (float32, [n, ...inputShape]) in order."""
import json
import sys

import numpy as np
import torch

import st_io
import zoo

spec = json.loads(sys.argv[1])
weights, _ = st_io.read(sys.argv[2])
batches, _ = st_io.read(sys.argv[3])
model = zoo.build(spec)
zoo.load_weights(model, weights)
for m in model.modules():
    if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
        m.reset_running_stats()
        m.momentum = None
model.train()
with torch.no_grad():
    for k in range(len(batches)):
        model(torch.from_numpy(batches[f"x{k}"]))
out = {k: v.numpy().astype(np.float32) for k, v in model.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}
st_io.write(sys.argv[4], out)
