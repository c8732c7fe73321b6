// CSV, NPY and VTP of curves and surfaces, read back by independent readers (NumPy, Python's XML parser), and the
// result.json checks that name the field at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportError, landscapeCsv, landscapeFromResult, landscapeNpy, landscapeVtp, npyFloat64, toCsv, type SurfaceLandscape } from './index.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const PY = pythonPath();
const hasNumpy = pythonHas('numpy');

async function python(code: string, file: string, body: Buffer | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-export-fmt-'));
  try {
    await writeFile(join(dir, file), body);
    const r = spawnSync(PY, ['-c', code, join(dir, file)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// A non-square grid and a function that is not symmetric in x and y, so a transposed grid cannot pass.
const X = [-1, -0.5, 0, 0.5, 1], Y = [-0.2, 0, 0.2];
const f = (x: number, y: number): number => 1 + x + 10 * y + 0.5 * x * y;
const surfaceJson = () => ({ kind: 'surface', x: X, y: Y, loss: Y.map((y) => X.map((x) => f(x, y))), accuracy: Y.map((y) => X.map((x) => 0.5 + 0.1 * x - y)) });

test('npy: header layout by the format spec, values round-trip through NumPy', async (t) => {
  const buf = npyFloat64([2, 3], [1, -2.5, null, 1e-300, 4, 5]);
  assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const headerLen = buf.readUInt16LE(8);
  assert.equal((10 + headerLen) % 64, 0, 'data starts on a 64-byte boundary');
  assert.equal(buf.length, 10 + headerLen + 48);
  assert.throws(() => npyFloat64([2, 2], [1, 2, 3]), /shape \[2, 2\] holds 4 values, 3 were given/);
  if (!hasNumpy) return t.skip(crossCheckSkip('numpy'));
  const out = await python('import numpy as np, sys, json; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), str(a.dtype), [None if np.isnan(v) else float(v) for v in a.ravel()]]))', 'a.npy', buf);
  assert.deepEqual(JSON.parse(out), [[2, 3], 'float64', [1, -2.5, null, 1e-300, 4, 5]]);
});

test('CSV quoting', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, null]]), 'a,b\n"x,y","say ""hi"""\n1,\n');
  assert.equal(toCsv(['v'], [[NaN], [Infinity], [-Infinity], [null]]), 'v\nNaN\nInfinity\n-Infinity\n\n');
});

test('surface from result.json: loss[j][i] at (x[i], y[j]) becomes flat index j·nx + i', () => {
  const s = landscapeFromResult(surfaceJson(), 'r.json') as SurfaceLandscape;
  assert.equal(s.kind, 'surface');
  assert.equal(s.loss.length, 15);
  assert.equal(s.loss[2 * X.length + 1], f(X[1]!, Y[2]!));
  assert.equal(s.lossStderr, undefined);
});

test('surface CSV rows x fastest, NPY [ny, nx] in NumPy, VTP quads with z = loss', async (t) => {
  const s = landscapeFromResult(surfaceJson(), 'r.json');
  const rows = landscapeCsv(s).trim().split('\n');
  assert.equal(rows[0], 'x,y,loss,accuracy,loss_stderr');
  assert.deepEqual(rows[1 + 2 * X.length + 3]!.split(',').slice(0, 3).map(Number), [X[3], Y[2], f(X[3]!, Y[2]!)]);
  assert.equal(rows[1]!.split(',')[4], '', 'no stderr: empty cells');
  if (!hasNumpy) return t.skip(crossCheckSkip('numpy'));
  const npy = JSON.parse(await python('import numpy as np, sys, json; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), a[2, 3], a[0, 4]]))', 's.npy', landscapeNpy(s)));
  assert.deepEqual(npy, [[Y.length, X.length], f(X[3]!, Y[2]!), f(X[4]!, Y[0]!)]);
  const mesh = JSON.parse(await python(`
import sys, json, xml.etree.ElementTree as ET
piece = ET.parse(sys.argv[1]).getroot().find('PolyData/Piece')
pts = [float(v) for v in piece.find('Points/DataArray').text.split()]
conn = [int(v) for v in piece.find("Polys/DataArray[@Name='connectivity']").text.split()]
acc = [float(v) for v in piece.find("PointData/DataArray[@Name='accuracy']").text.split()]
print(json.dumps([int(piece.get('NumberOfPolys')), pts[3*7:3*7+3], conn[4:8], acc[7]]))`, 's.vtp', landscapeVtp(s)));
  // Point 7 is (i=2, j=1); the second quad spans points 1, 2, 7, 6.
  assert.deepEqual(mesh, [(X.length - 1) * (Y.length - 1), [X[2], Y[1], f(X[2]!, Y[1]!)], [1, 2, 7, 6], 0.5 + 0.1 * X[2]! - Y[1]!]);
});

test('curve CSV, NPY [n, 4] and a VTP polyline skipping missing points', async (t) => {
  const c = landscapeFromResult({ kind: 'curve', lambdas: [-1, 0, 1], loss: [2, null, 3], accuracy: [0.5, 0.6, 0.7] }, 'c.json');
  assert.equal(landscapeCsv(c), 'lambda,loss,accuracy,loss_stderr\n-1,2,0.5,\n0,,0.6,\n1,3,0.7,\n');
  assert.match(landscapeVtp(c), /NumberOfLines="1"[\s\S]*Name="connectivity" format="ascii">0 2</);
  if (!hasNumpy) return t.skip(crossCheckSkip('numpy'));
  const out = await python('import numpy as np, sys, json; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), [None if np.isnan(v) else v for v in a[1]], a[2, 2]]))', 'c.npy', landscapeNpy(c));
  assert.deepEqual(JSON.parse(out), [[3, 4], [0, null, 0.6, null], 0.7]);
});

test('malformed results are refused naming the file and the field', () => {
  const bad = (json: unknown, re: RegExp) => assert.throws(() => landscapeFromResult(json, 'run/result.json'), (e: Error) => e instanceof ExportError && re.test(e.message));
  bad({ kind: 'hessian', eigenvalues: [1] }, /^run\/result\.json: 'kind' is "hessian"; export writes 'curve' and 'surface' results/);
  bad({ ...surfaceJson(), loss: surfaceJson().loss.slice(1) }, /'loss' should have 3 rows \(one per y\), found an array of 2/);
  bad({ ...surfaceJson(), accuracy: [[1], [2], [3]] }, /'accuracy\[0\]' should hold 5 values, found an array of 1/);
  bad({ kind: 'curve', lambdas: [0, 1], loss: [1, 'x'] }, /'loss\[1\]' should be a number, "NaN", "Infinity", "-Infinity" or null, found "x"/);
  bad({ kind: 'curve', loss: [1] }, /'lambdas' should be a non-empty array of finite numbers, found nothing/);
  bad([1, 2], /expected a JSON object \(a curve or surface result\), found an array of 2/);
});
