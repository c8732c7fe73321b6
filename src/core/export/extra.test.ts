import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { writeLandscapeH5 } from './hdf5.js';
import { landscapeCsv, landscapeFromResult, landscapeVtp } from './landscape.js';

const plain = { kind: 'surface', x: [0, 1], y: [0, 1], loss: [[1, 2], [3, 4]], accuracy: [[0.5, 0.5], [0.25, 0]] };

test('--refine and --tolerance fields become extra columns and arrays; a plain result exports as before', () => {
  const before = landscapeCsv(landscapeFromResult(plain, 'r.json'));
  assert.equal(before.split('\n')[0], 'x,y,loss,accuracy,loss_stderr');
  const refined = { ...plain, measured: [[true, false], [false, true]], interpolationBound: [[0, 0.1], [0.2, 0]], lossSampleStderr: [[0, 0.01], [0.02, 0]] };
  const l = landscapeFromResult(refined, 'r.json');
  const lines = landscapeCsv(l).trim().split('\n');
  assert.equal(lines[0], 'x,y,loss,accuracy,loss_stderr,loss_sample_stderr,measured,interpolation_bound');
  assert.equal(lines[2], '1,0,2,0.5,,0.01,0,0.1');
  const vtp = landscapeVtp(l);
  for (const name of ['measured', 'interpolation_bound', 'loss_sample_stderr']) assert.match(vtp, new RegExp(`Name="${name}"`));
  assert.throws(() => landscapeFromResult({ ...plain, measured: [[true], [false, true]] }, 'r.json'), /'measured\[0\]' should hold 2 values/);
});

test('a --tolerance curve\'s loss covariance goes into the HDF5 export as an n × n dataset', async () => {
  // Not symmetric on purpose: a transposed write would show.
  const covariance = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  const curve = { kind: 'curve', lambdas: [-1, 0, 1], loss: [2, 1, 2], lossCovariance: covariance };
  const l = landscapeFromResult(curve, 'r.json');
  assert.throws(() => landscapeFromResult({ ...curve, lossCovariance: [[1, 2]] }, 'r.json'), /'lossCovariance' should have 3 rows/);
  const dir = await mkdtemp(join(tmpdir(), 'terrain-cov-'));
  try {
    const path = join(dir, 'c.h5');
    await writeLandscapeH5(path, l);
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'r');
    try {
      const d = file.get('train_loss_covariance') as InstanceType<typeof h5wasm.Dataset>;
      assert.deepEqual(d.shape, [3, 3]);
      assert.deepEqual(Array.from(d.value as Float64Array), covariance.flat());
    } finally {
      file.close();
    }
    const plainPath = join(dir, 'p.h5');
    await writeLandscapeH5(plainPath, landscapeFromResult({ ...curve, lossCovariance: undefined }, 'r.json'));
    const plainFile = new h5wasm.File(plainPath, 'r');
    try { assert.equal(plainFile.get('train_loss_covariance'), null); } finally { plainFile.close(); }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
