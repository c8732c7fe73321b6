"""Checks crosscheck.py against ground truth it does not share code with: a hand-written numpy backprop for a tanh
MLP, central finite differences in float64 for a BN network in train mode, and the running-stat update formula
applied to an independently computed first convolution."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

import crosscheck
import st_io
import zoo


def run(tmp, spec, weights, x, y, bn, dtype="float64"):
    paths = {k: os.path.join(tmp, k) for k in ["w.safetensors", "x.npy", "y.npy", "g.safetensors"]}
    st_io.write(paths["w.safetensors"], weights)
    np.save(paths["x.npy"], x)
    np.save(paths["y.npy"], y)
    argv = ["--spec", json.dumps(spec), "--weights", paths["w.safetensors"], "--input", paths["x.npy"],
            "--labels", paths["y.npy"], "--bn", bn, "--grads", paths["g.safetensors"], "--dtype", dtype]
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        # In-process (importing torch once per suite keeps it fast); the TypeScript test runs the real CLI.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            crosscheck.main(argv)
    except SystemExit as e:
        return e.code, stderr.getvalue(), None
    out = json.loads(stdout.getvalue().strip().splitlines()[-1])
    grads, meta = st_io.read(out["gradients"])
    return 0, out, grads


def random_weights(spec, seed):
    """Random weights in the model's own names, with non-trivial BN running stats."""
    g = np.random.default_rng(seed)
    model = zoo.build(spec)
    w = {}
    for n, t in model.state_dict().items():
        if n.endswith("num_batches_tracked"):
            continue
        if n.endswith("running_var"):
            w[n] = g.uniform(0.5, 2.0, t.shape).astype(np.float32)
        else:
            w[n] = (g.standard_normal(t.shape) * 0.5).astype(np.float32)
    return w


class CrossCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_tanh_mlp_matches_hand_backprop(self):
        spec = {"arch": "mlp", "options": {"widths": [5], "activation": "tanh"}, "inputShape": [4], "classes": 3}
        w = random_weights(spec, 1)
        g = np.random.default_rng(2)
        x = g.standard_normal((6, 4)).astype(np.float32)
        y = np.array([0, 1, 2, 2, 1, 0], dtype=np.int64)
        code, out, grads = run(self.tmp.name, spec, w, x, y, "eval")
        self.assertEqual(code, 0, out)
        # numpy forward/backward in float64
        W1, b1, W2, b2 = (w[k].astype(np.float64) for k in ["layers.0.weight", "layers.0.bias", "fc.weight", "fc.bias"])
        xd = x.astype(np.float64)
        h = np.tanh(xd @ W1.T + b1)
        z = h @ W2.T + b2
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        n = len(y)
        loss = -np.log(p[np.arange(n), y]).mean()
        dz = p.copy()
        dz[np.arange(n), y] -= 1
        dz /= n
        dh = dz @ W2 * (1 - h ** 2)
        expected = {"layers.0.weight": dh.T @ xd, "layers.0.bias": dh.sum(0), "fc.weight": dz.T @ h, "fc.bias": dz.sum(0)}
        self.assertAlmostEqual(out["loss"], loss, places=12)
        self.assertEqual(out["parameters"], ["layers.0.weight", "layers.0.bias", "fc.weight", "fc.bias"])
        self.assertEqual(list(grads.keys()), out["parameters"])
        for k, v in expected.items():
            np.testing.assert_allclose(grads[k], v, rtol=1e-10, atol=1e-13, err_msg=k)
        self.assertNotIn("running_stats", out)
        self.assertEqual(out["correct"], int((z.argmax(1) == y).sum()))

    def test_train_mode_gradients_match_finite_differences_and_running_stats_update(self):
        spec = {"arch": "cnn-small", "options": {"channels": [3, 4]}, "inputShape": [2, 6, 6], "classes": 4}
        w = random_weights(spec, 3)
        g = np.random.default_rng(4)
        x = g.standard_normal((5, 2, 6, 6)).astype(np.float32)
        y = np.array([0, 1, 2, 3, 1], dtype=np.int64)
        code, out, grads = run(self.tmp.name, spec, w, x, y, "train")
        self.assertEqual(code, 0, out)

        model = zoo.build(spec).double()
        zoo.load_weights(model, {k: v.astype(np.float64) for k, v in w.items()})
        model.train()
        params = dict(model.named_parameters())
        xt, yt = torch.from_numpy(x).double(), torch.from_numpy(y)

        def loss_at():
            with torch.no_grad():
                return F.cross_entropy(model(xt), yt).item()

        self.assertAlmostEqual(out["loss"], loss_at(), places=10)
        picks = np.random.default_rng(5)
        for name in out["parameters"]:
            flat = params[name].data.view(-1)
            for i in picks.choice(flat.numel(), size=min(3, flat.numel()), replace=False):
                old = flat[i].item()
                h = 1e-6
                flat[i] = old + h
                up = loss_at()
                flat[i] = old - h
                down = loss_at()
                flat[i] = old
                fd = (up - down) / (2 * h)
                self.assertAlmostEqual(grads[name].reshape(-1)[i], fd, delta=1e-7 + 1e-6 * abs(fd), msg=f"{name}[{i}]")

        # bn1's input is conv1(x): compute it independently and apply PyTorch's documented update rule.
        c1 = F.conv2d(xt, torch.from_numpy(w["conv1.weight"]).double(), padding=1).numpy()
        mean = c1.mean(axis=(0, 2, 3))
        var = c1.var(axis=(0, 2, 3), ddof=1)
        rs = out["running_stats"]
        np.testing.assert_allclose(rs["bn1.running_mean"], 0.9 * w["bn1.running_mean"].astype(np.float64) + 0.1 * mean, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(rs["bn1.running_var"], 0.9 * w["bn1.running_var"].astype(np.float64) + 0.1 * var, rtol=1e-12, atol=1e-12)
        self.assertEqual(sorted(rs), sorted(["bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var"]))

    def test_float32_default_and_bad_input_exit_2(self):
        spec = {"arch": "mlp", "options": {"widths": [3]}, "inputShape": [4], "classes": 2}
        w = random_weights(spec, 6)
        x = np.ones((2, 4), np.float32)
        code, out, grads = run(self.tmp.name, spec, w, x, np.array([0, 1]), "eval", dtype="float32")
        self.assertEqual(code, 0, out)
        self.assertEqual(grads["fc.weight"].dtype, np.float32)
        code, err, _ = run(self.tmp.name, spec, w, np.ones((2, 5), np.float32), np.array([0, 1]), "eval")
        self.assertEqual(code, 2)
        self.assertIn("expected [N, 4]", err)
        code, err, _ = run(self.tmp.name, spec, w, x, np.array([0, 2]), "eval")
        self.assertEqual(code, 2)
        self.assertIn("labels must lie in [0, 2)", err)
        code, err, _ = run(self.tmp.name, spec, {k: v for k, v in w.items() if k != "fc.bias"}, x, np.array([0, 1]), "eval")
        self.assertEqual(code, 2)
        self.assertIn("fc.bias", err)


if __name__ == "__main__":
    unittest.main()
