"""Recurrent classifiers as PyTorch users write them, exported with torch.onnx.export, with PyTorch's loss and
gradient, for terrain's LSTM/GRU/RNN gradient rules.

    /usr/bin/python3 test/python/rnn_models.py OUT_DIR

For every model in MODELS and opset in OPSETS: OUT_DIR/ID.oK.onnx (the call of docs/pytorch.md: input "input",
output "output", dynamic batch, training=PRESERVE, no constant folding). Per model: OUT_DIR/ID.ref.safetensors
with x (float32 [N, T, D] or int64 token ids [N, T]), y (int64 labels), loss (float64 mean cross-entropy), and for
every named parameter grad:NAME, a random direction v:NAME and the Hessian-vector product hv:NAME (double backprop),
all computed by PyTorch in float64. OUT_DIR/models.json lists the ids.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import st_io

OPSETS = (13, 14, 17)


class Classifier(nn.Module):
    """A recurrent layer over [N, T, D], its last layer's final hidden state (both directions) into a linear head.
    batch_first=False layers get the sequence transposed to [T, N, D] first; learned initial states are expanded
    over the batch (an LSTM/GRU/RNN input that gets a gradient)."""

    def __init__(self, cell, d=5, hidden=6, classes=4, layers=1, bidirectional=False, batch_first=True,
                 vocab=None, learned_h0=False, zeros_h0=False, nonlinearity="tanh"):
        super().__init__()
        self.embed = nn.Embedding(vocab, d) if vocab else None
        kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
        if cell == "rnn":
            kw["nonlinearity"] = nonlinearity
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](d, hidden, **kw)
        self.dirs = 2 if bidirectional else 1
        self.batch_first, self.cell = batch_first, cell
        self.h0 = nn.Parameter(torch.randn(layers * self.dirs, 1, hidden) * 0.3) if learned_h0 else None
        self.zeros_h0 = zeros_h0
        self.head = nn.Linear(hidden * self.dirs, classes)

    def forward(self, x):
        if self.embed is not None:
            x = self.embed(x)
        if not self.batch_first:
            x = x.transpose(0, 1)
        n = x.shape[0] if self.batch_first else x.shape[1]
        state = None
        if self.h0 is not None:
            h0 = self.h0.expand(-1, n, -1).contiguous()
            state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
        elif self.zeros_h0:
            h0 = x.new_zeros(self.rnn.num_layers * self.dirs, n, self.rnn.hidden_size)
            state = (h0, h0) if self.cell == "lstm" else h0
        _, h = self.rnn(x, state)
        h = h[0] if isinstance(h, tuple) else h
        return self.head(torch.cat([h[-k] for k in range(self.dirs, 0, -1)], dim=1))


# id: (constructor, data: ("seq", T, D) or ("ids", T, vocab))
MODELS = {
    "lstm": (lambda: Classifier("lstm"), ("seq", 6, 5)),
    "gru": (lambda: Classifier("gru"), ("seq", 6, 5)),
    "embed_gru": (lambda: Classifier("gru", d=8, vocab=20), ("ids", 7, 20)),
    "lstm_2layer_bi": (lambda: Classifier("lstm", layers=2, bidirectional=True, zeros_h0=True), ("seq", 5, 5)),
    "gru_bi_h0": (lambda: Classifier("gru", bidirectional=True, learned_h0=True), ("seq", 5, 5)),
    "rnn_seqfirst": (lambda: Classifier("rnn", layers=2, batch_first=False, learned_h0=True), ("seq", 5, 5)),
    "rnn_relu": (lambda: Classifier("rnn", nonlinearity="relu"), ("seq", 5, 5)),
}

N = 4


def main(out_dir):
    for i, (ctor, data) in MODELS.items():
        torch.manual_seed(len(i))
        model = ctor().eval()
        g = torch.Generator().manual_seed(11)
        if data[0] == "ids":
            x = torch.randint(0, data[2], (N, data[1]), generator=g)
        else:
            x = torch.randn(N, data[1], data[2], generator=g)
        y = torch.randint(0, 4, (N,), generator=g)
        for k in OPSETS:
            torch.onnx.export(model, x[:1], os.path.join(out_dir, f"{i}.o{k}.onnx"), opset_version=k,
                              training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        wide = model.double()
        loss = F.cross_entropy(wide(x if data[0] == "ids" else x.double()), y)
        params = list(wide.named_parameters())
        grads = torch.autograd.grad(loss, [p for _, p in params], create_graph=True)
        # H v by double backprop along a seeded random direction v.
        v = [torch.randn(p.shape, generator=g, dtype=torch.float64) for _, p in params]
        hv = torch.autograd.grad(sum((gr * vi).sum() for gr, vi in zip(grads, v)), [p for _, p in params])
        ref = {"x": x.numpy(), "y": y.numpy(), "loss": np.array(loss.item(), dtype=np.float64)}
        for (name, _), gr, vi, h in zip(params, grads, v, hv):
            ref["grad:" + name] = gr.detach().numpy()
            ref["v:" + name] = vi.numpy()
            ref["hv:" + name] = h.detach().numpy()
        st_io.write(os.path.join(out_dir, i + ".ref.safetensors"), ref)
    with open(os.path.join(out_dir, "models.json"), "w") as f:
        json.dump({"models": list(MODELS), "opsets": list(OPSETS)}, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: rnn_models.py OUT_DIR")
    import warnings
    warnings.filterwarnings("ignore")
    main(sys.argv[1])
