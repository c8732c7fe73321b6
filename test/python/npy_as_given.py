"""A user's own tensors, saved as PyTorch saw them: raw images standardised with transforms.Normalize-style fixed
statistics (not the data's own), a small CNN exported to ONNX, and PyTorch's loss on exactly those tensors.

    /usr/bin/python3 test/python/npy_as_given.py OUT_DIR

Writes OUT_DIR/model.onnx, x.npy (float32 [N, 3, 8, 8], already normalised), y.npy (int64 [N]), raw.npy (the
same images before normalising) and prints {"loss": mean cross-entropy in float64 of the float32 logits,
"mean": [...], "std": [...]} as JSON.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

out = sys.argv[1]
torch.manual_seed(0)
n, classes = 24, 5
mean, std = [0.45, 0.5, 0.55], [0.2, 0.25, 0.3]
raw = torch.rand(n, 3, 8, 8)  # images in [0, 1]
x = (raw - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
y = torch.randint(0, classes, (n,))
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 8 * 8, classes)).eval()
torch.onnx.export(model, x[:2], os.path.join(out, "model.onnx"), training=torch.onnx.TrainingMode.PRESERVE,
                  do_constant_folding=False, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
np.save(os.path.join(out, "x.npy"), x.numpy().astype("<f4"))
np.save(os.path.join(out, "raw.npy"), raw.numpy().astype("<f4"))
np.save(os.path.join(out, "y.npy"), y.numpy().astype("<i8"))
with torch.no_grad():
    loss = F.cross_entropy(model(x).double(), y).item()
print(json.dumps({"loss": loss, "mean": mean, "std": std}))
