"""Small models whose loss is not softmax cross-entropy, exported as docs/pytorch.md says, with PyTorch's loss and
top Hessian eigenvalue (float64, full Hessian by torch.autograd.functional.hessian) on saved data.

    /usr/bin/python3 test/python/loss_models.py OUT_DIR

For each case ID in OUT_DIR: ID.onnx, ID.x.npy, ID.y.npy; prints {ID: {"loss", "top"}} as JSON.
  binary  Linear(4, 1): one logit per sample, 0/1 int64 labels, BCEWithLogits
  regress Linear(4, 6) + Tanh + Linear(6, 1): float targets (N,), MSE
  multi   Linear(4, 3): float (N, 3) 0/1 targets, BCEWithLogits (multi-label)
  nll     Linear(4, 3) + LogSoftmax: int64 labels, NLL
  tokens  Linear(4, 5) per position on [N, 3, 4] sequences: int64 targets (N, 3) with -100, token cross-entropy
  ownloss Linear(4, 2) then the per-sample mean of squares [N]: the output is the loss
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.utils.stateless import functional_call

out = sys.argv[1]
torch.manual_seed(0)
N = 12


class OwnLoss(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        return (self.fc(x) ** 2).mean(1)


x = torch.randn(N, 4)
seq = torch.randn(N, 3, 4)
tok = torch.randint(0, 5, (N, 3))
tok[0, 2] = -100
tok[3, :] = -100
cases = {
    "binary": (torch.nn.Linear(4, 1), x, torch.randint(0, 2, (N,)),
               lambda o, y: F.binary_cross_entropy_with_logits(o.view(-1), y.double())),
    "regress": (torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1)), x, torch.randn(N).double(),
                lambda o, y: F.mse_loss(o.view(-1), y)),
    "multi": (torch.nn.Linear(4, 3), x, torch.randint(0, 2, (N, 3)).double(),
              lambda o, y: F.binary_cross_entropy_with_logits(o, y)),
    "nll": (torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LogSoftmax(1)), x, torch.randint(0, 3, (N,)),
            lambda o, y: F.nll_loss(o, y)),
    "tokens": (torch.nn.Linear(4, 5), seq, tok, lambda o, y: F.cross_entropy(o.reshape(-1, 5), y.reshape(-1), ignore_index=-100)),
    "ownloss": (OwnLoss(), x, None, lambda o, y: o.mean()),
}
ref = {}
for cid, (model, xs, ys, loss_fn) in cases.items():
    model.eval()
    torch.onnx.export(model, xs[:2], os.path.join(out, cid + ".onnx"), training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    np.save(os.path.join(out, cid + ".x.npy"), xs.numpy().astype("<f4"))
    yv = ys if ys is not None else torch.zeros(N, dtype=torch.int64)
    np.save(os.path.join(out, cid + ".y.npy"), yv.numpy().astype("<f4" if yv.dtype == torch.float64 else "<i8"))
    m64 = model.double()
    names = [n for n, _ in m64.named_parameters()]
    shapes = [p.shape for _, p in m64.named_parameters()]
    flat = torch.cat([p.detach().reshape(-1) for _, p in m64.named_parameters()])
    # Targets as the model saw them: float32 values read back in float64.
    yy = yv.float().double() if yv.dtype == torch.float64 else yv

    def f(theta):
        params, k = {}, 0
        for n, s in zip(names, shapes):
            params[n] = theta[k:k + s.numel()].reshape(s)
            k += s.numel()
        return loss_fn(functional_call(m64, params, (xs.double(),)), yy)

    h = torch.autograd.functional.hessian(f, flat)
    ref[cid] = {"loss": f(flat).item(), "top": torch.linalg.eigvalsh(h)[-1].item()}
print(json.dumps(ref))
