// The default finite-difference steps (float64 and float32 gradients) on a trained smooth model, where it matters most: along the top eigenvector
// (large third derivatives: truncation error) and along a random direction (small H v: float32 gradient noise).
// The exact product is the reference (it equals PyTorch double backprop to ~1e-7, model-operator.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainedDigits } from '../../testing/explain-fixture.js';
import { createRng } from '../rng.js';
import { FD_RELATIVE_STEP } from './hvp-backends.js';
import { lanczos } from './lanczos.js';
import { modelHessian } from './model-operator.js';

const relativeError = (got: Float64Array, want: Float64Array): number => {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) { num += (got[i]! - want[i]!) ** 2; den += want[i]! ** 2; }
  return Math.sqrt(num / den);
};

test(`fd products with the default steps (float64 ${FD_RELATIVE_STEP.float64}, float32 ${FD_RELATIVE_STEP.float32}) against exact ones on trained and initial weights`, async (t) => {
  const { init, final, batches } = await trainedDigits();
  for (const [name, point] of [['trained', final], ['init', init]] as const) {
    const exact = await modelHessian(point, batches, { threads: 1 });
    const fd64 = await modelHessian(point, batches, { method: 'fd', threads: 1 });
    const fd32 = await modelHessian(point, batches, { method: 'fd', fdPrecision: 'float32', threads: 1 });
    try {
      assert.equal(fd64.precision, 'float64');
      assert.equal(fd32.precision, 'float32');
      const top = await lanczos(exact, { k: 1, maxRestarts: 0, tol: 1e-4, rng: createRng(0) });
      const rng = createRng(1);
      const random = Float64Array.from({ length: exact.size }, () => rng.normal());
      for (const [what, v] of [['top eigenvector', top.eigenvectors[0]!], ['random direction', random]] as const) {
        const want = await exact.matvec(v);
        const e64 = relativeError(await fd64.matvec(v), want), e32 = relativeError(await fd32.matvec(v), want);
        t.diagnostic(`${name}, ${what}: relative error float64 ${e64.toExponential(2)}, float32 ${e32.toExponential(2)}`);
        // float64 differences are limited by the exact product's own float32 rounding (~1e-7).
        assert.ok(e64 < 1e-5, `${name}, ${what}: float64 fd vs exact relative error ${e64.toExponential(2)}`);
        // float32 differences trade truncation against gradient noise; documented as ≲ 1e-3.
        assert.ok(e32 < 2e-3, `${name}, ${what}: float32 fd vs exact relative error ${e32.toExponential(2)}`);
      }
    } finally {
      await exact.dispose();
      await fd64.dispose();
      await fd32.dispose();
    }
  }
});
