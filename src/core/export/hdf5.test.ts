// HDF5 in loss-landscape's layout: read back by h5wasm, and by h5py running loss-landscape's own indexing (the
// fill loop of plot_surface.crunch with scheduler.get_unplotted_indices, and plot_2D's meshgrid pairing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { readLandscapeH5, writeLandscapeH5, type CurveLandscape, type SurfaceLandscape } from './index.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const PY = pythonPath();
const hasH5py = pythonHas('h5py', 'numpy');

// Non-square and not symmetric in x and y: a transposed or misread grid cannot pass.
const F_TEXT = '1 + x + 10 * y + 0.5 * x * y';
const f = (x: number, y: number): number => 1 + x + 10 * y + 0.5 * x * y;
const acc = (x: number, y: number): number => 0.5 + 0.1 * x - y;
const MISSING = { i: 2, j: 1 };

function surface(x: number[], y: number[]): SurfaceLandscape {
  const at = (g: (x: number, y: number) => number) => y.flatMap((b, j) => x.map((a, i) => (i === MISSING.i && j === MISSING.j ? null : g(a, b))));
  return { kind: 'surface', x, y, loss: at(f), accuracy: at(acc) };
}
const X = [-1, -0.5, 0, 0.5, 1], Y = [-0.2, 0, 0.2];

async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-h5-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('h5wasm reads back LL names, float64, shape (nx, ny), x-fastest values, accuracy in percent', async () => {
  await inTemp(async (dir) => {
    const path = join(dir, 's.h5');
    const s = surface(X, Y);
    await writeLandscapeH5(path, s, { split: 'train', attributes: { terrain_source: 'unit test' } });
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'r');
    try {
      assert.deepEqual(file.keys().sort(), ['train_acc', 'train_loss', 'xcoordinates', 'ycoordinates']);
      const ds = (name: string) => file.get(name) as InstanceType<typeof h5wasm.Dataset>;
      assert.deepEqual([ds('train_loss').shape, ds('train_loss').dtype, ds('xcoordinates').dtype], [[5, 3], '<d', '<d']);
      const loss = ds('train_loss').value as Float64Array, pct = ds('train_acc').value as Float64Array;
      const k = 2 * X.length + 4; // (i=4, j=2)
      assert.equal(loss[k], f(X[4]!, Y[2]!));
      assert.equal(pct[k], 100 * acc(X[4]!, Y[2]!));
      assert.ok(Number.isNaN(loss[MISSING.j * X.length + MISSING.i]!), 'a missing point is NaN');
      assert.equal(file.attrs['terrain_source']!.value, 'unit test');
    } finally { file.close(); }

    const back = await readLandscapeH5(path);
    assert.equal(back.prefix, 'train');
    assert.deepEqual({ ...back, prefix: undefined, accuracy: undefined }, { ...s, prefix: undefined, accuracy: undefined });
    back.accuracy!.forEach((v, k) => (v === null ? assert.equal(s.accuracy![k], null) : assert.ok(Math.abs(v - s.accuracy![k]!) < 1e-15)));
  });
});

test('a test-split curve: xcoordinates, test_loss, test_acc of shape (n,)', async () => {
  await inTemp(async (dir) => {
    const c: CurveLandscape = { kind: 'curve', lambdas: [-1, 0, 1, 2], loss: [3, 1, null, 4], accuracy: [0.25, 0.5, null, 1] };
    await writeLandscapeH5(join(dir, 'c.h5'), c, { split: 'test' });
    const back = await readLandscapeH5(join(dir, 'c.h5'));
    assert.deepEqual(back, { ...c, prefix: 'test' });
  });
});

test('h5py and loss-landscape indexing agree with the analytic surface', async (t) => {
  if (!hasH5py) return t.skip(crossCheckSkip('h5py', 'numpy'));
  await inTemp(async (dir) => {
    const files = { rect: join(dir, 'rect.h5'), square: join(dir, 'square.h5') };
    await writeLandscapeH5(files.rect, surface(X, Y));
    const S = [-1, 0, 1, 2];
    await writeLandscapeH5(files.square, surface(S, S));
    // LL's fill loop, verbatim in its indexing: values allocated (nx, ny), point k of meshgrid(x, y) stored at
    // ravel()[k]. Then plot_2D's reading: Z = values, X, Y = meshgrid(x, y), which only fits square grids.
    const r = spawnSync(PY, ['-c', `
import sys, json, h5py, numpy as np
def f(x, y): return ${F_TEXT}
out = {}
with h5py.File(sys.argv[1], 'r') as h:
    x, y, z, acc = h['xcoordinates'][:], h['ycoordinates'][:], h['train_loss'][:], h['train_acc'][:]
    want = -np.ones(shape=(len(x), len(y)))
    xm, ym = np.meshgrid(x, y)
    for k in range(want.size): want.ravel()[k] = f(xm.ravel()[k], ym.ravel()[k])
    want.ravel()[${MISSING.j} * len(x) + ${MISSING.i}] = np.nan
    out['rect'] = [list(z.shape), str(z.dtype), bool(np.allclose(z, want, rtol=0, atol=1e-12, equal_nan=True)),
                   float(acc.reshape(len(y), len(x))[2, 4])]
with h5py.File(sys.argv[2], 'r') as h:
    X, Y = np.meshgrid(h['xcoordinates'][:], h['ycoordinates'][:])
    Z = h['train_loss'][:]
    ok = np.isnan(Z) | np.isclose(Z, f(X, Y), rtol=0, atol=1e-12)
    out['square'] = [bool(ok.all()), int(np.isnan(Z).sum())]
print(json.dumps(out))`, files.rect, files.square], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { rect: [number[], string, boolean, number]; square: [boolean, number] };
    assert.deepEqual(out.rect.slice(0, 3), [[X.length, Y.length], 'float64', true]);
    assert.ok(Math.abs(out.rect[3] - 100 * acc(X[4]!, Y[2]!)) < 1e-12, `train_acc at (x[4], y[2]) = ${out.rect[3]}`);
    assert.deepEqual(out.square, [true, 1]);
  });
});
