"""Models exported from PyTorch to ONNX the way docs/pytorch.md tells users to, with PyTorch's own loss and gradients.

    /usr/bin/python3 test/python/export_models.py MANIFEST.json OUT_DIR

MANIFEST: [{"id", "model": {"zoo": SPEC} | {"torchvision": "resnet18", "classes": K} | {"tinyvit": true, "classes": K},
"input": [C, H, W], "batch",
"seed", "second": bool, "fresh": bool, "bare": bool}]. For each entry, in OUT_DIR:
  ID.onnx                 the model exported with EXPORT_ARGS (eval mode, BatchNormalization kept, dynamic batch)
  ID.x.npy, ID.y.npy      a batch of inputs (float32, standardised per channel, as terrain's data layer would) and
                          labels (int64)
  ID.ref.safetensors      "loss" (mean softmax cross-entropy, eval mode), "logits", "grad:NAME" for every parameter,
                          and the batch again as "x" and "y"
With "second": a second set of weights (another seed) for the same architecture:
  ID.b.pt, ID.b.safetensors   its state_dict (torch.save zip; safetensors via st_io), num_batches_tracked included
  ID.b.ref.safetensors        loss, logits and gradients with those weights
BatchNorm running statistics are made non-trivial by a few train-mode passes, so eval mode is not the identity,
except with "fresh", which exports the model as constructed.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import st_io
import zoo


def export_args(path):
    """The export call of docs/pytorch.md (input_names/output_names make dynamic_axes apply)."""
    return dict(f=path, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                input_names=["input"], output_names=["output"],
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)


class TinyViT(torch.nn.Module):
    """The transformer patterns exports are made of: a class token expanded to the batch, positional embeddings,
    LayerNorm (decomposed at opset 13), multi-head attention (reshapes through N·heads), exact GELU (Erf)."""

    def __init__(self, channels, size, classes, dim=16, heads=2, patch=4):
        super().__init__()
        nn = torch.nn
        self.patch = nn.Conv2d(channels, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.pos = nn.Parameter(torch.randn(1, 1 + (size // patch) ** 2, dim) * 0.1)
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        x = x + self.mlp(self.norm2(x))
        return self.head(x[:, 0])


def build(entry):
    m = entry["model"]
    if "zoo" in m:
        return zoo.build(m["zoo"])
    if m.get("tinyvit"):
        c, h, _ = entry["input"]
        return TinyViT(c, h, m["classes"])
    if m.get("torchvision") == "resnet18":
        import torchvision
        return torchvision.models.resnet18(num_classes=m["classes"])
    raise ValueError(f"unknown model {m}")


def randomize(model, seed, shape):
    """Fresh weights from `seed` (default PyTorch init, then BN affine jitter) and non-trivial running statistics."""
    torch.manual_seed(seed)
    for mod in model.modules():
        if hasattr(mod, "reset_parameters"):
            mod.reset_parameters()
        if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(8, *shape))
    model.eval()


def standardized(x):
    """Per-channel mean 0 and population std 1, so terrain's own standardisation of npy data leaves x unchanged."""
    dims = [0] + list(range(2, x.dim())) if x.dim() > 2 else list(range(x.dim()))
    x = x.double()
    x = (x - x.mean(dim=dims, keepdim=True)) / x.std(dim=dims, unbiased=False, keepdim=True)
    return x.float()


def reference(model, x, y):
    model.eval()
    model.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    out = {"loss": np.array(loss.item(), dtype=np.float64), "logits": logits.detach().double().numpy(),
           "x": x.numpy(), "y": y.numpy()}
    for name, p in model.named_parameters():
        out["grad:" + name] = p.grad.detach().double().numpy()
    return out


def main(manifest_path, out_dir):
    with open(manifest_path) as f:
        manifest = json.load(f)
    for entry in manifest:
        i, shape, seed = entry["id"], entry["input"], entry["seed"]
        torch.manual_seed(seed)
        model = build(entry)
        if entry.get("fresh"):
            model.eval()  # as constructed: equal tensors (BN weight and running_var are ones) get deduplicated on export
        else:
            randomize(model, seed, shape)
        g = torch.Generator().manual_seed(seed + 1)
        x = standardized(torch.randn(entry["batch"], *shape, generator=g))
        classes = model(x[:1]).shape[1]
        y = torch.randint(0, classes, (entry["batch"],), generator=g)
        np.save(os.path.join(out_dir, i + ".x.npy"), x.numpy())
        np.save(os.path.join(out_dir, i + ".y.npy"), y.numpy())
        args = export_args(os.path.join(out_dir, i + ".onnx"))
        if entry.get("bare"):  # the call without input/output names: PyTorch then ignores dynamic_axes
            del args["input_names"], args["output_names"]
        torch.onnx.export(model.eval(), x, args.pop("f"), **args)
        st_io.write(os.path.join(out_dir, i + ".ref.safetensors"), reference(model, x, y))
        if entry.get("second"):
            randomize(model, seed + 100, shape)
            state = model.state_dict()
            torch.save(state, os.path.join(out_dir, i + ".b.pt"))
            st_io.write(os.path.join(out_dir, i + ".b.safetensors"), {k: v.numpy() for k, v in state.items()})
            st_io.write(os.path.join(out_dir, i + ".b.ref.safetensors"), reference(model, x, y))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: export_models.py MANIFEST.json OUT_DIR")
    import warnings
    warnings.filterwarnings("ignore")
    main(sys.argv[1], sys.argv[2])
