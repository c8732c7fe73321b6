"""Small models with what modern PyTorch exports contain, exported at opset 17 with the default exporter settings
(eval mode, constant folding on) and a dynamic batch axis: LayerNorm + GELU (exact and tanh) + SiLU + einsum
attention; a GroupNorm CNN; a Hardswish / Hardsigmoid squeeze-excite block with Softplus and Mish; ceil_mode pooling
with InstanceNorm. For each, the data and PyTorch's loss, and a second export without constant folding whose
initializers keep the state_dict names, with PyTorch's gradient of the loss by parameter name.

    /usr/bin/python3 test/python/modern_exports.py OUT_DIR

Writes OUT_DIR/<id>.onnx, <id>.nofold.onnx, <id>.x.npy (float32), <id>.y.npy (int64) and prints one JSON object:
{id: {"loss": mean cross-entropy in float64 of the float32 logits, "grad": {name: [flat float64 values]},
"v": {name: [...]}, "hv": {name: [...]}}}, v a seeded direction and hv the Hessian times v (float64 double backprop).
"""
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    """LayerNorm, einsum attention, exact and tanh GELU, SiLU: the pieces of a transformer block."""

    def __init__(self, d=8, classes=5):
        super().__init__()
        self.inp = nn.Linear(d, 16)
        self.ln = nn.LayerNorm(16)
        self.q, self.k, self.v = nn.Linear(16, 16), nn.Linear(16, 16), nn.Linear(16, 16)
        self.mlp = nn.Sequential(nn.Linear(16, 24), nn.GELU(), nn.Linear(24, 16), nn.GELU(approximate="tanh"))
        self.ln2 = nn.LayerNorm(16)
        self.head = nn.Sequential(nn.SiLU(), nn.Linear(16, classes))

    def forward(self, x):
        h = self.ln(self.inp(x))
        q, k, v = self.q(h), self.k(h), self.v(h)
        att = torch.softmax(torch.einsum("bqd,bkd->bqk", q, k) / 4.0, dim=-1)
        h = h + torch.einsum("bqk,bkd->bqd", att, v)
        h = self.ln2(h + self.mlp(h))
        return self.head(h.mean(dim=1))


def group_norm_cnn(classes=5):
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.GroupNorm(4, 8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.SiLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, classes))


class SqueezeExcite(nn.Module):
    """mobilenet_v3's block: Hardswish, and a squeeze-excite gate through Hardsigmoid; Softplus and Mish beside."""

    def __init__(self, classes=5):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.act = nn.Hardswish()
        self.fc1, self.fc2 = nn.Conv2d(8, 4, 1), nn.Conv2d(4, 8, 1)
        self.gate = nn.Hardsigmoid()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 6 * 6, 16), nn.Softplus(), nn.Mish(), nn.Linear(16, classes))

    def forward(self, x):
        h = self.act(self.conv(x))
        s = self.gate(self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(h, 1)))))
        return self.head(h * s)


def ceil_pool(classes=5):
    # squeezenet's MaxPool2d(3, 2, ceil_mode=True) on odd sizes, and a ceil_mode average pool.
    return nn.Sequential(
        nn.Conv2d(3, 6, 3), nn.InstanceNorm2d(6, affine=True), nn.ReLU(),
        nn.MaxPool2d(3, 2, ceil_mode=True), nn.Conv2d(6, 6, 1), nn.ReLU(),
        nn.AvgPool2d(2, 2, ceil_mode=True), nn.Flatten(), nn.Linear(6 * 2 * 2, classes))


CASES = {
    "attention": (Attention, (6, 8)),
    "groupnorm": (group_norm_cnn, (3, 8, 8)),
    "hardswish": (SqueezeExcite, (3, 6, 6)),
    "ceilpool": (ceil_pool, (3, 8, 8)),
}


def export(model, x, path, fold):
    torch.onnx.export(model, x[:2], path, opset_version=17, do_constant_folding=fold,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


class Composed(nn.Module):
    """An activation written in ops that PyTorch 1.13 can differentiate twice (its hardsigmoid, hardswish and mish
    backward functions have no derivative)."""

    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


TWICE_DIFFERENTIABLE = {
    nn.Hardsigmoid: lambda x: F.relu6(x + 3) / 6,
    nn.Hardswish: lambda x: x * F.relu6(x + 3) / 6,
    nn.Mish: lambda x: x * torch.tanh(F.softplus(x)),
}


def twice_differentiable(module):
    for name, child in module.named_children():
        f = TWICE_DIFFERENTIABLE.get(type(child))
        if f:
            setattr(module, name, Composed(f))
        else:
            twice_differentiable(child)
    return module


def hessian_vector(model, x, y):
    """A seeded direction v and H·v by double backprop, in float64 (on a copy of the model)."""
    wide = twice_differentiable(copy.deepcopy(model)).double()
    params = list(wide.parameters())
    gen = torch.Generator().manual_seed(5)
    v = [torch.randn(p.shape, generator=gen, dtype=torch.float64) for p in params]
    loss = F.cross_entropy(wide(x.double()), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    # allow_unused: a parameter the gradient is linear in (a head's bias) has no second-order path.
    hv = torch.autograd.grad(sum((g * d).sum() for g, d in zip(grads, v)), params, allow_unused=True)
    hv = [torch.zeros_like(p) if h is None else h for p, h in zip(params, hv)]
    names = [k for k, _ in wide.named_parameters()]
    return {"v": {k: d.flatten().tolist() for k, d in zip(names, v)}, "hv": {k: h.flatten().tolist() for k, h in zip(names, hv)}}


def main(out):
    report = {}
    for i, (name, (make, shape)) in enumerate(CASES.items()):
        torch.manual_seed(10 + i)
        model = make().eval()
        n = 12
        x = torch.randn(n, *shape)
        y = torch.randint(0, 5, (n,))
        export(model, x, os.path.join(out, f"{name}.onnx"), True)
        export(model, x, os.path.join(out, f"{name}.nofold.onnx"), False)
        np.save(os.path.join(out, f"{name}.x.npy"), x.numpy().astype("<f4"))
        np.save(os.path.join(out, f"{name}.y.npy"), y.numpy().astype("<i8"))
        model.zero_grad()
        loss = F.cross_entropy(model(x).double(), y)
        loss.backward()
        grad = {k: p.grad.double().flatten().tolist() for k, p in model.named_parameters()}
        report[name] = {"loss": loss.item(), "grad": grad, **hessian_vector(model, x, y)}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
