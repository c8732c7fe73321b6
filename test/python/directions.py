"""Reference implementations for src/core/directions, run by its tests with /usr/bin/python3.

  directions.py normalize IN.safetensors OUT.safetensors
      IN: theta/<name>, noise/<name> (float32), the same names and shapes as the model.
      OUT: <norm>,<bias-bn>,<scale>/<name> (float64) for every norm × bias-bn × scale in {1, -0.75}:
      Norm / LayNorm / FilNorm (Li et al. 2018), loss-landscape's weight / dfilter / dlayer, and the bias-bn
      policies (copy: loss-landscape's d.copy_(w) for 1-D tensors), written in PyTorch in the style of the
      reference code (loop over tensors, then over output filters), in float64.
  directions.py pca IN.safetensors OUT.safetensors
      IN: center (float32 [P]), points (float32 [n, P]).
      OUT: singular_values, explained_variance_ratio, directions [2, P], coordinates [n, 2], distances [n]
      from numpy's dense float64 SVD of M = points - center (no mean-centring).

safetensors is read and written by hand (8-byte header length, JSON header, raw little-endian bytes) because the
Debian image has no safetensors package; this also checks terrain's writer against the format itself.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    body = raw[8 + n:]
    out = {}
    for name, entry in header.items():
        a, b = entry["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        blob = arr.tobytes()
        header[name] = {"dtype": "F64", "shape": list(arr.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def safe_ratio(w_norm, d_norm):
    # A zero filter (or zero noise) gives a zero direction instead of the reference code's 1e-10 epsilon.
    if w_norm == 0 or d_norm == 0:
        return 0.0
    return w_norm / d_norm


def normalized(noise, theta, norm, bias_bn, scale):
    import torch
    d = {k: torch.tensor(v, dtype=torch.float64) for k, v in noise.items()}
    w = {k: torch.tensor(v, dtype=torch.float64) for k, v in theta.items()}
    weights = [k for k in d if d[k].dim() >= 2]
    if norm == "norm":
        w_all = torch.sqrt(sum((w[k] ** 2).sum() for k in weights)).item() if weights else 0.0
        d_all = torch.sqrt(sum((d[k] ** 2).sum() for k in weights)).item() if weights else 0.0
    out = {}
    for k in d:
        dk, wk = d[k].clone(), w[k]
        if dk.dim() <= 1:
            if bias_bn == "zero":
                dk.zero_()
            elif bias_bn == "norm":
                dk.mul_(safe_ratio(wk.norm().item(), dk.norm().item()))
            elif bias_bn == "copy":
                dk.copy_(wk)
        elif norm == "filter":
            for df, wf in zip(dk, wk):
                df.mul_(safe_ratio(wf.norm().item(), df.norm().item()))
        elif norm == "layer":
            dk.mul_(safe_ratio(wk.norm().item(), dk.norm().item()))
        elif norm == "norm":
            dk.mul_(safe_ratio(w_all, d_all))
        elif norm == "weight":
            dk.mul_(wk)
        elif norm == "dfilter":
            for df in dk:
                df.mul_(safe_ratio(1.0, df.norm().item()))
        elif norm == "dlayer":
            dk.mul_(safe_ratio(1.0, dk.norm().item()))
        out[k] = (dk * scale).numpy()
    return out


def cmd_normalize(src, dst):
    t = read_safetensors(src)
    theta = {k[len("theta/"):]: v for k, v in t.items() if k.startswith("theta/")}
    noise = {k[len("noise/"):]: v for k, v in t.items() if k.startswith("noise/")}
    result = {}
    for norm in ["filter", "layer", "norm", "none", "weight", "dfilter", "dlayer"]:
        for bias_bn in ["zero", "keep", "norm", "copy"]:
            for scale in [1.0, -0.75]:
                for name, arr in normalized(noise, theta, norm, bias_bn, scale).items():
                    result[f"{norm},{bias_bn},{scale:g}/{name}"] = arr
    write_safetensors(dst, result)


def cmd_pca(src, dst):
    t = read_safetensors(src)
    m = t["points"].astype(np.float64) - t["center"].astype(np.float64)[None, :]
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    dirs = vt[:2]
    coords = m @ dirs.T
    resid = m - coords @ dirs
    write_safetensors(dst, {
        "singular_values": s,
        "explained_variance_ratio": s ** 2 / np.sum(s ** 2),
        "directions": dirs,
        "coordinates": coords,
        "distances": np.linalg.norm(resid, axis=1),
    })


if __name__ == "__main__":
    commands = {"normalize": cmd_normalize, "pca": cmd_pca}
    if len(sys.argv) != 4 or sys.argv[1] not in commands:
        sys.exit(f"usage: directions.py {{{'|'.join(commands)}}} IN.safetensors OUT.safetensors")
    commands[sys.argv[1]](sys.argv[2], sys.argv[3])
