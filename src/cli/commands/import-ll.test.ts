// terrain import-ll and export --format ll-directions against loss-landscape's semantics, computed in PyTorch by
// test/python/ll_reference.py (random states / weights directions, LL's fill order, accuracy in percent): the
// imported run holds LL's numbers, and terrain recomputing the surface along the imported directions (file:… with
// --bn perturb for states) gives the same losses, which checks the parameter/state_dict mapping and how states
// directions move the BN statistics. Then the directions go back out in LL's layout and compare with LL's file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointOf, saveCheckpoint } from '../../ir/checkpoint.js';
import { writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildModel } from '../../ir/zoo/index.js';
import { npyBytes } from '../../testing/data-fixtures.js';
import { landscapeFromResult } from '../../core/export/index.js';
import { createRng } from '../../core/rng.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PY = pythonPath();
const hasLlDeps = pythonHas('torch', 'h5py');
const SPEC = { arch: 'cnn-small', options: { channels: [3, 4] }, inputShape: [1, 8, 8], classes: 4 };
const N = 24;

const terrain = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
const last = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

/** A cnn-small checkpoint with non-trivial BN statistics, its data as npy (terrain) and safetensors (PyTorch). */
function fixture(dir: string): { ckpt: string; st: string; x: string; y: string } {
  const model = buildModel(SPEC, 3);
  const rng = createRng(9);
  for (const name of model.buffers) {
    const t = model.graph.initializers.get(name)!;
    const data = Float32Array.from(t.data as Float32Array, () => (name.endsWith('running_var') ? 0.5 + rng.uniform() : 0.3 * rng.normal()));
    model.graph.initializers.set(name, { ...t, data });
  }
  const ckpt = join(dir, 'model.safetensors');
  saveCheckpoint(ckpt, checkpointOf(model));
  const x = Float32Array.from({ length: N * 64 }, () => rng.normal());
  const y = Array.from({ length: N }, (_, i) => i % SPEC.classes);
  writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [N, 1, 8, 8], x));
  writeFileSync(join(dir, 'y.npy'), npyBytes('<i8', [N], y));
  const tensors = new Map<string, Tensor>([
    ['x', { dtype: 'float32', dims: [N, 1, 8, 8], data: x }],
    ['y', { dtype: 'int64', dims: [N], data: BigInt64Array.from(y.map(BigInt)) }],
  ]);
  writeSafetensors(join(dir, 'data.safetensors'), tensors);
  writeSafetensors(join(dir, 'weights.safetensors'), checkpointOf(model).tensors);
  return { ckpt, st: join(dir, 'weights.safetensors'), x: join(dir, 'x.npy'), y: join(dir, 'y.npy') };
}

for (const [dirType, ignore, norm] of [['states', '', 'filter'], ['weights', 'biasbn', 'dlayer']] as const) {
  test(`import-ll (${dirType}, xignore='${ignore}', xnorm=${norm}): LL's numbers, recomputed by terrain, exported back`, async (t) => {
    if (!hasLlDeps) { t.skip(crossCheckSkip('torch', 'h5py')); return; }
    const dir = mkdtempSync(join(tmpdir(), 'terrain-import-ll-'));
    try {
      const f = fixture(dir);
      const XR = '-0.4:0.4:4', YR = '-0.3:0.3:3'; // non-square; small enough that running variances stay positive
      const py = spawnSync(PY, [join(ROOT, 'test/python/ll_reference.py'), 'make', JSON.stringify(SPEC), f.st, join(dir, 'data.safetensors'), dir, dirType, ignore, norm, XR, YR],
        { encoding: 'utf8', cwd: join(ROOT, 'test/python'), env: { ...process.env, LEAVE_LAST: '1' } });
      assert.equal(py.status, 0, py.stderr);
      const run = join(dir, 'run');
      const imp = terrain(['import-ll', join(dir, 'surf.h5'), '--directions', join(dir, 'dir.h5'), '--model', f.ckpt, '--out', run, '--json']);
      assert.equal(imp.status, 0, imp.stderr);
      const summary = last(imp.stdout);
      assert.equal(summary['dirType'], dirType);
      assert.equal(summary['uncomputed'], 1);
      if (dirType === 'states') assert.deepEqual((summary['skipped'] as number[][]).map((s) => s.length), [2, 2], 'num_batches_tracked of bn1 and bn2');
      const result = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8')) as { x: number[]; y: number[]; loss: (number | null)[][]; accuracy: (number | null)[][]; bn: string };
      const runJson = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { identity: { imported: { surface: { sha256: string } } } };
      assert.match(runJson.identity.imported.surface.sha256, /^[0-9a-f]{64}$/);
      assert.equal(result.loss[2]![3], null, 'the point LL left at -1');

      // terrain recomputes along the imported directions
      const specs = ['direction-x', 'direction-y'].map((n) => `file:${join(run, `${n}.safetensors`)}${dirType === 'states' ? ':type=states' : ''}`);
      const again = terrain(['surface', '--model', f.ckpt, '--data', `npy:${f.x},${f.y}`, '--split', 'all', '--x', specs[0]!, '--y', specs[1]!,
        '--x-range', XR, '--y-range', YR, '--bn', dirType === 'states' ? 'perturb' : 'eval', '--no-plots', '--workers', '1', '--out', join(dir, 'again'), '--json']);
      assert.equal(again.status, 0, again.stderr);
      const mine = JSON.parse(readFileSync(join(dir, 'again', 'result.json'), 'utf8')) as typeof result;
      let worst = 0;
      mine.loss.forEach((row, j) => row.forEach((v, i) => {
        const ll = result.loss[j]![i];
        if (ll === null) return;
        worst = Math.max(worst, Math.abs(v! - ll) / Math.abs(ll));
        assert.ok(Math.abs(mine.accuracy[j]![i]! - result.accuracy[j]![i]!) < 1e-9, `accuracy at (${i}, ${j}): ${mine.accuracy[j]![i]} vs LL ${result.accuracy[j]![i]} (percent / 100)`);
      }));
      t.diagnostic(`worst relative loss difference terrain vs LL (PyTorch): ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-5, `loss differs from LL's by ${worst}`);
      if (dirType === 'states') {
        const eval_ = terrain(['surface', '--model', f.ckpt, '--data', `npy:${f.x},${f.y}`, '--split', 'all', '--x', specs[0]!, '--y', specs[1]!, '--out', join(dir, 'refused')]);
        assert.equal(eval_.status, 2);
        assert.match(eval_.stderr, /states direction .*add --bn perturb/);
      }

      // back out in LL's layout: the same lists (0-D num_batches_tracked entries at the same places, written as 0)
      const back = join(dir, 'back.h5');
      const ex = terrain(['export', run, '--format', 'll-directions', '--out', back, '--json']);
      assert.equal(ex.status, 0, ex.stderr);
      const cmp = spawnSync(PY, [join(ROOT, 'test/python/ll_reference.py'), 'compare', join(dir, 'dir.h5'), back], { encoding: 'utf8', cwd: join(ROOT, 'test/python') });
      assert.equal(cmp.status, 0, cmp.stderr);
      for (const [g, i, a, b, diff] of (JSON.parse(cmp.stdout) as { entries: [string, number, number[], number[], number][] }).entries) {
        assert.deepEqual(b, a, `${g}/${i} shape`);
        if (a.length > 0) assert.equal(diff, 0, `${g}/${i} values`);
      }
      // what export, report and serve read: a well-formed surface result
      assert.equal(landscapeFromResult(result, 'result.json').kind, 'surface');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a terrain states surface exported with --format ll-directions: LL (PyTorch set_states) computes the same losses', async (t) => {
  if (!hasLlDeps) { t.skip(crossCheckSkip('torch', 'h5py')); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-export-ll-'));
  try {
    const f = fixture(dir);
    const XR = '-0.3:0.3:3', YR = '-0.2:0.2:2';
    const run = join(dir, 'run');
    const s = terrain(['surface', '--model', f.ckpt, '--data', `npy:${f.x},${f.y}`, '--split', 'all', '--x', 'gaussian:seed=1:bias-bn=copy:type=states',
      '--y', 'gaussian:seed=2:norm=dlayer:bias-bn=norm:type=states', '--x-range', XR, '--y-range', YR, '--bn', 'perturb', '--no-plots', '--workers', '1', '--out', run]);
    assert.equal(s.status, 0, s.stderr);
    const ex = terrain(['export', run, '--format', 'll-directions', '--json']);
    assert.equal(ex.status, 0, ex.stderr);
    assert.equal(last(ex.stdout)['dirType'], 'states');
    const py = spawnSync(PY, [join(ROOT, 'test/python/ll_reference.py'), 'surface', JSON.stringify(SPEC), f.st, join(dir, 'data.safetensors'), join(run, 'directions.h5'), join(dir, 'll.h5'), 'states', XR, YR],
      { encoding: 'utf8', cwd: join(ROOT, 'test/python') });
    assert.equal(py.status, 0, py.stderr);
    const imp = terrain(['import-ll', join(dir, 'll.h5'), '--directions', join(run, 'directions.h5'), '--model', f.ckpt, '--out', join(dir, 'll-run')]);
    assert.equal(imp.status, 0, imp.stderr);
    type Surface = { loss: number[][]; accuracy: number[][] };
    const ours = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8')) as Surface;
    const ll = JSON.parse(readFileSync(join(dir, 'll-run', 'result.json'), 'utf8')) as Surface;
    let worst = 0;
    ours.loss.forEach((row, j) => row.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - ll.loss[j]![i]!) / Math.abs(ll.loss[j]![i]!));
      assert.ok(Math.abs(ours.accuracy[j]![i]! - ll.accuracy[j]![i]!) < 1e-9, `accuracy at (${i}, ${j})`);
    }));
    t.diagnostic(`worst relative loss difference terrain vs LL (PyTorch set_states): ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-5, `loss differs from LL's by ${worst}`);
    // the BN statistics really moved: the same directions without their buffer part give other losses
    const w = terrain(['surface', '--model', f.ckpt, '--data', `npy:${f.x},${f.y}`, '--split', 'all', '--x', 'gaussian:seed=1:bias-bn=copy',
      '--y', 'gaussian:seed=2:norm=dlayer:bias-bn=norm', '--x-range', XR, '--y-range', YR, '--no-plots', '--workers', '1', '--out', join(dir, 'weights')]);
    assert.equal(w.status, 0, w.stderr);
    const plain = JSON.parse(readFileSync(join(dir, 'weights', 'result.json'), 'utf8')) as Surface;
    assert.ok(Math.abs(plain.loss[0]![0]! - ours.loss[0]![0]!) > 1e-4, 'states and weights directions differ at a corner');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
