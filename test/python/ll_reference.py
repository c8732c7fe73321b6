"""loss-landscape (tomgoldstein/loss-landscape, "LL") as a reference for src/core/interop: builds the terrain zoo
model in PyTorch, makes a random direction file and computes a surface the way LL's net_plotter.py and
plot_surface.py do (their documented semantics re-stated here, not their code), writing both HDF5 files with h5py.

    ll_reference.py make SPEC_JSON WEIGHTS.safetensors DATA.safetensors OUT_DIR DIR_TYPE IGNORE NORM XRANGE YRANGE
        DATA: x (float32 [n, ...]), y (int64 [n]). DIR_TYPE weights|states; IGNORE biasbn|'' ; NORM filter|layer|...
        XRANGE/YRANGE "min:max:num". Writes OUT_DIR/dir.h5 (xdirection, ydirection) and OUT_DIR/surf.h5
        (dir_file, xcoordinates, ycoordinates, train_loss, train_acc in percent; values allocated (nx, ny), -1,
        filled through ravel()[k] at the k-th point of meshgrid(x, y)). The last point is left at -1 when
        LEAVE_LAST=1 is in the environment.
    ll_reference.py surface SPEC_JSON WEIGHTS.safetensors DATA.safetensors DIR.h5 OUT.h5 DIR_TYPE XRANGE YRANGE
        The surface along an existing direction file (e.g. one terrain exported), computed as above.
    ll_reference.py compare A.h5 B.h5
        Prints JSON {"entries": [[group, index, shape_a, shape_b, max_abs_diff], ...]} for the direction lists.
"""
import copy
import json
import os
import sys

import h5py
import numpy as np
import torch

import st_io
import zoo


def normalize_one(d, w, norm):
    # LL's normalize_direction: per output filter, per tensor, elementwise, unit filter, unit tensor.
    if norm == "filter":
        for df, wf in zip(d, w):
            df.mul_(wf.norm() / (df.norm() + 1e-10))
    elif norm == "layer":
        d.mul_(w.norm() / d.norm())
    elif norm == "weight":
        d.mul_(w)
    elif norm == "dfilter":
        for df in d:
            df.div_(df.norm() + 1e-10)
    elif norm == "dlayer":
        d.div_(d.norm())


def random_direction(tensors, ignore, norm):
    # One randn tensor per entry; 1-D (and 0-D) entries are zeroed (ignore=biasbn) or replaced by the weights.
    out = []
    for w in tensors:
        d = torch.randn(w.size())
        if d.dim() <= 1:
            if ignore == "biasbn":
                d.fill_(0)
            else:
                d.copy_(w)
        else:
            normalize_one(d, w, norm)
        out.append(d)
    return out


def write_list(f, name, direction):
    g = f.create_group(name)
    for i, t in enumerate(direction):
        g.create_dataset(str(i), data=t.numpy())


def load(spec, weights_path, data_path):
    model = zoo.build(json.loads(spec))
    weights, _ = st_io.read(weights_path)
    zoo.load_weights(model, weights)
    model.eval()
    data, _ = st_io.read(data_path)
    return model, torch.from_numpy(data["x"]), torch.from_numpy(data["y"])


def cmd_make(spec, weights_path, data_path, out_dir, dir_type, ignore, norm, xr, yr):
    torch.manual_seed(123)
    model, x, y = load(spec, weights_path, data_path)
    w = [p.data.clone() for p in model.parameters()]
    s = copy.deepcopy(model.state_dict())
    base = w if dir_type == "weights" else [v.float() if v.dim() == 0 else v for v in s.values()]
    dx, dy = random_direction(base, ignore, norm), random_direction(base, ignore, norm)
    dir_file = os.path.join(out_dir, "dir.h5")
    with h5py.File(dir_file, "w") as f:
        write_list(f, "xdirection", dx)
        write_list(f, "ydirection", dy)
    crunch(model, x, y, dx, dy, dir_type, xr, yr, dir_file, os.path.join(out_dir, "surf.h5"))


def cmd_surface(spec, weights_path, data_path, dir_file, out_file, dir_type, xr, yr):
    model, x, y = load(spec, weights_path, data_path)
    with h5py.File(dir_file, "r") as f:
        dx = [torch.tensor(f["xdirection"][str(i)][()]) for i in range(len(f["xdirection"]))]
        dy = [torch.tensor(f["ydirection"][str(i)][()]) for i in range(len(f["ydirection"]))]
    crunch(model, x, y, dx, dy, dir_type, xr, yr, dir_file, out_file)


def crunch(model, x, y, dx, dy, dir_type, xr, yr, dir_file, out_file):
    w = [p.data.clone() for p in model.parameters()]
    s = copy.deepcopy(model.state_dict())
    assert len(dx) == (len(w) if dir_type == "weights" else len(s)), "direction list length"
    (x0, x1, nx), (y0, y1, ny) = [[float(v) for v in r.split(":")] for r in (xr, yr)]
    xc, yc = np.linspace(x0, x1, num=int(nx)), np.linspace(y0, y1, num=int(ny))
    losses, accs = -np.ones((len(xc), len(yc))), -np.ones((len(xc), len(yc)))
    xm, ym = np.meshgrid(xc, yc)
    coords = np.c_[xm.ravel(), ym.ravel()]
    n = len(coords) - (1 if os.environ.get("LEAVE_LAST") == "1" else 0)
    crit = torch.nn.CrossEntropyLoss()
    for k in range(n):
        a, b = coords[k]
        if dir_type == "weights":
            for p, w0, d0, d1 in zip(model.parameters(), w, dx, dy):
                p.data = w0 + (d0 * a + d1 * b).type(w0.dtype)
        else:
            states = copy.deepcopy(s)
            for (name, v), d0, d1 in zip(states.items(), dx, dy):
                v.add_((d0 * a + d1 * b).type(v.type()))
            model.load_state_dict(states)
        model.eval()
        with torch.no_grad():
            out = model(x)
            losses.ravel()[k] = crit(out, y).item()
            accs.ravel()[k] = 100.0 * (out.argmax(1) == y).sum().item() / len(y)
    with h5py.File(out_file, "w") as f:
        f["dir_file"] = dir_file
        f["xcoordinates"] = xc
        f["ycoordinates"] = yc
        f["train_loss"] = losses
        f["train_acc"] = accs


def cmd_compare(a_path, b_path):
    entries = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for g in ("xdirection", "ydirection"):
            if g not in a:
                continue
            assert len(a[g]) == len(b[g]), f"{g}: {len(a[g])} vs {len(b[g])} entries"
            for i in range(len(a[g])):
                u, v = np.asarray(a[g][str(i)][()], dtype=np.float64), np.asarray(b[g][str(i)][()], dtype=np.float64)
                diff = float(np.max(np.abs(u - v))) if u.shape == v.shape and u.size else 0.0
                entries.append([g, i, list(u.shape), list(v.shape), diff])
    print(json.dumps({"entries": entries}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        cmd_make(*sys.argv[2:11])
    elif sys.argv[1] == "surface":
        cmd_surface(*sys.argv[2:10])
    elif sys.argv[1] == "compare":
        cmd_compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
