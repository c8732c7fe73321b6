// Cross-checks against independent references in test/python/directions.py: PyTorch for the normalisations
// (same θ, same raw noise), numpy's dense float64 SVD for the trajectory PCA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { ParamLayout, view, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { gaussianNoise } from './gaussian.js';
import { normalizeDirection } from './normalize.js';
import { trajectoryPca } from './pca.js';
import { BIAS_BN_MODES, NORM_MODES } from './spec.js';
import { testLayout, testTheta } from '../../testing/directions-fixture.js';
import { crossCheckSkip, pythonPath, pythonHas } from '../../testing/python.js';

const PYTHON = pythonPath();
const SCRIPT = fileURLToPath(new URL('../../../test/python/directions.py', import.meta.url));
// numpy is checked up front (fast); torch (3 s to import) only by the run that needs it.
const hasNumpy = pythonHas('numpy');
const NO_TORCH = "No module named 'torch'";

function runReference(command: string, input: Map<string, Tensor>): Map<string, Tensor> | 'no torch' {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-directions-ref-'));
  try {
    const src = join(dir, 'in.safetensors'), dst = join(dir, 'out.safetensors');
    writeSafetensors(src, input);
    const r = spawnSync(PYTHON, [SCRIPT, command, src, dst], { encoding: 'utf8' });
    if (r.status !== 0 && r.stderr.includes(NO_TORCH)) return 'no torch';
    assert.equal(r.status, 0, `directions.py ${command} failed: ${r.stderr}`);
    return readSafetensors(dst).tensors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Norm / LayNorm / FilNorm and bias-bn match PyTorch on the same θ and noise (relative ≤ 1e-6)', (t) => {
  if (!hasNumpy) { t.skip(crossCheckSkip('numpy')); return; }
  const theta = testTheta(), noise = gaussianNoise(testLayout, 123);
  const input = new Map<string, Tensor>();
  for (const s of testLayout.slots) {
    input.set(`theta/${s.name}`, { dtype: 'float32', dims: s.shape, data: view(theta, s.name) });
    input.set(`noise/${s.name}`, { dtype: 'float32', dims: s.shape, data: view(noise, s.name) });
  }
  const ref = runReference('normalize', input);
  if (ref === 'no torch') { t.skip('python3-torch not installed'); return; }
  let worst = 0, compared = 0;
  for (const norm of NORM_MODES) for (const biasBn of BIAS_BN_MODES) for (const scale of [1, -0.75]) {
    const d = normalizeDirection(noise, theta, { norm, biasBn, scale });
    for (const s of testLayout.slots) {
      const key = `${norm},${biasBn},${scale}/${s.name}`;
      const want = ref.get(key);
      assert.ok(want, `reference has no '${key}'`);
      assert.deepEqual(want.dims, s.shape, key);
      const got = view(d, s.name);
      for (let i = 0; i < got.length; i++) {
        const w = want.data[i] as number, g = got[i]!;
        if (w === 0) { assert.ok(g === 0, `${key}[${i}] should be exactly 0`); continue; }
        const rel = Math.abs(g - w) / Math.abs(w);
        worst = Math.max(worst, rel);
        compared++;
        assert.ok(rel <= 1e-6, `${key}[${i}]: terrain ${g}, torch ${w} (relative ${rel})`);
      }
    }
  }
  t.diagnostic(`${compared} entries, worst relative difference ${worst.toExponential(2)}`);
});

test('trajectory PCA matches a dense float64 SVD (numpy) on a 3-D cloud', (t) => {
  if (!hasNumpy) { t.skip(crossCheckSkip('numpy')); return; }
  const P = 50, n = 10, rng = createRng(31);
  const layout = new ParamLayout([{ name: 'w', shape: [5, 10] }]);
  const vec = (f: (p: number) => number): ParamVector => ({ layout, data: Float32Array.from({ length: P }, (_, p) => f(p)) });
  const center = vec(() => rng.normal());
  const basis = [0, 1, 2].map(() => Float64Array.from({ length: P }, () => rng.normal()));
  const points = Array.from({ length: n }, () => {
    const c = [2 * rng.normal(), rng.normal(), 0.4 * rng.normal()];
    return vec((p) => center.data[p]! + c[0]! * basis[0]![p]! + c[1]! * basis[1]![p]! + c[2]! * basis[2]![p]!);
  });
  const flat = new Float32Array(n * P);
  points.forEach((pt, i) => flat.set(pt.data, i * P));
  const ref = runReference('pca', new Map<string, Tensor>([['center', { dtype: 'float32', dims: [P], data: center.data }], ['points', { dtype: 'float32', dims: [n, P], data: flat }]]));
  if (ref === 'no torch') throw new Error('the PCA reference needs numpy only');
  const r = trajectoryPca(points, center);
  const get = (k: string) => ref.get(k)!.data as Float64Array;
  const sv = get('singular_values'), evr = get('explained_variance_ratio'), dirs = get('directions'), coords = get('coordinates'), dist = get('distances');
  let worst = 0;
  const close = (a: number, b: number, tol: number, what: string) => {
    const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    worst = Math.max(worst, rel);
    assert.ok(Math.abs(a - b) <= tol * Math.abs(b) + 1e-12, `${what}: terrain ${a}, numpy ${b}`);
  };
  for (let k = 0; k < 2; k++) {
    close(r.singularValues[k]!, sv[k]!, 1e-12, `σ${k + 1}`);
    close(r.explainedVarianceRatio[k]!, evr[k]!, 1e-12, `ratio ${k + 1}`);
    // SVD signs are arbitrary: align by the sign of the dot product
    let d = 0;
    for (let p = 0; p < P; p++) d += r.directions[k]!.data[p]! * dirs[k * P + p]!;
    const sign = Math.sign(d);
    for (let p = 0; p < P; p++) close(r.directions[k]!.data[p]!, sign * dirs[k * P + p]!, 1e-6, `u${k + 1}[${p}]`);
    for (let i = 0; i < n; i++) close(r.coordinates[i]![k]!, sign * coords[i * 2 + k]!, 1e-10, `coordinate ${k + 1} of point ${i}`);
  }
  for (let i = 0; i < n; i++) close(r.distances[i]!, dist[i]!, 1e-9, `distance of point ${i}`);
  t.diagnostic(`worst relative difference ${worst.toExponential(2)}`);
});
