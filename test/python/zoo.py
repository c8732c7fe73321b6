"""PyTorch twins of terrain's model zoo (src/ir/zoo), with identical state_dict names, shapes and order.

    /usr/bin/python3 test/python/zoo.py compare MANIFEST.json OUT.json

MANIFEST: [{"id", "spec", "weights": safetensors path, "input": safetensors path with tensor "input"}]. For each
entry: the torch model's parameter/buffer names and shapes, then the terrain weights loaded with strict=True
(num_batches_tracked, which terrain does not keep, is taken from the fresh model) and eval-mode logits.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

import st_io


# ---- mlp ----
class MLP(nn.Module):
    def __init__(self, in_features, widths, classes, activation, negative_slope):
        super().__init__()
        self.layers = nn.ModuleList()
        prev = in_features
        for w in widths:
            self.layers.append(nn.Linear(prev, w))
            prev = w
        self.fc = nn.Linear(prev, classes)
        self.act = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(),
                    "leaky-relu": nn.LeakyReLU(negative_slope)}[activation]

    def forward(self, x):
        x = torch.flatten(x, 1)
        for layer in self.layers:
            x = self.act(layer(x))
        return self.fc(x)


# ---- cnn-small ----
class CnnSmall(nn.Module):
    def __init__(self, shape, channels, classes):
        super().__init__()
        c, h, w = shape
        self.blocks = len(channels)
        for i, out in enumerate(channels):
            setattr(self, f"conv{i + 1}", nn.Conv2d(c, out, 3, padding=1, bias=False))
            setattr(self, f"bn{i + 1}", nn.BatchNorm2d(out))
            c, h, w = out, h // 2, w // 2
        self.fc = nn.Linear(c * h * w, classes)

    def forward(self, x):
        for i in range(self.blocks):
            x = F.max_pool2d(F.relu(getattr(self, f"bn{i + 1}")(getattr(self, f"conv{i + 1}")(x))), 2)
        return self.fc(torch.flatten(x, 1))


# ---- CIFAR ResNet, akamaster/pytorch_resnet_cifar10 with option A shortcuts ----
class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:  # option A: subsample, zero-pad channels
            self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4), "constant", 0))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNetCifar(nn.Module):
    def __init__(self, depth, in_channels, classes):
        super().__init__()
        n = (depth - 2) // 6
        self.in_planes = 16
        self.conv1 = nn.Conv2d(in_channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._stage(16, n, 1)
        self.layer2 = self._stage(32, n, 2)
        self.layer3 = self._stage(64, n, 2)
        self.linear = nn.Linear(64, classes)

    def _stage(self, planes, n, stride):
        blocks = []
        for s in [stride] + [1] * (n - 1):
            blocks.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*blocks)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.adaptive_avg_pool2d(out, 1)
        return self.linear(torch.flatten(out, 1))


# ---- VGG-BN for small images ----
VGG_CFGS = {
    "vgg11-bn": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16-bn": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


class VGG(nn.Module):
    def __init__(self, cfg, shape, classes):
        super().__init__()
        c, h, w = shape
        layers = []
        for v in cfg:
            if v == "M":
                if min(h, w) >= 2:
                    layers.append(nn.MaxPool2d(2, 2))
                    h, w = h // 2, w // 2
                else:
                    layers.append(nn.Identity())  # keeps torchvision's indices on tiny inputs
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


# ---- MobileNetV2, torchvision layout with CIFAR strides ----
def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_relu6(inp, out, kernel, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(inp, out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(out), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        hidden = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(conv_bn_relu6(inp, hidden, 1))
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                   nn.Conv2d(hidden, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    SETTINGS = [[1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]

    def __init__(self, in_channels, classes, width=1.0):
        super().__init__()
        inp = make_divisible(32 * width)
        last = make_divisible(1280 * max(1.0, width))
        features = [conv_bn_relu6(in_channels, inp, 3, 1)]
        for t, c, n, s in self.SETTINGS:
            out = make_divisible(c * width)
            for i in range(n):
                features.append(InvertedResidual(inp, out, s if i == 0 else 1, t))
                inp = out
        features.append(conv_bn_relu6(inp, last, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Identity(), nn.Linear(last, classes))  # index 0: torchvision's Dropout

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


RESNET_DEPTHS = {"resnet20": 20, "resnet32": 32, "resnet56": 56}


def build(spec):
    """The torch twin of terrain's buildModel(spec); defaults match src/ir/zoo."""
    arch, o, shape, classes = spec["arch"], spec.get("options", {}) or {}, spec["inputShape"], spec["classes"]
    if arch == "mlp":
        features = 1
        for d in shape:
            features *= d
        return MLP(features, o.get("widths", [128, 64]), classes, o.get("activation", "relu"), o.get("negativeSlope", 0.01))
    if arch == "cnn-small":
        return CnnSmall(shape, o.get("channels", [16, 32]), classes)
    if arch in RESNET_DEPTHS:
        return ResNetCifar(RESNET_DEPTHS[arch], shape[0], classes)
    if arch in VGG_CFGS:
        return VGG(VGG_CFGS[arch], shape, classes)
    if arch == "mobilenetv2":
        return MobileNetV2(shape[0], classes, o.get("width", 1.0))
    raise ValueError(f"unknown arch {arch}")


def load_weights(model, tensors):
    """strict=True load of terrain tensors; num_batches_tracked (not stored by terrain) comes from the model."""
    state = {k: torch.from_numpy(v) for k, v in tensors.items()}
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked") and k not in state:
            state[k] = v
    model.load_state_dict(state, strict=True)


def describe(model):
    params = [[n, list(p.shape)] for n, p in model.named_parameters()]
    buffers = [[n, list(b.shape)] for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")]
    return params, buffers


def compare(manifest_path, out_path):
    torch.manual_seed(0)
    with open(manifest_path) as f:
        manifest = json.load(f)
    results = {}
    for entry in manifest:
        model = build(entry["spec"])
        params, buffers = describe(model)
        tensors, _ = st_io.read(entry["weights"])
        load_weights(model, tensors)
        model.eval()
        x, _ = st_io.read(entry["input"])
        with torch.no_grad():
            logits = model(torch.from_numpy(x["input"]))
        results[entry["id"]] = {"params": params, "buffers": buffers,
                                "count": sum(p.numel() for p in model.parameters()),
                                "logits": logits.double().flatten().tolist()}
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: zoo.py compare MANIFEST.json OUT.json")
