// A result with NaN, +∞ and −∞ (as result.json writes them) keeps the three apart in CSV, NPY, VTK and HDF5, read
// back by independent readers (NumPy) where they are installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { landscapeCsv, landscapeFromResult, landscapeNpy, landscapeVtp, readLandscapeH5, writeLandscapeH5 } from './index.js';
import { parseWithNonFinite, stringifyWithNonFinite } from '../runs/non-finite.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const PY = pythonPath();
const hasNumpy = pythonHas('numpy');
const LOSS = [1, NaN, Infinity, -Infinity, null];
const json = { kind: 'curve', lambdas: [-1, -0.5, 0, 0.5, 1], loss: LOSS, accuracy: [0.5, 0.5, 0.5, 0.5, 0.5] };
// What result.json holds, as text and as the exporter reads it without decoding (tokens still strings).
const asWritten = JSON.parse(stringifyWithNonFinite(json)) as unknown;

function same(got: readonly (number | null)[], want: readonly (number | null)[], what: string): void {
  assert.equal(got.length, want.length, what);
  want.forEach((w, k) => assert.ok(Object.is(got[k], w), `${what}[${k}]: ${got[k]}, expected ${w}`));
}

test('result.json tokens are read as the numbers; null stays missing', () => {
  same(landscapeFromResult(asWritten, 'r.json').loss, LOSS, 'loss from tokens');
  same(landscapeFromResult(parseWithNonFinite(stringifyWithNonFinite(json)), 'r.json').loss, LOSS, 'loss from decoded JSON');
});

test('CSV and VTK write NaN, Infinity, -Infinity; NPY holds the IEEE values; NumPy reads all three back', (t) => {
  const l = landscapeFromResult(asWritten, 'r.json');
  const csv = landscapeCsv(l);
  assert.deepEqual(csv.trim().split('\n').slice(1).map((r) => r.split(',')[1]), ['1', 'NaN', 'Infinity', '-Infinity', '']);
  assert.match(landscapeVtp(l), /Name="loss" format="ascii">1 NaN Infinity -Infinity NaN</);
  const npy = landscapeNpy(l);
  const at = (row: number): number => npy.readDoubleLE(npy.length - 8 * 4 * (5 - row) + 8);
  assert.ok(Number.isNaN(at(1)) && at(2) === Infinity && at(3) === -Infinity && Number.isNaN(at(4)));
  if (!hasNumpy) return t.skip(crossCheckSkip('numpy'));
  const dir = mkdtempSync(join(tmpdir(), 'terrain-nonfinite-export-'));
  try {
    writeFileSync(join(dir, 'r.csv'), csv);
    writeFileSync(join(dir, 'r.npy'), npy);
    const code = `import numpy as np, sys, json
c = np.genfromtxt(sys.argv[1] + '/r.csv', delimiter=',', names=True)['loss']
n = np.load(sys.argv[1] + '/r.npy')[:, 1]
k = lambda a: [('nan' if np.isnan(v) else 'inf' if v == np.inf else '-inf' if v == -np.inf else float(v)) for v in a]
print(json.dumps([k(c), k(n)]))`;
    const r = spawnSync(PY, ['-c', code, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [[1, 'nan', 'inf', '-inf', 'nan'], [1, 'nan', 'inf', '-inf', 'nan']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HDF5 stores the IEEE values (±∞ read back as themselves; NaN is LL\'s missing value)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-nonfinite-h5-'));
  try {
    const path = join(dir, 'r.h5');
    await writeLandscapeH5(path, landscapeFromResult(asWritten, 'r.json'));
    same((await readLandscapeH5(path)).loss, [1, null, Infinity, -Infinity, null], 'loss from HDF5');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
