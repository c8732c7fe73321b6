import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, cosine, view } from '../params.js';
import { createRng } from '../rng.js';
import { gaussianNoise } from './gaussian.js';
import { testLayout } from '../../testing/directions-fixture.js';

function moments(x: ArrayLike<number>): { mean: number; variance: number; kurtosis: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < x.length; i++) { const d = x[i]! - m; m2 += d * d; m4 += d ** 4; }
  m2 /= x.length; m4 /= x.length;
  return { mean: m, variance: m2, kurtosis: m4 / (m2 * m2) };
}

test('same seed, same noise bit for bit; different seeds are unrelated', () => {
  const a = gaussianNoise(testLayout, 5), b = gaussianNoise(testLayout, 5), c = gaussianNoise(testLayout, 6);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
  assert.ok(Math.abs(cosine(a, c)) < 4 / Math.sqrt(testLayout.size), `cosine ${cosine(a, c)}`);
});

test('one draw per parameter in layout order, independent of tensor kinds', () => {
  const d = gaussianNoise(testLayout, 9), rng = createRng(9);
  for (const s of testLayout.slots) for (const v of view(d, s.name)) assert.equal(v, Math.fround(rng.normal()));
});

test('the noise is N(0,1): mean 0, variance 1, kurtosis 3 (uniform noise has 1.8)', () => {
  const n = 200_000;
  const { mean, variance, kurtosis } = moments(gaussianNoise(new ParamLayout([{ name: 'w', shape: [n] }]), 1).data);
  // standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032, kurtosis √(24/n) ≈ 0.011
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.015, `variance ${variance}`);
  assert.ok(Math.abs(kurtosis - 3) < 0.06, `kurtosis ${kurtosis}`);
  // the check can fail: uniform noise of the same variance is rejected
  const rng = createRng(1);
  const uniform = Float64Array.from({ length: n }, () => (rng.uniform() - 0.5) * Math.sqrt(12));
  assert.ok(Math.abs(moments(uniform).kurtosis - 1.8) < 0.02);
  assert.ok(Math.abs(moments(uniform).kurtosis - 3) > 0.06);
});
