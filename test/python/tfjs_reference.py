"""Forward pass of a TF.js LayersModel (model.json + weight shards) in plain numpy, written from the Keras layer
definitions in channels-last layout (no transposes, no ONNX): an independent reference for terrain's TF.js import.

    /usr/bin/python3 test/python/tfjs_reference.py MODEL.json X.npy OUT.json

X.npy holds the input as terrain feeds it (N, C, H, W) or (N, F); OUT.json gets {"logits": [...], "probabilities": [...]}
(logits: the last layer before a final softmax activation; probabilities: the model's actual output).
"""
import json
import math
import os
import sys

import numpy as np


def load_weights(model_path, manifest):
    weights = {}
    base = os.path.dirname(model_path)
    for group in manifest:
        data = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"], dtype=np.int64))
            weights[w["name"]] = np.frombuffer(data, dtype="<f4", count=n, offset=offset).reshape(w["shape"]).astype(np.float64)
            offset += 4 * n
    return weights


def same_pads(size, kernel, stride, dilation=1):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return out, total // 2, total - total // 2


def windows(x, kh, kw, sh, sw, padding, dh=1, dw=1, fill=0.0):
    """Yields (i, j, patch) for each output position; patch is (N, kh, kw, C) with padding filled by `fill`."""
    n, h, w, c = x.shape
    if padding == "same":
        oh, top, bottom = same_pads(h, kh, sh, dh)
        ow, left, right = same_pads(w, kw, sw, dw)
    else:
        oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
        top = bottom = left = right = 0
    xp = np.full((n, h + top + bottom, w + left + right, c), fill)
    xp[:, top:top + h, left:left + w, :] = x
    for i in range(oh):
        for j in range(ow):
            yield i, j, xp[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw, :], (oh, ow)


def pair(v, default):
    if v is None:
        return (default, default)
    return (v, v) if isinstance(v, int) else tuple(v)


def activation(x, name):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "relu6":
        return np.clip(x, 0, 6)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    if name in ("swish", "silu"):
        return x / (1 + np.exp(-x))
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"activation {name}")


def conv(x, kernel, bias, cfg, depthwise):
    kh, kw = kernel.shape[:2]
    sh, sw = pair(cfg.get("strides"), 1)
    dh, dw = pair(cfg.get("dilation_rate"), 1)
    cols = []
    for i, j, patch, (oh, ow) in windows(x, kh, kw, sh, sw, cfg.get("padding", "valid"), dh, dw):
        if depthwise:  # out[c*M + m] = Σ x[c]·k[:, :, c, m]
            y = np.einsum("nhwc,hwcm->ncm", patch, kernel).reshape(x.shape[0], -1)
        else:
            y = np.einsum("nhwc,hwco->no", patch, kernel)
        cols.append((i, j, y))
    out = np.zeros((x.shape[0], oh, ow, cols[0][2].shape[1]))
    for i, j, y in cols:
        out[:, i, j, :] = y
    if bias is not None:
        out = out + bias
    return out


def pool(x, cfg, kind):
    kh, kw = pair(cfg.get("pool_size"), 2)
    sh, sw = pair(cfg.get("strides") or cfg.get("pool_size"), 2)
    fill = -np.inf if kind == "max" else np.nan
    res = {}
    for i, j, patch, (oh, ow) in windows(x, kh, kw, sh, sw, cfg.get("padding", "valid"), fill=fill):
        res[(i, j)] = patch.max(axis=(1, 2)) if kind == "max" else np.nanmean(patch, axis=(1, 2))  # TF averages valid cells
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for (i, j), v in res.items():
        out[:, i, j, :] = v
    return out


def run(model_path, x):
    with open(model_path) as f:
        model = json.load(f)
    topo = model["modelTopology"]
    topo = topo.get("model_config", topo)
    weights = load_weights(model_path, model["weightsManifest"])
    cfg = topo["config"]
    layers = cfg["layers"] if isinstance(cfg, dict) else cfg

    def weight(layer, key):
        hits = [k for k in weights if k == f"{layer}/{key}" or k.endswith(f"/{layer}/{key}")]
        return weights[hits[0]] if hits else None

    if topo["class_name"] == "Sequential":
        order = [(l, None) for l in layers]
        outputs_of = None
        out_name = layers[-1]["config"]["name"]
    else:
        order = [(l, [ref[0] for ref in l["inbound_nodes"][0]] if l["inbound_nodes"] else []) for l in layers]
        out_name = cfg["output_layers"][0][0]
    values, prev, pre_softmax = {}, x, {}
    for layer, inbound in order:
        cls, c = layer["class_name"], layer["config"]
        name = layer.get("name", c.get("name"))
        ins = [prev] if inbound is None else [values[i] for i in inbound]
        if cls == "InputLayer":
            y = x
        elif cls == "Dense":
            y = ins[0] @ weight(name, "kernel") + (weight(name, "bias") if c.get("use_bias", True) else 0)
            pre_softmax[name] = y
            y = activation(y, c.get("activation"))
        elif cls in ("Conv2D", "DepthwiseConv2D"):
            k = weight(name, "depthwise_kernel" if cls == "DepthwiseConv2D" else "kernel")
            y = conv(ins[0], k, weight(name, "bias") if c.get("use_bias", True) else None, c, cls == "DepthwiseConv2D")
            pre_softmax[name] = y
            y = activation(y, c.get("activation"))
        elif cls == "BatchNormalization":
            eps = c.get("epsilon", 1e-3)
            g = weight(name, "gamma") if c.get("scale", True) else 1
            b = weight(name, "beta") if c.get("center", True) else 0
            y = (ins[0] - weight(name, "moving_mean")) / np.sqrt(weight(name, "moving_variance") + eps) * g + b
        elif cls == "Activation":
            pre_softmax[name] = ins[0]
            y = activation(ins[0], c["activation"])
        elif cls == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif cls in ("MaxPooling2D", "AveragePooling2D"):
            y = pool(ins[0], c, "max" if cls == "MaxPooling2D" else "avg")
        elif cls == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(1, 2))
        elif cls == "GlobalMaxPooling2D":
            y = ins[0].max(axis=(1, 2))
        elif cls == "Add":
            y = sum(ins)
        elif cls == "Concatenate":
            y = np.concatenate(ins, axis=c.get("axis", -1))
        elif cls == "Dropout":
            y = ins[0]
        else:
            raise ValueError(f"layer class {cls}")
        values[name] = y
        prev = y
    out = values[out_name]
    last = next(l for l, _ in order if l.get("name", l["config"].get("name")) == out_name)
    softmax_last = last["config"].get("activation") == "softmax"
    return (pre_softmax[out_name] if softmax_last else out), out


def main(model_path, x_path, out_path):
    x = np.load(x_path).astype(np.float64)
    if x.ndim == 4:
        x = x.transpose(0, 2, 3, 1)  # terrain feeds NCHW; Keras computes NHWC
    logits, probs = run(model_path, x)
    with open(out_path, "w") as f:
        json.dump({"logits": logits.ravel().tolist(), "probabilities": probs.ravel().tolist()}, f)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: tfjs_reference.py MODEL.json X.npy OUT.json")
    main(*sys.argv[1:])
