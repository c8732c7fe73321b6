"""Loads a terrain checkpoint in PyTorch by parameter names and prints its mean softmax cross-entropy on given data.

    /usr/bin/python3 test/python/checkpoint_loss.py CKPT.safetensors DATA.safetensors

CKPT's metadata "terrain.spec" names the architecture (rebuilt with test/python/zoo.py); DATA holds x (float32,
[N, ...inputShape], already standardised) and y (int64 [N]). Prints {"loss", "accuracy"} as JSON (eval mode)."""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

import st_io
import zoo

tensors, meta = st_io.read(sys.argv[1])
spec = json.loads(meta["terrain.spec"])
data, _ = st_io.read(sys.argv[2])
model = zoo.build(spec)
zoo.load_weights(model, tensors)
model.eval()
with torch.no_grad():
    x = torch.from_numpy(data["x"]).double()
    model = model.double()
    logits = model(x)
    y = torch.from_numpy(data["y"])
    loss = F.cross_entropy(logits, y).item()
    acc = (logits.argmax(1) == y).double().mean().item()
print(json.dumps({"loss": loss, "accuracy": acc}))
