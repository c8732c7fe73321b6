"""Per-point cost of a landscape in PyTorch, single-threaded: the baseline of src/bench/point-cost.ts.

Builds a model (a 2-layer LSTM sequence classifier, or torchvision's resnet18 on small images) with seeded random
weights, exports it to ONNX for terrain (TorchScript exporter, dynamic batch), saves the samples and labels as npy,
then times points as a landscape loop does them: load θ + λ·d into the model, evaluate the loss over every batch.
Prints one JSON line: {"seconds_per_point": …}.
"""
import argparse, json, os, time
import numpy as np
import torch
import torch.nn as nn


class LstmClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def build(name):
    if name == 'lstm':
        return LstmClassifier(), (20, 16), 5
    import torchvision
    return torchvision.models.resnet18(num_classes=10), (3, 32, 32), 10


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', choices=['lstm', 'resnet18'], required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--samples', type=int, default=256)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--points', type=int, default=5)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, shape, classes = build(a.model)
    model.eval()
    x = torch.randn(a.samples, *shape)
    y = torch.randint(0, classes, (a.samples,))
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(model, x[:2], os.path.join(a.out, 'model.onnx'), input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=14)
    np.save(os.path.join(a.out, 'x.npy'), x.numpy())
    np.save(os.path.join(a.out, 'y.npy'), y.numpy())
    theta = [q.detach().clone() for q in model.parameters()]
    direction = [torch.randn_like(q) for q in theta]

    def point(lam):
        with torch.no_grad():
            for q, t, d in zip(model.parameters(), theta, direction):
                q.copy_(t + lam * d)
            total = 0.0
            for s in range(0, a.samples, a.batch):
                total += nn.functional.cross_entropy(model(x[s:s + a.batch]), y[s:s + a.batch], reduction='sum').item()
            return total / a.samples

    point(0.0)  # warm-up
    times = []
    for k in range(a.points):
        start = time.perf_counter()
        point(0.01 * (k + 1))
        times.append(time.perf_counter() - start)
    print(json.dumps({'seconds_per_point': sorted(times)[len(times) // 2]}))


if __name__ == '__main__':
    main()
