"""Models as PyTorch users write them, exported as users export them, with PyTorch's reference numbers.

    /usr/bin/python3 test/python/user_models.py OUT_DIR [MODEL ...]

For every model (all of MODELS unless named), in OUT_DIR:
  ID.x.npy, ID.y.npy        the data as the model consumes it: X float32 (standardised per element over the
                            samples, so any per-channel re-standardisation leaves it unchanged) or int64 token ids;
                            Y int64 labels [N], int64 next tokens [N, T] or float32 targets [N, K]
  ID.o{13,14,17}.{variant}.onnx, variant:
    default   torch.onnx.export(model.eval(), x[:1], path, opset_version=K)          (the bare call)
    dynamic   the same plus input_names=["input"], output_names=["output"], dynamic_axes batch
    docs      the call of docs/pytorch.md: dynamic + training=PRESERVE, do_constant_folding=False
  ID.grad.npy               ∇L at θ (float64), the parameters' gradients flattened in named_parameters order
  ID.ref.json               {"loss", "loss32", "loss_kind", "params": [[name, size]...], "eig_top",
                            "hessian_params" (regex or null), "curve": {"lambdas", "loss"}} with curve = L(θ − λ∇L)
                            along the raw gradient
Everything PyTorch computes here is in float64 (loss32: the float32 model), eval mode (BatchNorm running
statistics, no dropout). eig_top: the largest eigenvalue of ∇²L by Lanczos with full reorthogonalisation on
autograd Hessian-vector products.
"""
import json
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSETS = (13, 14, 17)
VARIANTS = ("default", "dynamic", "docs")


class ViT(nn.Module):
    """Patch embedding, class token, positions, nn.TransformerEncoder (post-norm, GELU), head on the class token."""

    def __init__(self, classes=5, dim=16, heads=2, patch=4, size=16):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.pos = nn.Parameter(torch.randn(1, 1 + (size // patch) ** 2, dim) * 0.1)
        layer = nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.encoder(x)[:, 0])


class RNNClassifier(nn.Module):
    """nn.LSTM / nn.GRU over [N, T, D] (batch_first), the last layer's final hidden state into a linear head."""

    def __init__(self, cell, d=5, hidden=12, classes=4, vocab=None):
        super().__init__()
        self.embed = nn.Embedding(vocab, d) if vocab else None
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(d, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        if self.embed is not None:
            x = self.embed(x)
        _, h = self.rnn(x)
        h = h[0] if isinstance(h, tuple) else h
        return self.head(h[-1])


class GroupNormCNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.GroupNorm(4, 8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(16, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class GPT(nn.Module):
    """A 2-layer pre-norm decoder-only language model (nanoGPT's shape): token + learned positions, causal mask
    as a non-persistent buffer sliced to the sequence length, final LayerNorm, logits [N, T, V]."""

    def __init__(self, vocab=11, dim=16, heads=2, block=8):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, block, dim) * 0.1)
        layer = nn.TransformerEncoderLayer(dim, heads, 4 * dim, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, 2)
        self.ln = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab)
        self.register_buffer("causal", torch.triu(torch.full((block, block), float("-inf")), 1), persistent=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos[:, :t]
        return self.lm_head(self.ln(self.blocks(x, mask=self.causal[:t, :t])))


def regressor():
    return nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 3))


def tv(name, linear_default_init=False, **kw):
    """A torchvision model; linear_default_init re-draws its Linear layers with nn.Linear's own initialisation
    (mobilenet_v3's N(0, 0.01) classifier gives logits ≈ 0 and a loss of ln C, which no comparison would notice)."""
    def make():
        import torchvision
        model = getattr(torchvision.models, name)(**kw)
        for m in model.modules():
            if linear_default_init and isinstance(m, nn.Linear):
                m.reset_parameters()
        return model
    return make


# id: (constructor, input kind and shape per sample, samples, loss, classes/vocab[, Hessian parameters])
# The torchvision models' Hessians are the block over a few late tensors (a regex, terrain's --params): a
# BatchNorm's affine parameters or a small conv early enough that the second derivative passes through their late
# ops (conv, BatchNorm, HardSwish/HardSigmoid squeeze-excite, concatenation, ceil_mode pooling, residual add), and
# the classifier. Millions of parameters would make each product minutes here, and whole-Hessian Lanczos of such
# nets converges slowly (clustered top eigenvalues); these blocks have a separated top eigenvalue.
MODELS = {
    "resnet18": (tv("resnet18", num_classes=10), ("image", [3, 16, 16]), 2, "cross-entropy", 10,
                 r"^(layer4\.1\.bn[12]\.|fc\.)"),
    "mobilenet_v3_small": (tv("mobilenet_v3_small", True, num_classes=10), ("image", [3, 32, 32]), 2, "cross-entropy", 10,
                           r"^(features\.11\.block\.\d\.1\.|features\.12\.1\.|classifier\.3\.)"),
    "squeezenet1_1": (tv("squeezenet1_1", num_classes=10), ("image", [3, 33, 33]), 2, "cross-entropy", 10,  # 33: ceil_mode matters
                      r"^(features\.7\.squeeze\.|classifier\.)"),
    "densenet121": (tv("densenet121", num_classes=10), ("image", [3, 32, 32]), 2, "cross-entropy", 10,
                    r"^(features\.denseblock4\.denselayer16\.norm[12]\.|features\.norm5\.|classifier\.)"),
    "vit": (ViT, ("image", [3, 16, 16]), 4, "cross-entropy", 5),
    "lstm": (lambda: RNNClassifier("lstm"), ("seq", [6, 5]), 4, "cross-entropy", 4),
    "gru": (lambda: RNNClassifier("gru"), ("seq", [6, 5]), 4, "cross-entropy", 4),
    "embed_gru": (lambda: RNNClassifier("gru", d=8, vocab=20), ("ids", [7], 20), 4, "cross-entropy", 4),
    "groupnorm_cnn": (GroupNormCNN, ("image", [3, 16, 16]), 4, "cross-entropy", 10),
    "gpt": (GPT, ("ids", [8], 11), 3, "token-cross-entropy", 11),
    "mse_regressor": (regressor, ("features", [8]), 8, "mse", 3),
}


def make_data(spec, n, loss, classes, g):
    kind, shape = spec[0], spec[1]
    if kind == "ids":
        x = torch.randint(0, spec[2], (n, *shape), generator=g)
    else:
        x = torch.randn(n, *shape, generator=g, dtype=torch.float64)
        x = ((x - x.mean(0)) / x.std(0, unbiased=False)).float()  # every element, hence every channel: mean 0, std 1
    if loss == "token-cross-entropy":
        y = torch.randint(0, classes, (n, *shape), generator=g)
    elif loss == "mse":
        y = torch.randn(n, classes, generator=g).float()
    else:
        y = torch.randint(0, classes, (n,), generator=g)
    return x, y


def loss_fn(kind, out, y):
    if kind == "mse":
        return F.mse_loss(out, y.to(out.dtype))
    if kind == "token-cross-entropy":
        return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
    return F.cross_entropy(out, y)


def export(model, x, path, opset, variant):
    kw = {"opset_version": opset}
    if variant != "default":
        kw.update(input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    if variant == "docs":
        kw.update(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    torch.onnx.export(model.eval(), x, path, **kw)


def lanczos_top(hvp, n, g, steps=200, tol=1e-6):
    """Largest eigenvalue of the symmetric operator hvp (float64 vectors of size n), full reorthogonalisation;
    stops once the top Ritz pair's residual is below tol·|λ| (its eigenvalue error is then ~residual²/gap)."""
    q = torch.randn(n, generator=g, dtype=torch.float64)
    Q, alpha, beta = [q / q.norm()], [], []
    for _ in range(min(steps, n)):
        w = hvp(Q[-1])
        alpha.append(float(w @ Q[-1]))
        for _ in range(2):  # twice is enough (Kahan)
            for qi in Q:
                w -= float(w @ qi) * qi
        b = float(w.norm())
        vals, vecs = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
        residual = abs(b * vecs[-1, -1])
        print(f"  Lanczos step {len(alpha)}: λ {vals[-1]:.10g}, residual {residual:.2e}", file=sys.stderr, flush=True)
        if residual <= tol * abs(vals).max() or b == 0.0:
            break
        beta.append(b)
        Q.append(w / b)
    return float(vals[-1]), residual, len(alpha)


def set_flat(params, flat):
    offset = 0
    with torch.no_grad():
        for p in params:
            p.copy_(flat[offset:offset + p.numel()].view_as(p))
            offset += p.numel()


def reference(model, x, y, loss_kind, seed, block=None):
    """Float64 loss, gradient, the raw-gradient curve and the top eigenvalue of the Hessian (of its block over the
    parameters whose names match `block`) at the model's weights."""
    m64 = model.double().eval()
    x64 = x if x.dtype == torch.int64 else x.double()
    params = [p for _, p in m64.named_parameters()]
    names = [(k, p.numel()) for k, p in m64.named_parameters()]
    theta = torch.cat([p.detach().reshape(-1) for p in params])

    loss = loss_fn(loss_kind, m64(x64), y)
    gvec = torch.cat([gr.reshape(-1) for gr in torch.autograd.grad(loss, params)])
    hp = [p for k, p in m64.named_parameters() if block is None or re.search(block, k)]
    flat = torch.cat([gr.reshape(-1) for gr in torch.autograd.grad(loss_fn(loss_kind, m64(x64), y), hp, create_graph=True)])
    h_theta = torch.cat([p.detach().reshape(-1) for p in hp])

    def hvp_exact(v):
        return torch.cat([h.reshape(-1) for h in torch.autograd.grad(flat, hp, grad_outputs=v, retain_graph=True)])

    def hvp_fd(v, h=1e-5):  # PyTorch has no double backward for some ops (hardsigmoid): central differences
        def grad_at(w):
            set_flat(hp, w)
            return torch.cat([gr.reshape(-1) for gr in torch.autograd.grad(loss_fn(loss_kind, m64(x64), y), hp)])
        out = (grad_at(h_theta + h * v) - grad_at(h_theta - h * v)) / (2 * h)
        set_flat(hp, h_theta)
        return out

    hvp, method = hvp_exact, "autograd"
    try:
        hvp(torch.zeros_like(flat))
    except RuntimeError:
        hvp, method = hvp_fd, "central differences of autograd gradients, h=1e-5"
    eig, residual, steps = lanczos_top(lambda v: hvp(v).detach(), flat.numel(), torch.Generator().manual_seed(seed))
    step = float(f"{0.02 * float(theta.norm()) / float(gvec.norm()):.4g}")  # printed exactly as --range A:B:5
    lambdas = [-step, -step / 2, 0.0, step / 2, step]
    curve = []
    with torch.no_grad():
        for lam in lambdas:
            set_flat(params, theta - lam * gvec)
            curve.append(float(loss_fn(loss_kind, m64(x64), y)))
    set_flat(params, theta)
    return {"loss": float(loss), "params": names, "hessian_params": block, "eig_top": eig, "eig_residual": residual, "eig_steps": steps,
            "hvp": method, "curve": {"lambdas": lambdas, "loss": curve}}, gvec.numpy()


def settle_batchnorm(model, x):
    """A few train-mode passes so BatchNorm running statistics are not the trivial 0/1 (as after training)."""
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(x)


def main(out_dir, wanted):
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    for i, mid in enumerate(wanted):
        t0 = time.time()
        make, spec, n, loss_kind, classes, *block = MODELS[mid]
        torch.manual_seed(1000 + i)
        model = make()
        g = torch.Generator().manual_seed(2000 + i)
        x, y = make_data(spec, n, loss_kind, classes, g)
        settle_batchnorm(model, x)
        model.eval()
        np.save(os.path.join(out_dir, f"{mid}.x.npy"), x.numpy())
        np.save(os.path.join(out_dir, f"{mid}.y.npy"), y.numpy())
        with torch.no_grad():
            loss32 = float(loss_fn(loss_kind, model(x), y))
        for opset in OPSETS:
            for variant in VARIANTS:
                path = os.path.join(out_dir, f"{mid}.o{opset}.{variant}.onnx")
                try:
                    export(model, x[:1], path, opset, variant)
                except Exception as e:  # recorded: the suite reports exports PyTorch itself refuses
                    with open(path + ".error", "w") as f:
                        f.write(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        print(f"{mid}: exported, {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
        ref, gvec = reference(model, x, y, loss_kind, 3000 + i, block[0] if block else None)
        np.save(os.path.join(out_dir, f"{mid}.grad.npy"), gvec)
        with open(os.path.join(out_dir, f"{mid}.ref.json"), "w") as f:
            json.dump({**ref, "loss32": loss32, "loss_kind": loss_kind, "torch": torch.__version__}, f)
        print(f"{mid}: loss {ref['loss']:.6g}, λmax {ref['eig_top']:.6g} ({ref['eig_steps']} HVPs, {ref['hvp']}), "
              f"{gvec.size} parameters, {time.time() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: user_models.py OUT_DIR [MODEL ...]")
    import warnings
    warnings.filterwarnings("ignore")
    main(sys.argv[1], sys.argv[2:] or list(MODELS))
