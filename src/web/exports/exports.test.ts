// Downloads read back by independent readers: NumPy for .npy, Python's XML parser for .vtp, a PNG decoder for .png.
// The format writers themselves are tested in src/core/export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng, inkFraction } from '../../testing/plot.js';
import { loadRun, type LoadedRun } from '../load.js';
import { CURVE_LAMBDAS, curveLoss, mineObjective, SURFACE_X, SURFACE_Y, surfaceLoss, writeFixtureRuns } from '../../testing/web.js';
import { exportRun } from './index.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const PY = pythonPath();
const hasNumpy = pythonHas('numpy');

function python(code: string, file: string): string {
  const r = spawnSync(PY, ['-c', code, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function withRuns(fn: (load: (key: string) => Promise<LoadedRun>, dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'terrain-export-'));
  try {
    const ids = await writeFixtureRuns(root);
    await fn((key) => loadRun({ id: ids[key]!, dir: join(root, ids[key]!), marker: key === 'train' ? 'train.json' : 'run.json' }), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('surface exports: CSV rows x fastest, NPY grid [ny, nx], VTP quad mesh, PNG with ink', async (t) => {
  await withRuns(async (load, dir) => {
    const run = await load('pca');
    const csv = (await exportRun(run, 'csv', 'pca')).body.toString();
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'x,y,loss,accuracy,loss_stderr');
    assert.equal(lines.length, 1 + SURFACE_X.length * SURFACE_Y.length);
    const [x, y, loss] = lines[1 + 1 * SURFACE_X.length + 7]!.split(',').map(Number);
    assert.deepEqual([x, y], [SURFACE_X[7], SURFACE_Y[1]]);
    assert.equal(loss, surfaceLoss(SURFACE_X[7]!, SURFACE_Y[1]!));

    const png = decodePng((await exportRun(run, 'png', 'pca')).body);
    assert.ok(png.width > 200 && inkFraction(png) > 0.05, `contour PNG ${png.width}×${png.height}, ink ${inkFraction(png)}`);

    const npy = await exportRun(run, 'npy', 'pca');
    const vtp = await exportRun(run, 'vtp', 'pca');
    assert.equal(vtp.filename, 'pca.vtp');
    if (!hasNumpy) return t.skip(crossCheckSkip('numpy'));
    await writeFile(join(dir, 's.npy'), npy.body);
    const grid = JSON.parse(python('import numpy as np, sys, json; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), a[1, 7]]))', join(dir, 's.npy')));
    assert.deepEqual(grid, [[SURFACE_Y.length, SURFACE_X.length], surfaceLoss(SURFACE_X[7]!, SURFACE_Y[1]!)]);
    await writeFile(join(dir, 's.vtp'), vtp.body);
    const mesh = JSON.parse(python(`
import sys, json, xml.etree.ElementTree as ET
piece = ET.parse(sys.argv[1]).getroot().find('PolyData/Piece')
pts = [float(v) for v in piece.find('Points/DataArray').text.split()]
conn = [int(v) for v in piece.find("Polys/DataArray[@Name='connectivity']").text.split()]
offs = [int(v) for v in piece.find("Polys/DataArray[@Name='offsets']").text.split()]
loss = [float(v) for v in piece.find("PointData/DataArray[@Name='loss']").text.split()]
print(json.dumps([int(piece.get('NumberOfPoints')), int(piece.get('NumberOfPolys')), len(pts), conn[:4], offs[-1], len(conn), pts[3*(11+7):3*(11+7)+3], loss[11+7]]))`, join(dir, 's.vtp')));
    const nx = SURFACE_X.length, ny = SURFACE_Y.length, quads = (nx - 1) * (ny - 1);
    const z = surfaceLoss(SURFACE_X[7]!, SURFACE_Y[1]!);
    assert.deepEqual(mesh, [nx * ny, quads, 3 * nx * ny, [0, 1, nx + 1, nx], 4 * quads, 4 * quads, [SURFACE_X[7], SURFACE_Y[1], z], z]);
  });
});

test('a running surface exports what it has: missing points empty in CSV, NaN in NPY, quads around them left out', async () => {
  await withRuns(async (load) => {
    const run = await load('running');
    const rows = (await exportRun(run, 'csv', 'r')).body.toString().trim().split('\n').slice(1);
    assert.equal(rows.filter((r) => r.split(',')[2] !== '').length, 25);
    const vtp = (await exportRun(run, 'vtp', 'r')).body.toString();
    // 25 finished points fill rows 0 and 1 (22 points) and 3 of row 2: quads between rows 0-1 (10) and 1-2 (2).
    assert.match(vtp, /NumberOfPolys="12"/);
  });
});

test('curve, hessian and training exports; unknown formats and missing exports are refused with the choices', async () => {
  await withRuns(async (load) => {
    const curve = await load('bowl');
    const csv = (await exportRun(curve, 'csv', 'bowl')).body.toString().trim().split('\n');
    assert.equal(csv[0], 'lambda,loss,accuracy,loss_stderr');
    assert.deepEqual(csv[3]!.split(',').map(Number).slice(0, 2), [CURVE_LAMBDAS[2], curveLoss(CURVE_LAMBDAS[2]!)]);
    assert.match((await exportRun(curve, 'vtp', 'bowl')).body.toString(), /NumberOfLines="1"/);
    assert.ok(inkFraction(decodePng((await exportRun(curve, 'png', 'bowl')).body)) > 0.02);

    const h = await load('hessian');
    const hcsv = (await exportRun(h, 'csv', 'h')).body.toString();
    assert.match(hcsv, /^series,x,y\neigenvalue,1,5\neigenvalue,2,2\neigenvalue,3,1\nbottom-eigenvalue,1,-0.1\ndensity,-1,/);
    assert.match(hcsv, /\ntrace,10,0\.5\n$/);
    assert.ok(decodePng((await exportRun(h, 'png', 'h')).body).width > 100);

    const train = (await exportRun(await load('train'), 'csv', 't')).body.toString().split('\n');
    assert.equal(train[0], 'epoch,trainLoss,trainAccuracy,testLoss,testAccuracy,lr');

    await assert.rejects(exportRun(curve, 'xlsx', 'bowl'), /format 'xlsx' is not one of csv, npy, vtp, h5, png, json/);
    const mine = await load('mine');
    await assert.rejects(exportRun(mine, 'vtp', 'm'), /no VTP export for a 'mine' run; available: csv, json/);
    // Records (one per seed) as a table of their scalar fields.
    const seeds = (await exportRun(mine, 'csv', 'm')).body.toString().trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(seeds[0]!.slice(0, 4), ['seed', 'type', 'success', 'finalObjective']);
    assert.deepEqual(seeds.slice(1).map((r) => [r[0], r[1], r[2], Number(r[3])]), [['0', 'w-peak', 'true', mineObjective(0, 11)], ['1', 'v-basin', 'false', mineObjective(1, 11)]]);
    // Nested numbers are flattened (tr(H) per checkpoint).
    const training = (await exportRun(await load('hessianTraining'), 'csv', 'h')).body.toString().trim().split('\n');
    const header = training[0]!.split(',');
    assert.deepEqual(training.slice(1).map((r) => Number(r.split(',')[header.indexOf('trace.mean')])), [5, 8, 11]);
  });
});

test('surface download as HDF5: loss-landscape layout, read back by core/export', async () => {
  const { readLandscapeH5 } = await import('../../core/export/index.js');
  await withRuns(async (load, dir) => {
    const f = await exportRun(await load('pca'), 'h5', 'pca');
    assert.equal(f.filename, 'pca.h5');
    assert.deepEqual([...f.body.subarray(0, 8)], [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]); // HDF5 signature
    const path = join(dir, 'back.h5');
    await writeFile(path, f.body);
    const back = await readLandscapeH5(path);
    assert.equal(back.kind, 'surface');
    if (back.kind !== 'surface') return;
    assert.deepEqual(back.x, SURFACE_X);
    assert.deepEqual(back.y, SURFACE_Y);
    for (let j = 0; j < SURFACE_Y.length; j++) {
      for (let i = 0; i < SURFACE_X.length; i++) {
        assert.ok(Math.abs(back.loss[j * SURFACE_X.length + i]! - surfaceLoss(SURFACE_X[i]!, SURFACE_Y[j]!)) < 1e-12, `(${i}, ${j})`);
      }
    }
  });
});
